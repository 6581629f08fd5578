// The guild's labels in the bot's replies, through the real discord.js client and the fake Discord:
// a currency's label replaces its name (/leaderboard, /award, /profile, autocomplete), `milestones`
// names the milestones (/milestones, /profile) and `level` the level (/profile). A change made
// through the settings write path is in force on the running bot without a restart.
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { changeSettings } from '../../src/guilds/settings.ts';
import { credit } from '../../src/ledger/ledger.ts';
import { awardMilestone } from '../../src/milestones/repository.ts';
import { until } from './support/harness.ts';
import { OptionType, runCommand } from './support/interactions.ts';
import { useBot } from './support/use-bot.ts';
import { ALICE, BOB, GUILD, MANAGE_GUILD } from './support/payloads.ts';

const ctx = useBot({ preset: 'classic' });

const LABELS = { xp: 'Sparks', gold: 'Doubloons', milestones: 'Trophies', level: 'Tier' };

async function relabel(labels: Record<string, string>) {
  const changed = await changeSettings(ctx.database.db, GUILD, { labels }, 'test');
  expect(changed.ok).toBe(true);
  await until(async () => isDeepStrictEqual((await ctx.harness.configs.get(GUILD)).settings.labels, labels), 5_000, 'the labels reached the bot');
}

describe('labels in bot replies', () => {
  it('/leaderboard names the currency by its label', async () => {
    await credit(ctx.database.db, { guildId: GUILD, userId: ALICE, currency: 'xp', amount: 20 });
    await relabel(LABELS);
    const reply = await runCommand(ctx.harness, 'leaderboard', []);
    expect(reply.data.embeds[0]).toMatchObject({ title: '✦ Sparks leaderboard — all time', footer: { text: 'Sparks held' } });
    // Members may type the label as well as the key.
    const typed = await runCommand(ctx.harness, 'leaderboard', [{ name: 'currency', type: OptionType.STRING, value: 'doubloons' }]);
    expect(typed.data.embeds[0]).toMatchObject({ title: '🪙 Doubloons leaderboard — all time', description: 'Nobody has earned any Doubloons yet.' });
  });

  it('/award says what was given in the label', async () => {
    await relabel(LABELS);
    const reply = await runCommand(
      ctx.harness,
      'award',
      [
        { name: 'member', type: OptionType.USER, value: BOB },
        { name: 'currency', type: OptionType.STRING, value: 'gold' },
        { name: 'amount', type: OptionType.INTEGER, value: 5 },
      ],
      { id: ALICE, permissions: MANAGE_GUILD },
    );
    expect(reply.data.embeds[0]!.title).toBe('Awarded 5 🪙 Doubloons');
    expect(reply.data.embeds[0]!.description).toContain(`<@${BOB}> now has **5** Doubloons.`);
  });

  it('/milestones and /profile use the milestones and level labels', async () => {
    await credit(ctx.database.db, { guildId: GUILD, userId: ALICE, currency: 'xp', amount: 15 });
    await awardMilestone(ctx.database.db, GUILD, ALICE, 'chatterbox', 'test', new Date('2026-03-01T10:00:00Z'));
    await relabel(LABELS);
    const list = await runCommand(ctx.harness, 'milestones', [], { id: ALICE });
    expect(list.data.embeds[0]).toMatchObject({ title: `user${ALICE.slice(-4)}'s Trophies`, footer: { text: '1 of 15 Trophies earned' } });
    const none = await runCommand(ctx.harness, 'milestones', [], { id: BOB });
    expect(none.data.embeds[0]!.description).toBe('You have no Trophies yet (there are 15 to earn).');
    const profile = await runCommand(ctx.harness, 'profile', [], { id: ALICE });
    const fields = profile.data.embeds[0]!.fields!;
    expect(fields[0]).toEqual({ name: '✦ Sparks', value: '**15**\nTier 1 · 15 / 125 to tier 2', inline: true });
    expect(fields.map((f: { name: string }) => f.name)).toContain('Recent Trophies');
  });

  it('without labels the currencies keep their names and milestones are Milestones', async () => {
    await credit(ctx.database.db, { guildId: GUILD, userId: ALICE, currency: 'xp', amount: 15 });
    const changed = await changeSettings(ctx.database.db, GUILD, { labels: null }, 'test');
    expect(changed.ok).toBe(true);
    await until(async () => (await ctx.harness.configs.get(GUILD)).settings.labels === undefined, 5_000, 'the labels were removed');
    const list = await runCommand(ctx.harness, 'milestones', [], { id: ALICE });
    expect(list.data.embeds[0]!.title).toBe(`user${ALICE.slice(-4)}'s Milestones`);
    const profile = await runCommand(ctx.harness, 'profile', [], { id: ALICE });
    expect(profile.data.embeds[0]!.fields![0]).toEqual({ name: '✦ XP', value: '**15**\nLevel 1 · 15 / 125 to level 2', inline: true });
  });
});

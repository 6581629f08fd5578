// Slash commands: registered per guild, answered through the interaction callback with embeds;
// admin commands refuse non-admins; every failure is a friendly reply.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { guilds, lakeEvents } from '../../src/db/schema.ts';
import { COMMANDS } from '../../src/discord/commands/registry.ts';
import { APPLICATION_ID } from '../support/fake-discord.ts';
import { balances, lakeCount, until, waitForLake } from './support/harness.ts';
import { EPHEMERAL, OptionType, runCommand } from './support/interactions.ts';
import { useBot } from './support/use-bot.ts';
import { ALICE, BOB, GUILD, MANAGE_GUILD, MOD_ROLE, message, type OptionInput } from './support/payloads.ts';

const ctx = useBot({ preset: 'classic' });

const awardOptions = (member: string, currency: string, amount: number, reason = 'helping out'): OptionInput[] => [
  { name: 'member', type: OptionType.USER, value: member },
  { name: 'currency', type: OptionType.STRING, value: currency },
  { name: 'amount', type: OptionType.INTEGER, value: amount },
  { name: 'reason', type: OptionType.STRING, value: reason },
];

describe('slash commands', () => {
  it('registers every Cairn command in each guild the bot is in', async () => {
    const [put] = await ctx.harness.fake.waitForCalls('PUT', new RegExp(`^/applications/${APPLICATION_ID}/guilds/${GUILD}/commands$`));
    const registered = (put!.body as { name: string }[]).map((c) => c.name).sort();
    expect(registered).toEqual(COMMANDS.map((c) => c.data.name).sort());
    expect(registered).toEqual(expect.arrayContaining(['award', 'buy', 'leaderboard', 'milestones', 'profile', 'season', 'shop', 'why']));
  });

  it('/why lists the caller’s last rewards with the rule, the event and the amount, privately', async () => {
    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: ALICE }));
    await waitForLake(ctx.harness, ctx.database, 1, 'message_create');
    const reply = await runCommand(ctx.harness, 'why', [], { id: ALICE });
    expect(reply.type).toBe(4);
    expect(reply.data.flags).toBe(EPHEMERAL);
    const [embed] = reply.data.embeds;
    expect(embed!.title).toBe('Your last rewards');
    expect(embed!.description).toContain('**+15 ✦ XP** — Message: XP by quality, a Star · `message_create`');
    expect(embed!.description).toContain('**+1 ⭐ Stars**');
  });

  it('/why tells a member without rewards how to earn some', async () => {
    const reply = await runCommand(ctx.harness, 'why', [], { id: BOB });
    expect(reply.data.embeds[0]!.title).toBe('No rewards yet');
  });

  it('/award from a member with Manage Server credits the member through a manual_award event', async () => {
    const reply = await runCommand(ctx.harness, 'award', awardOptions(BOB, 'gold', 50), { id: ALICE, permissions: MANAGE_GUILD });
    expect(reply.data.flags ?? 0).toBe(0);
    expect(reply.data.embeds[0]!.title).toBe('Awarded 50 🪙 Gold');
    expect(reply.data.embeds[0]!.description).toContain(`<@${BOB}> now has **50** Gold`);
    expect(await balances(ctx.database, BOB)).toEqual({ gold: 50 });
    const [award] = await ctx.database.db.select().from(lakeEvents).where(eq(lakeEvents.type, 'manual_award'));
    expect(award).toMatchObject({ actorId: ALICE, targetId: BOB, data: { currency: 'gold', amount: 50, reason: 'helping out' } });
  });

  it("/award works for a member with one of the guild's Cairn admin roles", async () => {
    await ctx.database.db.update(guilds).set({ settings: { admin_role_ids: [MOD_ROLE] } }).where(eq(guilds.id, GUILD));
    await until(async () => (await ctx.harness.configs.get(GUILD)).settings.admin_role_ids, 5_000, 'the settings reloaded');
    const reply = await runCommand(ctx.harness, 'award', awardOptions(BOB, 'gold', 7), { id: ALICE, roles: [MOD_ROLE] });
    expect(reply.data.embeds[0]!.title).toBe('Awarded 7 🪙 Gold');
    expect(await balances(ctx.database, BOB)).toEqual({ gold: 7 });
  });

  it('/award from a member who is not an admin is refused and awards nothing', async () => {
    const reply = await runCommand(ctx.harness, 'award', awardOptions(ALICE, 'gold', 1000), { id: ALICE });
    expect(reply.data.flags).toBe(EPHEMERAL);
    expect(reply.data.embeds[0]!.description).toContain('Only admins can use /award');
    await ctx.harness.bot.events.flush();
    expect(await lakeCount(ctx.database, 'manual_award')).toBe(0);
    expect(await balances(ctx.database, ALICE)).toEqual({});
  });

  it('/award of an unknown currency answers with the currencies there are', async () => {
    const reply = await runCommand(ctx.harness, 'award', awardOptions(BOB, 'diamonds', 5), { id: ALICE, permissions: MANAGE_GUILD });
    expect(reply.data.flags).toBe(EPHEMERAL);
    expect(reply.data.embeds[0]!.description).toBe('There is no currency `diamonds` here. Known currencies: `xp`, `stars`, `gold`.');
  });

  it('/award that would take more than a member has is refused with a friendly reason, and writes nothing to the lake', async () => {
    const reply = await runCommand(ctx.harness, 'award', awardOptions(BOB, 'gold', -5), { id: ALICE, permissions: MANAGE_GUILD });
    expect(reply.data.embeds[0]!.title).toBe('That did not work');
    expect(reply.data.embeds[0]!.description).toContain('balance is too low');
    expect(await balances(ctx.database, BOB)).toEqual({});
    await ctx.harness.bot.events.flush();
    expect(await lakeCount(ctx.database, 'manual_award')).toBe(0);
  });

  it('/profile shows balances and the level with progress to the next one', async () => {
    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: ALICE }));
    await waitForLake(ctx.harness, ctx.database, 1, 'message_create');
    const reply = await runCommand(ctx.harness, 'profile', [{ name: 'member', type: OptionType.USER, value: ALICE }], { id: BOB });
    expect(reply.data.flags ?? 0).toBe(0);
    const [embed] = reply.data.embeds;
    expect(embed!.fields).toEqual([
      { name: '✦ XP', value: '**15**\nLevel 1 · 15 / 125 to level 2', inline: true },
      { name: '⭐ Stars', value: '**1**', inline: true },
    ]);
  });

  it('/profile of a member who earned nothing says so', async () => {
    const reply = await runCommand(ctx.harness, 'profile', [], { id: BOB });
    expect(reply.data.embeds[0]!.description).toBe('You have not earned anything yet.');
  });

  it('records every slash command as a command event, with the member option as target', async () => {
    await runCommand(ctx.harness, 'profile', [{ name: 'member', type: OptionType.USER, value: ALICE }], { id: BOB });
    await waitForLake(ctx.harness, ctx.database, 1, 'command');
    const [command] = await ctx.database.db.select().from(lakeEvents).where(eq(lakeEvents.type, 'command'));
    expect(command).toMatchObject({ actorId: BOB, targetId: ALICE, data: { name: 'profile', options: { member: ALICE } } });
  });
});

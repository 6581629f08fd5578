// The member and admin commands of issue 15 through the real discord.js client against the fake
// Discord: /settings announcements (a member's opt-out, honoured by milestone and level-up
// announcements), /grant (a milestone by hand, at most once), /config (announcement channel,
// modules on and off, a summary), each private, admins only where it says so, and hostile values.
import { and, eq, ne } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, guilds, memberMilestones, members, outbox } from '../../src/db/schema.ts';
import type { SlashCommand } from '../../src/discord/commands/command.ts';
import { COMMANDS } from '../../src/discord/commands/registry.ts';
import { saveMilestone } from '../../src/milestones/repository.ts';
import { saveRule } from '../../src/rules/repository.ts';
import { APPLICATION_ID } from '../support/fake-discord.ts';
import { balances, until, waitForLake } from './support/harness.ts';
import { answerTo, isPrivate, OptionType, runCommand } from './support/interactions.ts';
import { useBot } from './support/use-bot.ts';
import { ALICE, ANNOUNCE_CHANNEL, BOB, GUILD, MANAGE_GUILD, message, slashCommand, type OptionInput } from './support/payloads.ts';

/** A command owned by the classic module, to see it go and come back with the module. */
const owned: SlashCommand = {
  data: { name: 'classic-extra', description: 'owned by the classic module', type: 1 },
  access: 'member',
  ephemeral: true,
  module: 'classic',
  run: async () => ({ embeds: [{ title: 'ran' }] }),
};

const ctx = useBot({ preset: 'classic', harness: { bot: { commands: [...COMMANDS, owned] } } });
const ADMIN = { id: BOB, permissions: MANAGE_GUILD };
const CHANNEL_TYPE = 7;

const sub = (name: string, options: OptionInput[] = []): OptionInput[] => [{ name, type: OptionType.SUB_COMMAND, options } as OptionInput];
const settingsOf = async () => (await ctx.database.db.select().from(guilds).where(eq(guilds.id, GUILD)))[0]!.settings;
/** Audit entries of an action written by the commands (not by the preset import that set the guild up, actor 'test'). */
const audits = (action: string) => ctx.database.db.select().from(auditLog).where(and(eq(auditLog.action, action), ne(auditLog.actor, 'test')));
const registeredNames = (nth: number) =>
  ctx.harness.fake.waitForCalls('PUT', new RegExp(`^/applications/${APPLICATION_ID}/guilds/${GUILD}/commands$`), nth).then((calls) => (calls[nth - 1]!.body as { name: string }[]).map((c) => c.name));

/** /config announcements with a channel option (Discord sends the channel in `resolved`). */
async function configAnnouncements(channelId: string | null, invoker = ADMIN) {
  const interaction = slashCommand('config', sub('announcements', channelId ? [{ name: 'channel', type: CHANNEL_TYPE, value: channelId } as OptionInput] : []), invoker);
  if (channelId) {
    (interaction.data as Record<string, unknown>).resolved = { channels: { [channelId]: { id: channelId, type: 0, name: 'announcements', permissions: '1071698660929', guild_id: GUILD } } };
  }
  return answerTo(ctx.harness, interaction);
}

async function suggestions(command: string, options: OptionInput[]): Promise<{ name: string; value: string }[]> {
  const body = await answerTo<{ type: number; data: { choices: { name: string; value: string }[] } }>(ctx.harness, { ...slashCommand(command, options, ADMIN), type: 4 });
  expect(body.type).toBe(8);
  return body.data.choices;
}

describe('/settings announcements', () => {
  it('opts the member out, privately and audit-logged; milestone announcements skip them, others are still announced', async () => {
    await ctx.database.db.update(guilds).set({ settings: { announce_channel_id: ANNOUNCE_CHANNEL } }).where(eq(guilds.id, GUILD));
    expect((await saveMilestone(ctx.database.db, GUILD, { key: 'hello', name: 'Hello', requirement: { type: 'event_count', events: ['message_create'], min: 1 } }, 'test')).ok).toBe(true);
    const reply = await runCommand(ctx.harness, 'settings', [{ name: 'announcements', type: OptionType.SUB_COMMAND, options: [{ name: 'state', type: OptionType.STRING, value: 'off' }] } as OptionInput], { id: ALICE });
    expect(isPrivate(reply)).toBe(true);
    expect(reply.data.embeds[0]!.title).toBe('Announcements off');
    const [row] = await ctx.database.db.select().from(members).where(and(eq(members.guildId, GUILD), eq(members.userId, ALICE)));
    expect(row!.announceOptOut).toBe(true);
    expect(await audits('member.announcements')).toHaveLength(1);

    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: ALICE }));
    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: BOB }));
    await waitForLake(ctx.harness, ctx.database, 2, 'message_create');
    await until(async () => (await ctx.database.db.select().from(memberMilestones)).length === 2, 10_000, 'both milestones');
    const announced = (await ctx.database.db.select().from(outbox).where(eq(outbox.kind, 'message'))).filter((r) => r.payload.milestone === 'hello');
    expect(announced.map((r) => r.payload.channel_id)).toEqual([ANNOUNCE_CHANNEL]);
    expect(String(announced[0]!.payload.content)).toContain(`<@${BOB}>`);

    const again = await runCommand(ctx.harness, 'settings', [{ name: 'announcements', type: OptionType.SUB_COMMAND, options: [{ name: 'state', type: OptionType.STRING, value: 'off' }] } as OptionInput], { id: ALICE });
    expect(again.data.embeds[0]!.title).toBe('Nothing changed');
    expect(await audits('member.announcements')).toHaveLength(1);
  });

  it('level-up messages of rules skip a member who opted out, and name the others', async () => {
    const saved = await saveRule(ctx.database.db, GUILD, { key: 'announce.level', name: 'Announce level-ups', module: 'classic', trigger: { events: ['level_up'], currency: 'xp' }, effects: [{ type: 'message', channel: ANNOUNCE_CHANNEL, template: '{{actor.mention}} reached level {{event.data.level}}' }] }, 'test');
    expect(saved.ok).toBe(true);
    await runCommand(ctx.harness, 'settings', [{ name: 'announcements', type: OptionType.SUB_COMMAND, options: [{ name: 'state', type: OptionType.STRING, value: 'off' }] } as OptionInput], { id: ALICE });
    for (const member of [ALICE, BOB]) {
      const r = await runCommand(ctx.harness, 'award', [
        { name: 'member', type: OptionType.USER, value: member },
        { name: 'currency', type: OptionType.STRING, value: 'xp' },
        { name: 'amount', type: OptionType.INTEGER, value: 500 },
      ], ADMIN);
      expect(r.data.embeds[0]!.title).toContain('Awarded');
    }
    const levelMessages = (await ctx.database.db.select().from(outbox).where(eq(outbox.kind, 'message'))).map((r) => String(r.payload.content)).filter((c) => c.includes('reached level'));
    expect(levelMessages.length).toBeGreaterThan(0);
    expect(levelMessages.every((c) => c.includes(`<@${BOB}>`))).toBe(true);
  });
});

describe('/grant', () => {
  it('awards a milestone once: the second grant answers "already earned", awards and logs nothing more', async () => {
    const options: OptionInput[] = [{ name: 'member', type: OptionType.USER, value: ALICE }, { name: 'milestone', type: OptionType.STRING, value: 'chatterbox' }];
    const first = await runCommand(ctx.harness, 'grant', options, ADMIN);
    expect(isPrivate(first)).toBe(true);
    expect(first.data.embeds[0]!.title).toContain('Chatterbox');
    const second = await runCommand(ctx.harness, 'grant', options, ADMIN);
    expect(isPrivate(second)).toBe(true);
    expect(second.data.embeds[0]!.description).toContain('already earned');
    expect(await ctx.database.db.select().from(memberMilestones).where(eq(memberMilestones.userId, ALICE))).toHaveLength(1);
    const logged = await audits('milestone.award');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ entityKey: ALICE, actor: expect.stringContaining(`discord:${BOB}`), after: { milestone: 'chatterbox' } });
  });

  it('refuses non-admins and unknown or hostile milestones, awarding nothing', async () => {
    const options = (value: string, member = ALICE): OptionInput[] => [{ name: 'member', type: OptionType.USER, value: member }, { name: 'milestone', type: OptionType.STRING, value }];
    const refused = await runCommand(ctx.harness, 'grant', options('chatterbox'), { id: ALICE });
    expect(isPrivate(refused)).toBe(true);
    expect(refused.data.embeds[0]!.description).toContain('Only admins');
    for (const hostile of ['nope', 'a\u0000b', 'x'.repeat(5000), '`@everyone`', String(2 ** 53), '{"$ne":null}']) {
      const reply = await runCommand(ctx.harness, 'grant', options(hostile), ADMIN);
      expect(isPrivate(reply)).toBe(true);
      expect(reply.data.embeds[0]!.description).toContain('There is no milestone');
      expect(reply.data.embeds[0]!.description).not.toContain('@everyone`');
    }
    expect(await ctx.database.db.select().from(memberMilestones)).toHaveLength(0);
    expect(await audits('milestone.award')).toHaveLength(0);
  });

  it('suggests the guild’s milestones as the admin types', async () => {
    const choices = await suggestions('grant', [{ name: 'member', type: OptionType.USER, value: ALICE }, { name: 'milestone', type: OptionType.STRING, value: 'chat', focused: true } as OptionInput]);
    expect(choices.map((c) => c.value)).toEqual(['chatterbox']);
    expect(choices[0]!.name).toContain('Chatterbox');
  });
});

describe('/config', () => {
  it('sets and clears the announcement channel, privately, through the settings’ audit log', async () => {
    const set = await configAnnouncements(ANNOUNCE_CHANNEL);
    expect(isPrivate(set)).toBe(true);
    expect(set.data.embeds[0]!.title).toBe('Announcements channel set');
    expect((await settingsOf()).announce_channel_id).toBe(ANNOUNCE_CHANNEL);
    const cleared = await configAnnouncements(null);
    expect(cleared.data.embeds[0]!.title).toBe('Announcements channel cleared');
    expect((await settingsOf()).announce_channel_id).toBeUndefined();
    expect(await audits('guild.settings')).toHaveLength(2);
  });

  it('switches a module off (its rules stop paying, its commands are unregistered) and back on', async () => {
    expect(await registeredNames(1)).toContain('classic-extra');
    const off = await runCommand(ctx.harness, 'config', sub('module', [{ name: 'name', type: OptionType.STRING, value: 'classic' }, { name: 'enabled', type: OptionType.BOOLEAN, value: false }]), ADMIN);
    expect(isPrivate(off)).toBe(true);
    expect(off.data.embeds[0]!.title).toBe('Module classic is off');
    expect(off.data.embeds[0]!.description).toContain('/classic-extra');
    expect((await settingsOf()).disabled_modules).toEqual(['classic']);
    const names = await registeredNames(2);
    expect(names).not.toContain('classic-extra');
    expect(names).toContain('config');

    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: ALICE }));
    await waitForLake(ctx.harness, ctx.database, 1, 'message_create');
    expect(await balances(ctx.database, ALICE)).toEqual({});
    // A stale client that still shows the command is refused.
    const stale = await runCommand(ctx.harness, 'classic-extra', [], { id: ALICE });
    expect(stale.data.embeds[0]!.description).toContain('switched off');

    const on = await runCommand(ctx.harness, 'config', sub('module', [{ name: 'name', type: OptionType.STRING, value: 'classic' }, { name: 'enabled', type: OptionType.BOOLEAN, value: true }]), ADMIN);
    expect(on.data.embeds[0]!.title).toBe('Module classic is on');
    expect(await registeredNames(3)).toContain('classic-extra');
    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: ALICE, at: new Date(Date.now() + 60_000).toISOString() }));
    await waitForLake(ctx.harness, ctx.database, 2, 'message_create');
    await until(async () => (await balances(ctx.database, ALICE)).xp === 15, 10_000, 'xp after the module is back on');
    expect(await audits('guild.settings')).toHaveLength(2);
  });

  it('suggests modules, shows the settings, and refuses non-admins and hostile module names', async () => {
    const choices = await suggestions('config', sub('module', [{ name: 'name', type: OptionType.STRING, value: 'cla', focused: true } as OptionInput]));
    expect(choices).toEqual([{ name: 'classic (on, 8 rules)', value: 'classic' }]);
    const shown = await runCommand(ctx.harness, 'config', sub('show'), ADMIN);
    expect(isPrivate(shown)).toBe(true);
    expect(shown.data.embeds[0]!.description).toContain('**classic**');
    const member = await runCommand(ctx.harness, 'config', sub('show'), { id: ALICE });
    expect(member.data.embeds[0]!.description).toContain('Only admins');
    for (const hostile of ['nope', 'A\u0000', 'x'.repeat(5000), '../classic', String(2 ** 53)]) {
      const reply = await runCommand(ctx.harness, 'config', sub('module', [{ name: 'name', type: OptionType.STRING, value: hostile }, { name: 'enabled', type: OptionType.BOOLEAN, value: false }]), ADMIN);
      expect(isPrivate(reply)).toBe(true);
      expect(reply.data.embeds[0]!.description).toMatch(/There is no module|lower-case letters/);
    }
    expect((await settingsOf()).disabled_modules).toBeUndefined();
    expect(await audits('guild.settings')).toHaveLength(0);
  });
});

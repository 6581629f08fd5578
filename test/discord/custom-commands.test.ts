// Custom slash commands through the real discord.js client against the fake Discord: registered
// per guild next to Cairn's own (and again when they change, not when nothing they depend on
// changed), invoked through the gateway, recorded as a command event a rule pays for, answered
// with the rendered template; cooldowns, role restrictions and disabled modules refuse.
import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { guilds, lakeEvents, transactions } from '../../src/db/schema.ts';
import { saveCommand } from '../../src/custom-commands/repository.ts';
import { COMMANDS } from '../../src/discord/commands/registry.ts';
import { importRecipe, parseRecipe } from '../../src/presets/import.ts';
import { APPLICATION_ID } from '../support/fake-discord.ts';
import type { TestDatabase } from '../support/db.ts';
import { balances, lakeCount, saveRules, until } from './support/harness.ts';
import { isPrivate, OptionType, runCommand } from './support/interactions.ts';
import { useBot } from './support/use-bot.ts';
import { ALICE, BOB, CAROL, CHANNEL, GUILD, MANAGE_GUILD, MOD_ROLE } from './support/payloads.ts';

const ctx = useBot({ preset: 'none', start: 'manual' });

const COMMANDS_PUT = new RegExp(`^/applications/${APPLICATION_ID}/guilds/${GUILD}/commands$`);
const registeredNames = (body: unknown) => (body as { name: string }[]).map((c) => c.name);

async function importStudyGroup(database: TestDatabase): Promise<void> {
  const parsed = parseRecipe(JSON.parse(readFileSync(new URL('../../presets/study-group.json', import.meta.url), 'utf8')));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const imported = await importRecipe(database.db, GUILD, parsed.recipe, { actor: 'test', allowUnbound: true });
  if (!imported.ok) throw new Error(JSON.stringify(imported.problems));
}

async function save(database: TestDatabase, document: Record<string, unknown>): Promise<void> {
  const result = await database.db.transaction((tx) => saveCommand(tx, GUILD, document, 'test'));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
}

const commandEvents = (database: TestDatabase) => database.db.select().from(lakeEvents).where(and(eq(lakeEvents.guildId, GUILD), eq(lakeEvents.type, 'command')));

describe('custom slash commands', () => {
  it('registers the study-group /checkin next to Cairn’s commands; invoking it records a command event, the rule pays 2 focus and the reply is the rendered template', async () => {
    await importStudyGroup(ctx.database);
    const harness = await ctx.start();
    const [put] = await harness.fake.waitForCalls('PUT', COMMANDS_PUT);
    expect(registeredNames(put!.body).sort()).toEqual([...COMMANDS.map((c) => c.data.name), 'checkin'].sort());
    const checkin = (put!.body as { name: string; options: unknown[] }[]).find((c) => c.name === 'checkin');
    expect(checkin).toMatchObject({ description: expect.any(String), options: [{ name: 'goal', type: OptionType.STRING, required: false }] });

    const reply = await runCommand(harness, 'checkin', [{ name: 'goal', type: OptionType.STRING, value: 'algebra' }], { id: ALICE });
    expect(isPrivate(reply)).toBe(true);
    expect(reply.data.embeds[0]!.description).toBe("Checked in, user5432! Today's goal: algebra. Focus: 2 🎯");
    const [event] = await commandEvents(ctx.database);
    expect(event).toMatchObject({ actorId: ALICE, channelId: CHANNEL, data: { name: 'checkin', options: { goal: 'algebra' } } });
    const paid = await ctx.database.db.select().from(transactions).where(eq(transactions.userId, ALICE));
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({ delta: 2 });
    expect(await balances(ctx.database, ALICE)).toEqual({ focus: 2 });
  });

  it('refuses a second use within the cooldown, privately, without a second event or payment', async () => {
    await importStudyGroup(ctx.database);
    const harness = await ctx.start();
    await runCommand(harness, 'checkin', [], { id: ALICE });
    const again = await runCommand(harness, 'checkin', [], { id: ALICE });
    expect(isPrivate(again)).toBe(true);
    expect(again.data.embeds[0]!.description).toMatch(/^You can use \/checkin again <t:\d+:R>\.$/);
    expect(await lakeCount(ctx.database, 'command')).toBe(1);
    // Another member has their own cooldown.
    const bob = await runCommand(harness, 'checkin', [], { id: BOB });
    expect(bob.data.embeds[0]!.description).toContain('Checked in');
    expect(await lakeCount(ctx.database, 'command')).toBe(2);
  });

  it('passes member, channel, role and integer options as data (ids as strings), the member option as target, and renders them in a public reply', async () => {
    await save(ctx.database, {
      name: 'kudos',
      description: 'Thank someone',
      options: [
        { name: 'who', description: 'Whom', type: 'member', required: true },
        { name: 'where', description: 'Where', type: 'channel' },
        { name: 'team', description: 'Team', type: 'role' },
        { name: 'stars', description: 'Stars', type: 'integer', choices: [{ name: 'one', value: 1 }, { name: 'three', value: 3 }] },
      ],
      reply: { template: '{member} thanks {option.who} in {option.where} for {option.team}: {option.stars} via {command}', ephemeral: false },
    });
    const harness = await ctx.start();
    const reply = await runCommand(harness, 'kudos', [
      { name: 'who', type: OptionType.USER, value: BOB },
      { name: 'where', type: 7, value: CHANNEL },
      { name: 'team', type: 8, value: MOD_ROLE },
      { name: 'stars', type: OptionType.INTEGER, value: 3 },
    ]);
    expect(isPrivate(reply)).toBe(false);
    expect(reply.data.embeds[0]!.description).toBe(`<@${ALICE}> thanks <@${BOB}> in <#${CHANNEL}> for <@&${MOD_ROLE}>: three via /kudos`);
    const [event] = await commandEvents(ctx.database);
    expect(event).toMatchObject({ actorId: ALICE, targetId: BOB, data: { name: 'kudos', options: { who: BOB, where: CHANNEL, team: MOD_ROLE, stars: 3 } } });
  });

  it('lets only members with a listed role (or admins) use a role-restricted command', async () => {
    await save(ctx.database, { name: 'modnote', description: 'Moderators only', access: 'roles', roles: [MOD_ROLE], reply: { template: 'noted' } });
    const harness = await ctx.start();
    const refused = await runCommand(harness, 'modnote', [], { id: ALICE });
    expect(isPrivate(refused)).toBe(true);
    expect(refused.data.embeds[0]!.description).toBe(`/modnote is for members with <@&${MOD_ROLE}>.`);
    expect(await lakeCount(ctx.database, 'command')).toBe(0);
    const allowed = await runCommand(harness, 'modnote', [], { id: CAROL, roles: [MOD_ROLE] });
    expect(allowed.data.embeds[0]!.description).toBe('noted');
    expect(await lakeCount(ctx.database, 'command')).toBe(1);
    const admin = await runCommand(harness, 'modnote', [], { id: BOB, permissions: MANAGE_GUILD });
    expect(admin.data.embeds[0]!.description).toBe('noted');
  });

  it('re-registers when a custom command is added or its module switched off, and not when an unrelated rule changes', async () => {
    await importStudyGroup(ctx.database);
    const harness = await ctx.start();
    await harness.fake.waitForCalls('PUT', COMMANDS_PUT);
    await save(ctx.database, { name: 'hello', description: 'Hi', module: 'fun', reply: { template: 'hi {member.name}' } });
    const [, second] = await harness.fake.waitForCalls('PUT', COMMANDS_PUT, 2);
    expect(registeredNames(second!.body)).toContain('hello');
    const reloads = harness.configs.reloadCount;
    await saveRules(ctx.database, [{ key: 'r', name: 'r', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', to: 'actor', currency: 'focus', amount: 1 }] }]);
    await until(() => harness.configs.reloadCount > reloads, 5_000, 'the rule reload');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(harness.fake.calls('PUT', COMMANDS_PUT)).toHaveLength(2);
    await ctx.database.db.update(guilds).set({ settings: { disabled_modules: ['fun', 'habits'] } }).where(eq(guilds.id, GUILD));
    const calls = await harness.fake.waitForCalls('PUT', COMMANDS_PUT, 3);
    expect(registeredNames(calls[2]!.body)).not.toContain('hello');
    expect(registeredNames(calls[2]!.body)).not.toContain('checkin');
    // A member who still sees it (Discord caches for a moment) is told it is gone.
    const stale = await runCommand(harness, 'hello');
    expect(stale.data.embeds[0]!.description).toBe('/hello is not available on this server any more.');
    expect(await lakeCount(ctx.database, 'command')).toBe(0);
  });

  it('answers a failure inside the command with a private message and keeps serving', async () => {
    await save(ctx.database, { name: 'hello', description: 'Hi', cooldown_seconds: 60, reply: { template: 'hi' } });
    const harness = await ctx.start();
    const ingest = harness.pipeline.ingest.bind(harness.pipeline);
    harness.pipeline.ingest = () => Promise.reject(new Error('boom'));
    const failed = await runCommand(harness, 'hello');
    expect(isPrivate(failed)).toBe(true);
    expect(failed.data.embeds[0]!.title).toBe('Something went wrong on our side');
    harness.pipeline.ingest = ingest;
    // The failed use did not count against the cooldown.
    const ok = await runCommand(harness, 'hello');
    expect(ok.data.embeds[0]!.description).toBe('hi');
    expect(harness.logs.some((l) => l.msg === 'command failed')).toBe(true);
  });
});

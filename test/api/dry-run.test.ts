import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lakeEvents, transactions } from '../../src/db/schema.ts';
import { saveRule } from '../../src/rules/repository.ts';
import { creditRule, event } from '../rules/support.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
});
afterAll(async () => {
  await api.services.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'gold' }] });
  await saveRule(database.db, GUILD, creditRule('xp', { amount: { '*': [15, { var: 'vars.q' }] }, vars: { q: { quality_modifier: [{ var: 'event.data.length' }, false, false, false, 0] } } }), 'test');
  await saveRule(database.db, GUILD, creditRule('threads', { trigger: { events: ['thread_create'] }, amount: 20 }), 'test');
});

const dryRun = (body: unknown, guild = GUILD) => api.request(`/api/guilds/${guild}/dry-run`, { method: 'POST', json: body });

describe('POST /api/guilds/:guildId/dry-run — happy path', () => {
  it('traces every rule against the live rules and shows resulting balances, writing nothing', async () => {
    const res = await dryRun({ event: event('message_create', { data: { length: 300 } }) });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.rules).toEqual([
      expect.objectContaining({ rule: 'threads', fired: false, trigger: { matched: false, listening: false, reason: expect.stringContaining('listens to thread_create') } }),
      expect.objectContaining({ rule: 'xp', fired: true, applied: true, vars: { q: 1.2 }, effects: [expect.objectContaining({ currency: 'xp', value: 18, amount: 18 })] }),
    ].sort((a, b) => (a.rule < b.rule ? -1 : 1)));
    expect(body.balances[ALICE].xp).toEqual({ before: 0, after: 18 });
    expect(await database.db.select().from(lakeEvents)).toHaveLength(0);
    expect(await database.db.select().from(transactions)).toHaveLength(0);
  });

  it('tells a rule filtered out (by channel) from a rule of another event type', async () => {
    const elsewhere = creditRule('elsewhere', { trigger: { events: ['message_create'], channels: ['1000000000000000999'] }, amount: 1 });
    const body = await json(await dryRun({ event: event('message_create'), rules: [elsewhere] }));
    const trace = body.rules.find((r: { rule: string }) => r.rule === 'elsewhere');
    expect(trace.trigger).toEqual({ matched: false, reason: expect.stringContaining("not in the trigger's channels") });
    expect(body.rules.find((r: { rule: string }) => r.rule === 'threads').trigger.listening).toBe(false);
  });

  it('runs a candidate rule set sent with the request instead of the live one', async () => {
    const res = await dryRun({ event: event('message_create'), rules: [creditRule('xp', { amount: 99 })] });
    const body = await json(res);
    expect(body.balances[ALICE].xp).toEqual({ before: 0, after: 99 });
    const only = await json(await dryRun({ event: event('thread_create'), rules: [creditRule('other', { amount: 1 })], only: true }));
    expect(only.rules.map((r: { rule: string }) => r.rule)).toEqual(['other']);
  });
});

describe('POST /api/guilds/:guildId/dry-run — errors', () => {
  it('an invalid event is a 422 with paths under "event"', async () => {
    const res = await dryRun({ event: { ...event('message_create'), actor_id: 5 } });
    expect(res.status).toBe(422);
    expect((await json(res)).error.details).toEqual([expect.objectContaining({ path: 'event.actor_id' })]);
  });

  it('an invalid candidate rule is a 422 with its path', async () => {
    const res = await dryRun({ event: event('message_create'), rules: [creditRule('bad', { currency: 'nope' })] });
    expect(res.status).toBe(422);
    expect((await json(res)).error.details).toEqual([{ path: 'rules[0].effects[0].currency', message: 'unknown currency "nope"' }]);
  });

  it('an event of another guild is refused', async () => {
    const res = await dryRun({ event: event('message_create', { guild_id: OTHER_GUILD }) });
    expect(res.status).toBe(422);
  });
});

describe('POST /api/guilds/:guildId/dry-run — security', () => {
  it('requires credentials', async () => {
    const res = await api.request(`/api/guilds/${GUILD}/dry-run`, { method: 'POST', json: { event: event('message_create') }, token: null });
    expect(res.status).toBe(401);
  });
});

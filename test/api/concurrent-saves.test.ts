// Concurrent saves of one key (rule, zone, currency, milestone, shop item) are serialised per
// guild: every request gets an answer (never a 500) and rule versions stay gapless.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, seedGuild } from '../support/factories.ts';

const PARALLEL = 16;
let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: PARALLEL + 4 });
  api = await createTestApp(database);
});
afterAll(async () => {
  await api.services.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'gold', spendable: true }] });
});

const rule = (amount: number) => ({ key: 'chat', name: 'Chat', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', currency: 'gold', amount }] });

/** Sends `count` requests at once; returns their statuses and bodies. */
async function together(count: number, send: (i: number) => Response | Promise<Response>) {
  const responses = await Promise.all(Array.from({ length: count }, (_, i) => send(i)));
  return Promise.all(responses.map(async (res) => ({ status: res.status, body: await json(res) })));
}

describe('concurrent PUTs of one key', () => {
  it('of a rule: all answered 200, and versions 1..n without gaps or duplicates', async () => {
    const results = await together(PARALLEL, (i) => api.request(`/api/guilds/${GUILD}/rules/chat`, { method: 'PUT', json: rule(i + 1) }));
    expect(results.map((r) => r.status)).toEqual(Array(PARALLEL).fill(200));
    const versions = await queryRows<{ version: number }>(
      database.db,
      sql`SELECT v.version FROM rule_versions v JOIN rules r ON r.id = v.rule_id WHERE r.guild_id = ${GUILD} AND r.key = 'chat' ORDER BY v.version`,
    );
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: PARALLEL }, (_, i) => i + 1));
    const current = await json(await api.request(`/api/guilds/${GUILD}/rules/chat`));
    expect(current.version).toBe(PARALLEL);
    // Each answer names the version its own save made.
    expect(new Set(results.map((r) => r.body.version)).size).toBe(PARALLEL);
    const audits = await queryRows<{ action: string; n: number }>(database.db, sql`SELECT action, count(*)::int AS n FROM audit_log WHERE guild_id = ${GUILD} AND entity_key = 'chat' GROUP BY action ORDER BY action`);
    expect(audits).toEqual([{ action: 'rule.create', n: 1 }, { action: 'rule.update', n: PARALLEL - 1 }]);
  });

  it('of a zone, a currency, a milestone and a shop item: all answered 200, one row each, created once', async () => {
    const cases: [string, (i: number) => unknown][] = [
      ['zones/lounge', (i) => ({ name: `Lounge ${i}`, channels: [String(1111111111111111111n + BigInt(i))] })],
      ['currencies/stars', (i) => ({ name: `Stars ${i}` })],
      ['milestones/helper', (i) => ({ name: `Helper ${i}`, requirement: { type: 'custom' } })],
      ['shop/coffee', (i) => ({ name: 'Coffee', currency: 'gold', price: i + 1 })],
    ];
    for (const [path, body] of cases) {
      const results = await together(PARALLEL, (i) => api.request(`/api/guilds/${GUILD}/${path}`, { method: 'PUT', json: body(i) }));
      expect({ path, statuses: results.map((r) => r.status) }).toEqual({ path, statuses: Array(PARALLEL).fill(200) });
    }
    const [counts] = await queryRows<{ zones: number; currencies: number; milestones: number; shop: number; creates: number }>(
      database.db,
      sql`SELECT (SELECT count(*)::int FROM zones WHERE guild_id = ${GUILD} AND key = 'lounge') AS zones,
                 (SELECT count(*)::int FROM currencies WHERE guild_id = ${GUILD} AND key = 'stars') AS currencies,
                 (SELECT count(*)::int FROM milestones WHERE guild_id = ${GUILD} AND key = 'helper') AS milestones,
                 (SELECT count(*)::int FROM shop_items WHERE guild_id = ${GUILD} AND key = 'coffee') AS shop,
                 (SELECT count(*)::int FROM audit_log WHERE guild_id = ${GUILD} AND action LIKE '%.create') AS creates`,
    );
    expect(counts).toEqual({ zones: 1, currencies: 1, milestones: 1, shop: 1, creates: 4 });
  });
});

describe('concurrent PATCHes of one rule', () => {
  it('all hold: each merges into the version the one before it saved', async () => {
    expect((await api.request(`/api/guilds/${GUILD}/rules/chat`, { method: 'PUT', json: rule(1) })).status).toBe(200);
    const patches = [{ enabled: false }, { priority: 7 }, { mode: 'shadow' }, { module: 'chat' }, { stop_processing: true }];
    const results = await together(patches.length, (i) => api.request(`/api/guilds/${GUILD}/rules/chat`, { method: 'PATCH', json: patches[i] }));
    expect(results.map((r) => r.status)).toEqual(Array(patches.length).fill(200));
    const current = await json(await api.request(`/api/guilds/${GUILD}/rules/chat`));
    expect(current.version).toBe(1 + patches.length);
    expect(current.document).toMatchObject({ enabled: false, priority: 7, mode: 'shadow', module: 'chat', stop_processing: true });
  });
});

describe('concurrent POSTs creating one rule key', () => {
  it('create it once (201); the others are 409 conflict with a plain message', async () => {
    const results = await together(PARALLEL, (i) => api.request(`/api/guilds/${GUILD}/rules`, { method: 'POST', json: rule(i + 1) }));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array(PARALLEL - 1).fill(409)]);
    const conflict = results.find((r) => r.status === 409)!.body;
    expect(conflict.error).toMatchObject({ code: 'conflict', message: 'a rule "chat" exists already; PUT /rules/chat replaces it' });
    const versions = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM rule_versions`);
    expect(versions[0]!.n).toBe(1);
  });
});

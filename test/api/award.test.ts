// Manual awards through the API: an applied award is a manual_award event in the lake with its
// transaction; a refused one (409, the balance is too low) writes nothing at all.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, GUILD, seedGuild } from '../support/factories.ts';

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
  await seedGuild(database, { currencies: [{ key: 'gold', spendable: true }, { key: 'xp' }] });
  // A rule that reacts to awards: a refused award must not set it off either.
  const reacting = { key: 'thanks', name: 'Thanks', trigger: { events: ['manual_award'] }, effects: [{ type: 'credit', currency: 'xp', amount: 1, to: 'target' }] };
  expect((await api.request(`/api/guilds/${GUILD}/rules/thanks`, { method: 'PUT', json: reacting })).status).toBe(200);
});

const award = (amount: number) => api.request(`/api/guilds/${GUILD}/members/${ALICE}/award`, { method: 'POST', json: { currency: 'gold', amount, reason: 'test' } });

/** Everything an award could leave behind, as counts and sums. */
async function footprint() {
  const [row] = await queryRows<Record<string, string>>(
    database.db,
    sql`SELECT (SELECT count(*) FROM lake_events)::text AS lake,
               (SELECT count(*) FROM transactions)::text AS transactions,
               (SELECT COALESCE(sum(balance), 0) FROM wallets)::text AS balances,
               (SELECT count(*) FROM rule_firings)::text AS firings,
               (SELECT count(*) FROM outbox)::text AS outbox,
               (SELECT COALESCE(sum(count), 0) FROM event_counters_daily)::text AS daily,
               (SELECT COALESCE(sum(count), 0) FROM event_counters_total)::text AS total,
               (SELECT count(*) FROM activity_hourly)::text AS hourly,
               (SELECT count(*) FROM activity_daily)::text AS activity`,
  );
  return row!;
}

describe('POST /members/:userId/award', () => {
  it('applies an award: one lake event, its transaction, and the rules reacting to it', async () => {
    const res = await award(10);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ member: ALICE, currency: 'gold', amount: 10, balance: 10, sourceId: expect.stringMatching(/^award:/) });
    expect(await footprint()).toMatchObject({ lake: '1', transactions: '2', balances: '11' });
  });

  it('refuses an award the balance cannot cover (409) and writes nothing: no lake event, no transaction, counters unchanged', async () => {
    expect((await award(10)).status).toBe(200);
    const before = await footprint();
    const refused = await award(-25);
    expect(refused.status).toBe(409);
    expect((await json(refused)).error).toMatchObject({ code: 'conflict', message: 'the balance is too low for -25 gold', details: [{ path: 'amount', message: 'would overdraw the balance' }] });
    expect(await footprint()).toEqual(before);
    const [manual] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM lake_events WHERE type = 'manual_award'`);
    expect(manual!.n).toBe(1);
  });

  it('refuses a first award that would overdraw an empty wallet, leaving the database as it was', async () => {
    const before = await footprint();
    expect((await award(-1)).status).toBe(409);
    expect(await footprint()).toEqual(before);
  });

  it('under concurrent fines, exactly those the balance covers are applied; the lake holds only those', async () => {
    expect((await award(10)).status).toBe(200);
    const statuses = (await Promise.all(Array.from({ length: 6 }, () => award(-3)))).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(3);
    const [gold] = await queryRows<{ balance: string; lake: number }>(
      database.db,
      sql`SELECT w.balance::text, (SELECT count(*)::int FROM lake_events WHERE type = 'manual_award') AS lake
          FROM wallets w JOIN currencies c ON c.id = w.currency_id WHERE c.key = 'gold' AND w.user_id = ${ALICE}`,
    );
    expect(gold).toEqual({ balance: '1', lake: 4 });
  });
});

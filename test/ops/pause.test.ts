// Issue 15, operations: a paused guild still captures its events, but payouts wait; unpausing pays
// every held event exactly once, in the order it arrived, before anything newer.
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { auditLog, lakeEvents, outbox, pausedEvents, transactions } from '../../src/db/schema.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, GUILD, messageEvent, OTHER_GUILD, seedGuild } from '../support/factories.ts';

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
  for (const g of [GUILD, OTHER_GUILD]) {
    await seedGuild(database, { guildId: g });
    const res = await api.request(`/api/guilds/${g}/rules/pay`, {
      method: 'PUT',
      json: { key: 'pay', name: 'Pay', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', currency: 'gold', amount: 10 }, { type: 'message', channel: '1111111111111111112', content: 'paid {{actor}}' }] },
    });
    expect(res.status, await res.clone().text()).toBe(200);
  }
});

const G = `/api/guilds/${GUILD}`;
const pause = (paused: boolean, guild = GUILD) => api.request(`/api/guilds/${guild}/pause`, { method: 'PUT', json: { paused } });
/** Source ids that sort against arrival order, so the lake's id order is not the arrival order by accident. */
let n = 0;
const event = (actor = ALICE, guild = GUILD) => messageEvent({ guild_id: guild, actor_id: actor, source_id: String(9_000_000_000_000_000_000n - BigInt(++n) * 7n), occurred_at: new Date(Date.UTC(2026, 10, 22, 10, 0, n)).toISOString() });
const post = async (events: unknown[], guild = GUILD) => json(await api.request(`/api/guilds/${guild}/events`, { method: 'POST', json: events }));

/** The source ids of a guild's ledger rows, in the order they were written. */
async function paidOrder(guild = GUILD) {
  const rows = await database.db
    .select({ source: lakeEvents.sourceId, after: transactions.balanceAfter, user: transactions.userId })
    .from(transactions)
    .innerJoin(lakeEvents, eq(lakeEvents.id, transactions.lakeEventId))
    .where(eq(transactions.guildId, guild))
    .orderBy(asc(transactions.id));
  return rows;
}

describe('pausing a guild', () => {
  it('captures events while paused, pays nothing, then pays each held event exactly once, in arrival order, before newer ones', async () => {
    const before = [event(), event(BOB)];
    expect((await post(before)).accepted).toBe(2);
    expect(await json(await pause(true))).toEqual({ paused: true, replayed: 0 });

    const during = [event(), event(BOB), event(), event(), event(BOB)];
    // Arriving in three requests, and one repeated: a duplicate of a held event stays a duplicate.
    expect((await post(during.slice(0, 2))).accepted).toBe(2);
    expect(await post([during[2]!, during[0]!])).toMatchObject({ accepted: 1, duplicate: 1 });
    expect((await post(during.slice(3))).accepted).toBe(2);
    // Another guild is not held back.
    expect((await post([event(ALICE, OTHER_GUILD)], OTHER_GUILD)).accepted).toBe(1);

    expect((await paidOrder()).map((r) => r.source)).toEqual(before.map((e) => e.source_id));
    expect(await paidOrder(OTHER_GUILD)).toHaveLength(1);
    expect(await database.db.$count(lakeEvents, eq(lakeEvents.guildId, GUILD))).toBe(7);
    expect(await database.db.$count(pausedEvents)).toBe(5);
    const health = await json(await api.request(`${G}/ops`));
    expect(health.paused).toEqual([{ guildId: GUILD, paused: true, heldEvents: 5 }]);

    const resumed = await json(await pause(false));
    expect(resumed).toEqual({ paused: false, replayed: 5 });
    const after = event();
    await post([after]);
    const paid = await paidOrder();
    expect(paid.map((r) => r.source)).toEqual([...before, ...during, after].map((e) => e.source_id));
    // Balances add up in that order: Alice 10, 20, … and Bob 10, 20, …
    const alice = paid.filter((r) => r.user === ALICE).map((r) => r.after);
    expect(alice).toEqual(alice.map((_, i) => (i + 1) * 10));
    expect(await database.db.$count(pausedEvents)).toBe(0);

    // Unpausing again, or the every-minute job, pays nothing twice.
    expect(await json(await pause(false))).toEqual({ paused: false, replayed: 0 });
    expect(await api.services.ops.pause.resumeAll()).toBe(0);
    expect(await paidOrder()).toHaveLength(8);
    // The outbox rows (one message per paid event) follow the same order.
    const messages = await database.db.select({ e: outbox.lakeEventId }).from(outbox).where(eq(outbox.guildId, GUILD)).orderBy(asc(outbox.id));
    const lakeIds = await database.db.select({ id: lakeEvents.id, s: lakeEvents.sourceId }).from(lakeEvents);
    const sourceOf = new Map(lakeIds.map((r) => [r.id, r.s]));
    expect(messages.map((m) => sourceOf.get(m.e!))).toEqual([...before, ...during, after].map((e) => e.source_id));
  });

  it('is audit-logged through the settings, and readable in the settings', async () => {
    await pause(true);
    const settings = await json(await api.request(`${G}/settings`));
    expect(settings.paused).toBe(true);
    const entries = await database.db.select().from(auditLog).where(and(eq(auditLog.guildId, GUILD), eq(auditLog.action, 'guild.settings')));
    expect(entries).toEqual([expect.objectContaining({ action: 'guild.settings', actor: 'operator', after: expect.objectContaining({ paused: true }) })]);
  });

  it('unpaused through PATCH settings, the held events are paid by the next event (or the ops job), still in order', async () => {
    await pause(true);
    const held = [event(), event(), event()];
    await post(held);
    const patched = await api.request(`${G}/settings`, { method: 'PATCH', json: { paused: false } });
    expect(patched.status).toBe(200);
    const next = event();
    await post([next]);
    // The next event queued behind the held ones, and its commit started the replay.
    await until(async () => (await database.db.$count(pausedEvents)) === 0);
    await api.services.ops.pause.resumeAll();
    expect((await paidOrder()).map((r) => r.source)).toEqual([...held, next].map((e) => e.source_id));
  });

  it('refuses a bad body with the field path and changes nothing', async () => {
    for (const body of [{ paused: 'yes' }, {}, { paused: true, extra: 1 }, null, [true]]) {
      const res = await api.request(`${G}/pause`, { method: 'PUT', json: body });
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    const res = await api.request(`${G}/pause`, { method: 'PUT', json: { paused: 1 } });
    expect((await json(res)).error.details).toEqual([expect.objectContaining({ path: 'paused' })]);
    expect((await json(await api.request(`${G}/settings`))).paused).toBeUndefined();
    expect(await database.db.$count(auditLog, eq(auditLog.action, 'guild.settings'))).toBe(0);
  });

  it("a guild-scoped token cannot pause another guild", async () => {
    const issued = await json(await api.request('/api/tokens', { method: 'POST', json: { name: 'ours', guildIds: [GUILD] } }));
    const res = await api.request(`/api/guilds/${OTHER_GUILD}/pause`, { method: 'PUT', json: { paused: true }, token: issued.token });
    expect(res.status).toBe(403);
    expect((await api.request(`/api/guilds/${OTHER_GUILD}/ops`, { token: issued.token })).status).toBe(403);
    expect((await api.request('/api/ops/health', { token: issued.token })).status).toBe(403);
    const [row] = await queryRows<{ p: string | null }>(database.db, sql`SELECT settings->>'paused' AS p FROM guilds WHERE id = ${OTHER_GUILD}`);
    expect(row?.p ?? null).toBeNull();
  });
});

async function until(check: () => Promise<boolean>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

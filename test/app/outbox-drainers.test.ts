// The outbox drained by several bot processes (issue 17, roles): three dispatchers, each on its own
// connection pool on Postgres (one PGlite is one connection), claim with SKIP LOCKED and send every
// row once; a dispatcher that stops answering mid-send (a dead process) leaves its claimed rows to
// the others once their lease runs out, and no row it had sent is sent again. Real processes killed
// with kill -9: test/cluster/roles.pg.test.ts.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { openDatabase, queryRows, type Database } from '../../src/db/client.ts';
import { OutboxDispatcher } from '../../src/discord/outbox-dispatcher.ts';
import type { OutboxRow } from '../../src/discord/outbox-delivery.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
const pools: Database[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
  for (let i = 0; i < 3; i++) pools.push(database.url ? await openDatabase({ kind: 'postgres', url: database.url, poolSize: 3 }) : database);
});
beforeEach(async () => {
  await resetDatabase(database);
});
afterAll(async () => {
  for (const p of pools) if (p !== database) await p.close();
  await database.close();
});

describe(`three outbox dispatchers on one database (${inject('dbKind')})`, () => {
  it('sends every row exactly once, including the rows a dispatcher that died mid-send had claimed', async () => {
    const rows = 300;
    await seedGuild(database, { guildId: GUILD });
    await database.db.execute(sql`INSERT INTO outbox (guild_id, kind, payload)
      SELECT ${GUILD}, 'message', jsonb_build_object('channel_id', (1000000000000000000 + i % 23)::text, 'content', 'row ' || i) FROM generate_series(1, ${rows}) i`);
    const sent = new Map<number, string[]>();
    const record = (name: string) => async (row: OutboxRow) => {
      await new Promise((r) => setTimeout(r, 1));
      sent.set(row.id, [...(sent.get(row.id) ?? []), name]);
    };
    let deadSends = 0;
    // The dead one sends 15 rows, then every send it starts never ends (its process is gone).
    const dead = new OutboxDispatcher(pools[0]!, async (row) => (deadSends < 15 ? (deadSends++, record('dead')(row)) : new Promise<void>(() => {})), silentLogger, { leaseSeconds: 1, batchSize: 20 });
    dead.wake();
    await expect.poll(() => deadSends).toBe(15);
    const live = [new OutboxDispatcher(pools[1]!, record('one'), silentLogger, { leaseSeconds: 1, batchSize: 20, intervalMs: 50 }), new OutboxDispatcher(pools[2]!, record('two'), silentLogger, { leaseSeconds: 1, batchSize: 20, intervalMs: 50 })];
    for (const d of live) d.start();
    await expect.poll(async () => (await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM outbox WHERE status = 'sent'`))[0]!.n, { timeout: 20_000 }).toBe(rows);
    await Promise.all(live.map((d) => d.stop()));
    expect(sent.size).toBe(rows);
    expect([...sent.values()].filter((by) => by.length !== 1), 'no row was sent twice').toEqual([]);
    const by = (name: string) => [...sent.values()].filter((b) => b[0] === name).length;
    expect(by('dead')).toBe(15);
    expect(by('one') + by('two')).toBe(rows - 15);
    const [retried] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM outbox WHERE attempts > 1`);
    expect(retried!.n, 'the rows the dead dispatcher held were claimed again after their lease').toBeGreaterThan(0);
  });

  it('wakes on a row queued through another connection (NOTIFY cairn_outbox), not at its next poll', async () => {
    await seedGuild(database, { guildId: GUILD });
    const sent: number[] = [];
    const dispatcher = new OutboxDispatcher(pools[1]!, async (row) => void sent.push(row.id), silentLogger, { intervalMs: 600_000 });
    dispatcher.start();
    try {
      await new Promise((r) => setTimeout(r, 300));
      const queuedAt = Date.now();
      const [row] = await queryRows<{ id: string }>(pools[2]!.db, sql`INSERT INTO outbox (guild_id, kind, payload) VALUES (${GUILD}, 'message', '{"channel_id": "1000000000000000001", "content": "hi"}'::jsonb) RETURNING id::text`);
      await expect.poll(() => sent, { timeout: 5_000 }).toEqual([Number(row!.id)]);
      expect(Date.now() - queuedAt).toBeLessThan(5_000);
    } finally {
      await dispatcher.stop();
    }
  });
});

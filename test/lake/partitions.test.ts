import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deleteExpiredEvents } from '../../src/analytics/retention.ts';
import { queryRows } from '../../src/db/client.ts';
import { writeLakeEvents } from '../../src/events/lake-writer.ts';
import type { LakeEvent } from '../../src/events/lake-event.ts';
import { lakePartitionCache, lakePartitions, maintainLakePartitions } from '../../src/lake/partitions.ts';
import { planPartition } from '../../src/lake/retention-plan.ts';
import { checkLedger } from '../../src/ledger/doctor.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { configure, enginePipeline } from '../support/engine.ts';
import { ALICE, GUILD, OTHER_GUILD, messageEvent, nextSourceId } from '../support/factories.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  // Partitions other tests created (or retention dropped) are not data: start from the template's.
  lakePartitionCache.forget(database.db);
});

const PER_MESSAGE = { key: 'per-message', name: 'per message', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: 1 }] };
const NOW = new Date('2026-12-02T12:00:00.000Z');

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return queryRows<T>(database.db, query);
}
const partitionOf = async (sourceId: string) =>
  (await rows<{ p: string }>(sql`SELECT tableoid::regclass::text AS p FROM lake_events WHERE source_id = ${sourceId}`)).map((r) => r.p);
const goldOf = async (guildId = GUILD) =>
  Number((await rows<{ n: string | null }>(sql`SELECT sum(delta)::text AS n FROM transactions WHERE guild_id = ${guildId}`))[0]?.n ?? 0);
const lakeCount = async (guildId = GUILD) => Number((await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM lake_events WHERE guild_id = ${guildId}`))[0]!.n);
const keyCount = async (guildId = GUILD) => Number((await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM lake_event_keys WHERE guild_id = ${guildId}`))[0]!.n);
const at = (month: string, day = 10) => `${month}-${String(day).padStart(2, '0')}T10:00:00.000Z`;
/** Events of one guild spread over months, `perMonth` each. */
const spread = (months: string[], perMonth: number, guildId = GUILD): LakeEvent[] =>
  months.flatMap((m) => Array.from({ length: perMonth }, (_, i) => messageEvent({ guild_id: guildId, occurred_at: at(m, 1 + (i % 27)) })));

async function setRetention(guildId: string, days: number) {
  await database.db.execute(sql`UPDATE guilds SET settings = settings || ${JSON.stringify({ retention_days: days })}::jsonb WHERE id = ${guildId}`);
}

describe('the lake in monthly partitions', () => {
  it('puts each event in its month, creating the partition of a month that had none', async () => {
    await configure(database, {});
    const before = (await lakePartitions(database.db)).map((p) => p.month);
    expect(before).not.toContain('2026-08');
    const august = messageEvent({ occurred_at: at('2026-08') });
    const december = messageEvent({ occurred_at: at('2026-12') });
    expect(await enginePipeline(database).pipeline.ingest([august, december], { origin: 'api' })).toMatchObject({ accepted: 2 });
    expect(await partitionOf(august.source_id)).toEqual(['lake_events_p202608']);
    expect(await partitionOf(december.source_id)).toEqual(['lake_events_p202612']);
  });

  it('keeps an event of a month without a partition in DEFAULT, then moves it (same id) when the job creates the month', async () => {
    await configure(database, {});
    const stray = messageEvent({ occurred_at: at('2025-03') });
    // The onboarding writer writes without the pipeline's on-demand step.
    const { inserted } = await database.db.transaction((tx) => writeLakeEvents(tx, [stray], 'onboarding'));
    expect(await partitionOf(stray.source_id)).toEqual(['lake_events_default']);
    const result = await maintainLakePartitions(database.db, NOW, { back: 24 });
    expect(result.created).toContain('2025-03');
    expect(await partitionOf(stray.source_id)).toEqual(['lake_events_p202503']);
    expect((await rows<{ id: string }>(sql`SELECT id::text FROM lake_events WHERE source_id = ${stray.source_id}`))[0]!.id).toBe(String(inserted[0]!.id));
    expect((await lakePartitions(database.db)).map((p) => p.month)).toEqual(expect.arrayContaining(['2025-03', '2026-12', '2027-01', '2027-02']));
  });

  it('refuses a duplicate that claims another month (same source id, another occurred_at), and pays it once', async () => {
    await configure(database, { currencies: [{ key: 'gold', name: 'Gold' }], rules: [PER_MESSAGE] });
    const first = messageEvent({ occurred_at: at('2026-10') });
    const again = { ...first, occurred_at: at('2026-11') };
    const { pipeline } = enginePipeline(database);
    expect(await pipeline.ingest([first], { origin: 'api' })).toMatchObject({ accepted: 1, duplicate: 0 });
    expect(await pipeline.ingest([again], { origin: 'gateway' })).toMatchObject({ accepted: 0, duplicate: 1 });
    expect(await lakeCount()).toBe(1);
    expect(await goldOf()).toBe(1);
    const counted = await rows<{ n: number }>(sql`SELECT sum(count)::int AS n FROM event_counters_total WHERE guild_id = ${GUILD} AND side = 'actor'`);
    expect(counted[0]!.n).toBe(1);
  });

  it('50 concurrent copies of one event, each claiming another month, give one row and one payment', async () => {
    await configure(database, { currencies: [{ key: 'gold', name: 'Gold' }], rules: [PER_MESSAGE] });
    const sourceId = nextSourceId();
    const months = ['2026-07', '2026-08', '2026-09', '2026-10', '2026-11'];
    const { pipeline } = enginePipeline(database);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => pipeline.ingest([messageEvent({ source_id: sourceId, occurred_at: at(months[i % months.length]!, 1 + (i % 20)) })], { origin: 'gateway' })),
    );
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(1);
    expect(await lakeCount()).toBe(1);
    expect(await goldOf()).toBe(1);
  });
});

describe('retention by partition', () => {
  it('drops a month past every window whole; a replay of one of its events is not paid again', async () => {
    await configure(database, { currencies: [{ key: 'gold', name: 'Gold' }], rules: [PER_MESSAGE] });
    await setRetention(GUILD, 60);
    const events = spread(['2026-08', '2026-09', '2026-10', '2026-11'], 10);
    const { pipeline } = enginePipeline(database);
    expect(await pipeline.ingest(events, { origin: 'api' })).toMatchObject({ accepted: 40 });
    expect(await goldOf()).toBe(40);

    // 60 days before 2026-12-02 12:00 is 2026-10-03 12:00: August and September are past the window, October is cut.
    const result = await deleteExpiredEvents(database.db, NOW);
    const byTable = Object.fromEntries((result.partitions ?? []).map((p) => [p.table, p.action]));
    expect(byTable).toMatchObject({ lake_events_p202608: 'drop', lake_events_p202609: 'drop' });
    expect(byTable.lake_events_p202610).toBe('delete'); // the 1st to 3rd of October: 3 of 10 rows
    expect(result.guilds.find((g) => g.guildId === GUILD)!.deleted).toBe(23);
    const months = (await lakePartitions(database.db)).map((p) => p.month);
    expect(months).not.toContain('2026-08');
    expect(months).not.toContain('2026-09');
    expect(await lakeCount()).toBe(17);
    expect(await keyCount()).toBe(17);

    // Gateway replays of pruned events (a dropped month and the trimmed part of October): not paid.
    const replays = [events[0]!, events[15]!, events[20]!, events[21]!];
    const again = await enginePipeline(database).pipeline.ingest(replays, { origin: 'gateway' });
    expect(again.accepted).toBe(0);
    expect(await goldOf()).toBe(40);
    expect(await lakeCount()).toBe(17);
    // A replay of a kept event is still a duplicate.
    expect(await enginePipeline(database).pipeline.ingest([events[30]!], { origin: 'gateway' })).toMatchObject({ accepted: 0, duplicate: 1 });
    expect(await checkLedger(database.db)).toEqual([]);
  });

  it('rewrites a month cut by a short window that a long-window guild shares: the kept rows keep their ids', async () => {
    await configure(database, { currencies: [{ key: 'gold', name: 'Gold' }], rules: [PER_MESSAGE] });
    await configure(database, { guildId: OTHER_GUILD });
    await setRetention(GUILD, 30);
    await setRetention(OTHER_GUILD, 365);
    const big = spread(['2026-09'], 40);
    const small = spread(['2026-09'], 3, OTHER_GUILD);
    await enginePipeline(database).pipeline.ingest([...big, ...small], { origin: 'api' });
    const keptIds = await rows<{ id: string }>(sql`SELECT id::text FROM lake_events WHERE guild_id = ${OTHER_GUILD} ORDER BY id`);

    const result = await deleteExpiredEvents(database.db, NOW);
    expect(result.partitions?.find((p) => p.table === 'lake_events_p202609')?.action).toBe('rewrite');
    expect(await lakeCount(GUILD)).toBe(0);
    expect(await keyCount(GUILD)).toBe(0);
    expect(await rows<{ id: string }>(sql`SELECT id::text FROM lake_events WHERE guild_id = ${OTHER_GUILD} ORDER BY id`)).toEqual(keptIds);
    expect(await keyCount(OTHER_GUILD)).toBe(3);
    expect((await lakePartitions(database.db)).map((p) => p.month)).toContain('2026-09');
    // The swapped-in table is a real partition: its rows are found by month and new ones go there.
    const late = messageEvent({ guild_id: OTHER_GUILD, occurred_at: at('2026-09', 28) });
    expect(await enginePipeline(database).pipeline.ingest([late], { origin: 'api' })).toMatchObject({ accepted: 1 });
    expect(await partitionOf(late.source_id)).toEqual(['lake_events_p202609']);
    expect(await enginePipeline(database).pipeline.ingest([small[0]!], { origin: 'api' })).toMatchObject({ duplicate: 1 });
    expect(await checkLedger(database.db)).toEqual([]);
  });

  it('runs while ingest goes on: every event sent meanwhile is stored and paid once', async () => {
    await configure(database, { currencies: [{ key: 'gold', name: 'Gold' }], rules: [PER_MESSAGE] });
    await setRetention(GUILD, 60);
    const old = spread(['2026-08', '2026-09'], 200);
    const { pipeline } = enginePipeline(database);
    await pipeline.ingest(old, { origin: 'api' });
    const fresh = spread(['2026-11', '2026-12'], 150);
    const batches = Array.from({ length: 30 }, (_, i) => fresh.slice(i * 10, i * 10 + 10));
    const ingesting = (async () => {
      let accepted = 0;
      for (const batch of batches) accepted += (await pipeline.ingest(batch, { origin: 'gateway' })).accepted;
      return accepted;
    })();
    const [accepted, result] = await Promise.all([ingesting, deleteExpiredEvents(database.db, NOW)]);
    expect(accepted).toBe(300);
    expect(result.guilds.find((g) => g.guildId === GUILD)!.deleted).toBe(400);
    expect(await lakeCount()).toBe(300);
    expect(await goldOf()).toBe(700);
    expect(await checkLedger(database.db)).toEqual([]);
  });
});

describe('cairn doctor and the lake keys', () => {
  it('names a lake row whose exactly-once key is missing or names another row, and nothing else', async () => {
    await configure(database, { currencies: [{ key: 'gold', name: 'Gold' }], rules: [PER_MESSAGE] });
    const events = [messageEvent({ source_id: 'kept' }), messageEvent({ source_id: 'unkeyed' }), messageEvent({ source_id: 'mismatched' })];
    await enginePipeline(database).pipeline.ingest(events, { origin: 'gateway' });
    expect(await checkLedger(database.db)).toEqual([]);
    await database.db.execute(sql`DELETE FROM lake_event_keys WHERE source_id = 'unkeyed'`);
    await database.db.execute(sql`UPDATE lake_event_keys SET event_id = event_id + 1000 WHERE source_id = 'mismatched'`);
    const found = await checkLedger(database.db, GUILD);
    expect(found.map((v) => [v.invariant, v.guildId, v.userId, v.currencyId])).toEqual([
      ['lake_row_keyed', GUILD, ALICE, null],
      ['lake_row_keyed', GUILD, ALICE, null],
    ]);
    expect(found.map((v) => v.detail).sort()).toEqual([
      expect.stringMatching(/source id "mismatched"\) has a key naming event \d+/),
      expect.stringMatching(/source id "unkeyed"\) has no exactly-once key: a replay of it would be accepted again/),
    ]);
    expect(await checkLedger(database.db, OTHER_GUILD)).toEqual([]);
  });
});

describe('choosing how to prune a month', () => {
  it('keeps, drops, rewrites or deletes by which side moves fewer rows', () => {
    expect(planPartition([{ guildId: 'a', total: 10, expired: 0 }])).toEqual({ kind: 'keep' });
    expect(planPartition([{ guildId: 'a', total: 10, expired: 10 }, { guildId: 'b', total: 2, expired: 2 }])).toEqual({ kind: 'drop' });
    expect(planPartition([{ guildId: 'a', total: 1000, expired: 1000 }, { guildId: 'b', total: 5, expired: 0 }])).toEqual({ kind: 'rewrite', kept: 5, expired: 1000 });
    expect(planPartition([{ guildId: 'a', total: 1000, expired: 30 }])).toEqual({ kind: 'delete', kept: 970, expired: 30 });
  });
});

describe('the lake as before', () => {
  it('a member’s events still resolve by id (why, paused replays) across partitions', async () => {
    await configure(database, { currencies: [{ key: 'gold', name: 'Gold' }], rules: [PER_MESSAGE] });
    const events = spread(['2026-10', '2026-11', '2026-12'], 2);
    await enginePipeline(database).pipeline.ingest(events, { origin: 'api' });
    const joined = await rows<{ s: string }>(sql`SELECT l.source_id AS s FROM transactions t JOIN lake_events l ON l.id = t.lake_event_id WHERE t.guild_id = ${GUILD} AND t.user_id = ${ALICE} ORDER BY l.occurred_at`);
    expect(joined.map((r) => r.s)).toEqual(events.map((e) => e.source_id));
  });
});

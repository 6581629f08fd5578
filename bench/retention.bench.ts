// Retention of a big guild's month while ingest goes on. A guild with BENCH_RETENTION_EVENTS lake
// events (default 10,000,000 on Postgres, 400,000 on PGlite) over four months (August–November
// 2026, generated with INSERT … SELECT generate_series); its window then ends on 1 September, so
// retention removes August. Figures: the retention's time (and of it, the exactly-once keys'),
// and ingest events/s through the normal pipeline (batches of 100, 2 in flight) with and without
// retention running. "Before" replays the unpartitioned lake of migration 0029 and the retention
// of main (batched DELETE) on BENCH_RETENTION_BEFORE_EVENTS rows (default 2,000,000: a scaled
// month of 500,000), with ingest as main wrote it (INSERT … ON CONFLICT on the unique index).
import { sql } from 'drizzle-orm';
import type { Database } from '../src/db/client.ts';
import { queryRows } from '../src/db/client.ts';
import { deleteExpiredEvents } from '../src/analytics/retention.ts';
import type { LakeEvent } from '../src/events/lake-event.ts';
import { createLakePartition } from '../src/lake/partitions.ts';
import { IngestPipeline } from '../src/pipeline/ingest.ts';
import { freshDatabase, record, sid, userId } from './support.ts';

const GUILD = '1160511689263947796';
const NOW = new Date('2026-12-02T00:00:00.000Z');
const RETENTION_DAYS = 92; // NOW − 92 days = 2026-09-01: exactly August expires.
const FROM = Date.UTC(2026, 7, 1);
const SPAN_S = (Date.UTC(2026, 11, 1) - FROM) / 1000;

function liveEvent(i: number): LakeEvent {
  return {
    source_id: sid(),
    type: 'message_create',
    guild_id: GUILD,
    actor_id: userId(i % 2000),
    target_id: null,
    channel_id: '1111111111111111100',
    occurred_at: new Date(Date.UTC(2026, 11, 1, 8) + i * 10).toISOString(),
    data: { length: 120 + (i % 400) },
  };
}

/** `n` rows spread evenly over August–November, in chunks (ids 1..n), and their keys. */
async function generate(database: Database, table: string, n: number, withKeys: boolean): Promise<void> {
  const chunk = 1_000_000;
  for (let lo = 1; lo <= n; lo += chunk) {
    const hi = Math.min(n, lo + chunk - 1);
    await database.db.execute(sql`INSERT INTO ${sql.identifier(table)} (id, guild_id, source_id, type, actor_id, channel_id, occurred_at, data, origin)
      SELECT i, ${GUILD}, 'gen-' || i, 'message_create', 900000000000000000 + i % 2000, 1111111111111111100,
             to_timestamp(${FROM / 1000} + (i::float8 / ${n}) * ${SPAN_S}), '{"length": 120}', 'backfill'
      FROM generate_series(${lo}::bigint, ${hi}::bigint) i`);
    if (withKeys) {
      await database.db.execute(sql`INSERT INTO lake_event_keys (guild_id, source_id, occurred_at, event_id)
        SELECT ${GUILD}, 'gen-' || i, to_timestamp(${FROM / 1000} + (i::float8 / ${n}) * ${SPAN_S}), i FROM generate_series(${lo}::bigint, ${hi}::bigint) i`);
    }
  }
  await database.db.execute(sql`SELECT setval('lake_events_id_seq', ${n + 1})`);
  await database.db.execute(sql.raw(`VACUUM ANALYZE ${table}`));
  if (withKeys) await database.db.execute(sql`VACUUM ANALYZE lake_event_keys`);
}

/** Runs `ingest` in a loop (2 in flight) until `until` settles; events/s over that time. */
async function ingestWhile(ingest: (batch: number) => Promise<unknown>, until: Promise<unknown>): Promise<{ rate: number; seconds: number; result: unknown }> {
  let done = false;
  let batches = 0;
  let next = 0;
  const started = performance.now();
  const result = until.finally(() => { done = true; });
  const workers = Array.from({ length: 2 }, async () => {
    while (!done) {
      await ingest(next++);
      batches++;
      // PGlite answers in microtasks: without a macrotask turn the timer ending the run never fires.
      await new Promise((resolve) => setImmediate(resolve));
    }
  });
  const value = await result;
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(workers);
  return { rate: (batches * 100) / seconds, seconds, result: value };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function benchRetention(kind: 'pglite' | 'postgres'): Promise<void> {
  const n = Number(process.env.BENCH_RETENTION_EVENTS ?? (kind === 'postgres' ? 10_000_000 : 400_000));
  const { database, dispose } = await freshDatabase(kind);
  try {
    await database.db.execute(sql`INSERT INTO guilds (id, name, settings) VALUES (${GUILD}, 'big', ${JSON.stringify({ retention_days: RETENTION_DAYS })}::jsonb)`);
    for (const m of ['2026-08', '2026-09', '2026-10', '2026-11', '2026-12']) await createLakePartition(database.db, m);
    let t = performance.now();
    await generate(database, 'lake_events', n, true);
    console.log(`  generated ${n.toLocaleString('en')} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const pipeline = new IngestPipeline(database, []);
    let live = 0;
    const ingest = () => pipeline.ingestEvents(Array.from({ length: 100 }, () => liveEvent(live++)), 'gateway');
    const quiet = await ingestWhile(ingest, sleep(10_000));
    record({ bench: 'retention', database: kind, case: `ingest without retention (batches of 100, 2 in flight; lake of ${n.toLocaleString('en')})`, value: quiet.rate, unit: 'events/s' });

    t = performance.now();
    const during = await ingestWhile(ingest, deleteExpiredEvents(database.db, NOW));
    const seconds = (performance.now() - t) / 1000;
    const result = during.result as Awaited<ReturnType<typeof deleteExpiredEvents>>;
    const august = result.partitions?.find((p) => p.table === 'lake_events_p202608');
    const deleted = result.guilds[0]?.deleted ?? 0;
    const [left] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM lake_events WHERE occurred_at < '2026-09-01Z'`);
    if (august?.action !== 'drop' || left?.n !== 0) throw new Error(`retention did not drop August: ${JSON.stringify(result.partitions)}`);
    record({ bench: 'retention', database: kind, case: `retain away one month (${deleted.toLocaleString('en')} events): total`, value: seconds, unit: 's' });
    record({ bench: 'retention', database: kind, case: '… of which the month itself (count + DROP)', value: august.ms / 1000, unit: 's' });
    record({ bench: 'retention', database: kind, case: `… of which its exactly-once keys (${(result.keys?.deleted ?? 0).toLocaleString('en')}, DELETE a day at a time)`, value: (result.keys?.ms ?? 0) / 1000, unit: 's' });
    record({ bench: 'retention', database: kind, case: 'ingest while retention runs', value: during.rate, unit: 'events/s' });
  } finally {
    await dispose();
  }
  if (kind === 'postgres') await benchBefore(kind);
}

/** The unpartitioned lake and the row-by-row retention of main, on a scaled size. */
async function benchBefore(kind: 'pglite' | 'postgres'): Promise<void> {
  const n = Number(process.env.BENCH_RETENTION_BEFORE_EVENTS ?? 2_000_000);
  const { database, dispose } = await freshDatabase(kind);
  try {
    await database.db.execute(sql`CREATE TABLE lake_before (LIKE lake_events INCLUDING DEFAULTS)`);
    await database.db.execute(sql`ALTER TABLE lake_before ADD PRIMARY KEY (id)`);
    await database.db.execute(sql`CREATE UNIQUE INDEX lake_before_source ON lake_before (guild_id, source_id)`);
    await database.db.execute(sql`CREATE INDEX lake_before_time ON lake_before USING brin (occurred_at)`);
    await generate(database, 'lake_before', n, false);
    let live = 0;
    const ingest = () => {
      const rows = Array.from({ length: 100 }, () => liveEvent(live++)).map((e) => ({ g: e.guild_id, s: e.source_id, a: e.actor_id, o: e.occurred_at, d: e.data }));
      return database.db.execute(sql`INSERT INTO lake_before (id, guild_id, source_id, type, actor_id, occurred_at, data, origin)
        SELECT nextval('lake_events_id_seq'), g, s, 'message_create', a, o, d, 'gateway'
        FROM json_to_recordset(${JSON.stringify(rows)}::json) AS v(g bigint, s text, a bigint, o timestamptz, d jsonb) ORDER BY g, s
        ON CONFLICT (guild_id, source_id) DO NOTHING`);
    };
    const quiet = await ingestWhile(ingest, sleep(10_000));
    record({ bench: 'retention', database: kind, case: `before (main, unpartitioned, ${n.toLocaleString('en')} events): lake inserts without retention`, value: quiet.rate, unit: 'events/s' });
    const cutoff = '2026-09-01T00:00:00.000Z';
    const retain = async () => {
      let deleted = 0;
      for (;;) {
        const [r] = await queryRows<{ n: number }>(database.db, sql`WITH gone AS (
            DELETE FROM lake_before WHERE id IN (SELECT id FROM lake_before WHERE guild_id = ${GUILD} AND occurred_at < ${cutoff}::timestamptz LIMIT 10000) RETURNING 1)
          SELECT count(*)::int AS n FROM gone`);
        deleted += r?.n ?? 0;
        if ((r?.n ?? 0) < 10_000) return deleted;
      }
    };
    const during = await ingestWhile(ingest, retain());
    record({ bench: 'retention', database: kind, case: `before: DELETE one month (${(during.result as number).toLocaleString('en')} events, batches of 10,000)`, value: during.seconds, unit: 's' });
    record({ bench: 'retention', database: kind, case: 'before: lake inserts while the DELETE runs', value: during.rate, unit: 'events/s' });
  } finally {
    await dispose();
  }
}

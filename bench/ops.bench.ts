// The operations health page with a big lake: 10,000,000 lake events on Postgres (BENCH_OPS_ROWS to
// change; PGlite gets 200,000 unless set), written set-based (INSERT … SELECT generate_series) with
// the counters and aggregates the page reads. Times the guild page and the operator page (p50/p99)
// and /healthz's signals, and checks that none of their queries reads lake_events' rows.
import { sql } from 'drizzle-orm';
import { AiService } from '../src/ai/index.ts';
import { systemClock } from '../src/app/clock.ts';
import { queryRows } from '../src/db/client.ts';
import { silentLogger } from '../src/log/logger.ts';
import { Operations } from '../src/ops/operations.ts';
import { opsSignals } from '../src/ops/signals.ts';
import { freshDatabase, percentile, record } from './support.ts';

const GUILDS = 10;
const guildId = (g: number) => String(1_160_511_689_263_947_000n + BigInt(g));

export async function benchOps(kind: 'pglite' | 'postgres'): Promise<void> {
  const rows = Number(process.env.BENCH_OPS_ROWS ?? (kind === 'postgres' ? 10_000_000 : 200_000));
  const { database, dispose } = await freshDatabase(kind);
  try {
    const db = database.db;
    const started = performance.now();
    for (let g = 0; g < GUILDS; g++) await db.execute(sql`INSERT INTO guilds (id, name) VALUES (${guildId(g)}, ${`Guild ${g}`})`);
    // Events one second apart over the last ~rows/10 s, spread over the guilds, 20 channels and 4 types; in
    // chunks so a run shows progress and no statement holds everything at once.
    const chunk = 1_000_000;
    const end = Date.now();
    for (let from = 0; from < rows; from += chunk) {
      const to = Math.min(rows, from + chunk) - 1;
      await db.execute(sql`
        INSERT INTO lake_events (guild_id, source_id, type, actor_id, target_id, channel_id, occurred_at, data, origin)
        SELECT ${guildId(0)}::bigint + (i % ${GUILDS}), 'b' || i, (ARRAY['message_create','reaction_add','voice_session_end','thread_create'])[1 + i % 4],
               900000000000000000 + (i % 5000), NULL, 1111111111111111100 + (i % 20),
               to_timestamp(${end / 1000} - (${rows} - i) / ${GUILDS}::float8), '{"length": 120}'::jsonb, 'backfill'
        FROM generate_series(${from}::bigint, ${to}::bigint) AS i`);
      console.log(`    ${kind}: ${Math.min(rows, to + 1).toLocaleString('en-US')} lake rows written (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
    // The counters and aggregates the pipeline keeps, written from the same arithmetic (no lake scan).
    await db.execute(sql`INSERT INTO lake_guild_stats (guild_id, rows) SELECT ${guildId(0)}::bigint + g, ${Math.floor(rows / GUILDS)} FROM generate_series(0, ${GUILDS - 1}) g`);
    const hours = Math.ceil(rows / GUILDS / 3600) + 1;
    await db.execute(sql`
      INSERT INTO activity_hourly (guild_id, hour, event_type, count)
      SELECT ${guildId(0)}::bigint + g, date_trunc('hour', to_timestamp(${end / 1000}) - h * interval '1 hour'), t, 900
      FROM generate_series(0, ${GUILDS - 1}) g, generate_series(0, ${Math.min(hours, 24 * 90)}) h, unnest(ARRAY['message_create','reaction_add','voice_session_end','thread_create']) t`);
    await db.execute(sql`
      INSERT INTO activity_hourly_channel (guild_id, hour, channel_id, count)
      SELECT ${guildId(0)}::bigint + g, date_trunc('hour', to_timestamp(${end / 1000}) - h * interval '1 hour'), 1111111111111111100 + c, 180
      FROM generate_series(0, ${GUILDS - 1}) g, generate_series(0, ${Math.min(hours, 24 * 90)}) h, generate_series(0, 19) c`);
    await db.execute(sql`
      INSERT INTO activity_daily (guild_id, day, event_type, count)
      SELECT ${guildId(0)}::bigint + g, (now() - d * interval '1 day')::date, t, 21600
      FROM generate_series(0, ${GUILDS - 1}) g, generate_series(0, ${Math.min(Math.ceil(hours / 24), 365)}) d, unnest(ARRAY['message_create','reaction_add','voice_session_end','thread_create']) t`);
    await db.execute(sql`INSERT INTO zones (guild_id, key, name, channel_ids) SELECT ${guildId(0)}::bigint + g, 'chat', 'Chat', ARRAY['1111111111111111100','1111111111111111101'] FROM generate_series(0, ${GUILDS - 1}) g`);
    await db.execute(sql`INSERT INTO outbox (guild_id, kind, payload, status, last_error) SELECT ${guildId(0)}::bigint + (i % ${GUILDS}), 'message', '{}'::jsonb, CASE WHEN i % 3 = 0 THEN 'failed' ELSE 'pending' END, CASE WHEN i % 3 = 0 THEN 'missing access' END FROM generate_series(1, 3000) i`);
    await db.execute(sql`ANALYZE`);
    const fixtureSeconds = (performance.now() - started) / 1000;
    record({ bench: 'ops', database: kind, case: `fixture: ${rows.toLocaleString('en-US')} lake events, set-based`, value: fixtureSeconds, unit: 's' });

    const ops = new Operations({
      database, processors: [], ai: new AiService({}, { db }), clock: systemClock, logger: silentLogger, channelOf: async () => null, discord: () => undefined,
    });
    const time = async (name: string, runs: number, run: () => Promise<unknown>) => {
      await run();
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await run();
        samples.push(performance.now() - t);
      }
      samples.sort((a, b) => a - b);
      record({ bench: 'ops', database: kind, case: `${name} p50`, value: percentile(samples, 50), unit: 'ms' });
      record({ bench: 'ops', database: kind, case: `${name} p99`, value: percentile(samples, 99), unit: 'ms' });
    };
    const page = await ops.guildHealth(guildId(3));
    if (page.lake?.rows !== Math.floor(rows / GUILDS)) throw new Error(`the guild page counted ${page.lake?.rows} rows`);
    await time('guild health page (GET /ops)', 200, () => ops.guildHealth(guildId(3)));
    await time('operator health page (GET /ops/health)', 200, () => ops.health());
    await time('/healthz and /metrics signals (uncached)', 200, () => opsSignals(db, new Date()));

    // No health query reads the lake's rows: its scans in pg_stat_user_tables do not move.
    if (kind === 'postgres') {
      const scans = async () => (await queryRows<{ s: string; i: string | null }>(db, sql`SELECT seq_scan::text AS s, idx_scan::text AS i FROM pg_stat_user_tables WHERE relname = 'lake_events'`))[0]!;
      await db.execute(sql`SELECT pg_stat_clear_snapshot()`);
      const before = await scans();
      for (let i = 0; i < 20; i++) await ops.health();
      await new Promise((r) => setTimeout(r, 600)); // statistics are flushed about every 500 ms
      await db.execute(sql`SELECT pg_stat_clear_snapshot()`);
      const after = await scans();
      const moved = Number(after.s) - Number(before.s) + (Number(after.i ?? 0) - Number(before.i ?? 0));
      record({ bench: 'ops', database: kind, case: 'lake_events scans by 20 operator pages', value: moved, unit: 'scans', note: 'must be 0' });
    }
  } finally {
    await dispose();
  }
}

// Community analytics at scale.
// (1) The cost of keeping the aggregates current: end-to-end ingest (lake + classic preset engine +
//     ledger, batches of 500) with and without the analytics aggregator, in alternating rounds.
// (2) Each analytics endpoint over a generated guild of 50,000 members and 10 million lake events
//     (1 million on PGlite; BENCH_ANALYTICS_EVENTS to change): p50/p99 over BENCH_ANALYTICS_RUNS
//     requests through the API app (routing, auth, query, JSON/CSV). The lake is generated in SQL
//     and the aggregates derived from it in SQL the way the per-batch path and the 0012 backfill
//     keep them (voice sessions counted on their end day), since pushing 10 million events through
//     the pipeline would take most of an hour here.
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { AnalyticsAggregator } from '../src/analytics/aggregator.ts';
import { clearAnalyticsCache } from '../src/analytics/queries/index.ts';
import { createApp } from '../src/api/app.ts';
import { fixedClock } from '../src/app/clock.ts';
import { createServices } from '../src/app/services.ts';
import { parseEnv } from '../src/config/env.ts';
import type { Database } from '../src/db/client.ts';
import { guilds } from '../src/db/schema.ts';
import { silentLogger } from '../src/log/logger.ts';
import { Metrics } from '../src/metrics/metrics.ts';
import { EngineProcessor } from '../src/pipeline/engine-processor.ts';
import { IngestPipeline } from '../src/pipeline/ingest.ts';
import { ConfigStore } from '../src/rules/config-store.ts';
import { syntheticEvents } from './engine.bench.ts';
import { existingDatabase, freshDatabase, importClassic, percentile, record } from './support.ts';

const GUILD = '1160511689263947796';
const TOKEN = 'bench-admin-token-0123456789';

async function ingestCost(kind: 'pglite' | 'postgres'): Promise<void> {
  const { database, dispose } = await freshDatabase(kind);
  try {
    await importClassic(database.db, GUILD);
    const store = new ConfigStore(database);
    await store.start();
    const engine = new EngineProcessor(store);
    const plain = new IngestPipeline(database, [engine]);
    const withAggregates = new IngestPipeline(database, [engine, new AnalyticsAggregator(store)]);
    const perRound = kind === 'postgres' ? 10_000 : 5_000;
    const rounds = 3;
    const events = syntheticEvents(perRound * rounds * 2 + 1000, 5);
    let offset = 0;
    const take = (n: number) => events.slice(offset, (offset += n));
    await withAggregates.ingestEvents(take(500), 'api'); // warm-up
    await plain.ingestEvents(take(500), 'api');
    const seconds = { without: 0, with: 0 };
    for (let round = 0; round < rounds; round++) {
      for (const [name, pipeline] of [['without', plain], ['with', withAggregates]] as const) {
        const batch = take(perRound);
        const started = performance.now();
        for (let i = 0; i < batch.length; i += 500) await pipeline.ingestEvents(batch.slice(i, i + 500), 'api');
        seconds[name] += (performance.now() - started) / 1000;
      }
    }
    const without = (perRound * rounds) / seconds.without;
    const withAgg = (perRound * rounds) / seconds.with;
    record({ bench: 'analytics', database: kind, case: 'ingest, classic preset, batches of 500, no aggregates', value: without, unit: 'events/s' });
    record({ bench: 'analytics', database: kind, case: 'ingest, classic preset, batches of 500, with aggregates', value: withAgg, unit: 'events/s', note: `${(((without - withAgg) / without) * 100).toFixed(1)}% slower` });
    await store.stop();
  } finally {
    await dispose();
  }
}

/** A year of a 50,000-member guild's activity in the lake, and the aggregates derived from it. */
async function generateGuild(database: Database, total: number, now: Date): Promise<void> {
  const db = database.db;
  const start = new Date(now.getTime() - 365 * 86_400_000).toISOString();
  const chunk = 1_000_000;
  for (let from = 0; from < total; from += chunk) {
    const to = Math.min(total, from + chunk) - 1;
    const t = performance.now();
    await db.execute(sql`
      INSERT INTO lake_events (guild_id, source_id, type, actor_id, channel_id, occurred_at, data, origin)
      SELECT ${GUILD}::bigint, 'g' || i, k.type, 900000000000000000 + x.u, 1111111111111111100 + (i % 20), x.ts,
             CASE k.type
               WHEN 'message_create' THEN jsonb_build_object('length', i % 400)
               WHEN 'reaction_add' THEN jsonb_build_object('emoji', '👍')
               WHEN 'voice_session_end' THEN jsonb_build_object('duration_seconds', 300 + i % 3000, 'is_afk', i % 10 = 0)
               WHEN 'scheduled_event_attend' THEN jsonb_build_object('scheduled_event_id', (1300000000000000000 + i / 100000)::text, 'minutes_present', 10 + i % 50, 'joined_on_time', i % 3 <> 0)
               ELSE '{}'::jsonb END,
             'backfill'
      FROM generate_series(${from}::bigint, ${to}::bigint) AS i,
      LATERAL (SELECT floor(50000 * power(random(), 2))::bigint AS u, random() AS r,
                      ${start}::timestamptz + (i::float8 / ${total}) * interval '365 days' AS ts) x,
      LATERAL (SELECT CASE WHEN x.r < 0.70 THEN 'message_create' WHEN x.r < 0.90 THEN 'reaction_add' WHEN x.r < 0.95 THEN 'voice_session_end'
                           WHEN x.r < 0.96 THEN 'thread_create' WHEN x.r < 0.97 THEN 'scheduled_event_attend' WHEN x.r < 0.99 THEN 'command'
                           WHEN x.r < 0.995 THEN 'member_join' ELSE 'member_leave' END AS type) k`);
    console.log(`    lake: events ${from.toLocaleString('en-US')}…${to.toLocaleString('en-US')} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const t = performance.now();
  const local = sql.raw(`(occurred_at AT TIME ZONE 'Europe/Paris')::date`);
  const steps: [string, ReturnType<typeof sql>][] = [
    ['counters', sql`INSERT INTO event_counters_daily (guild_id, user_id, event_type, side, day, count, value_sum)
      SELECT guild_id, actor_id, type, 'actor', ${local}, count(*),
             sum(CASE type WHEN 'voice_session_end' THEN CASE WHEN (data->>'is_afk')::boolean THEN 0 ELSE (data->>'duration_seconds')::bigint END
                           WHEN 'scheduled_event_attend' THEN (data->>'minutes_present')::bigint WHEN 'message_create' THEN (data->>'length')::bigint ELSE 0 END)
      FROM lake_events WHERE guild_id = ${GUILD} GROUP BY 1, 2, 3, 5`],
    ['hourly', sql`INSERT INTO activity_hourly (guild_id, hour, event_type, count)
      SELECT guild_id, date_trunc('hour', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', type, count(*) FROM lake_events WHERE guild_id = ${GUILD} GROUP BY 1, 2, 3`],
    ['voice', sql`INSERT INTO voice_daily (guild_id, user_id, day, seconds, afk_seconds, sessions, afk_sessions)
      SELECT guild_id, actor_id, ${local},
             sum(CASE WHEN (data->>'is_afk')::boolean THEN 0 ELSE (data->>'duration_seconds')::bigint END),
             sum(CASE WHEN (data->>'is_afk')::boolean THEN (data->>'duration_seconds')::bigint ELSE 0 END),
             count(*) FILTER (WHERE NOT (data->>'is_afk')::boolean), count(*) FILTER (WHERE (data->>'is_afk')::boolean)
      FROM lake_events WHERE guild_id = ${GUILD} AND type = 'voice_session_end' GROUP BY 1, 2, 3`],
    ['attendance', sql`INSERT INTO scheduled_event_stats (guild_id, scheduled_event_id, attendees, minutes_present, on_time, first_at, last_at)
      SELECT guild_id, (data->>'scheduled_event_id')::bigint, count(*), sum((data->>'minutes_present')::bigint),
             count(*) FILTER (WHERE (data->>'joined_on_time')::boolean), min(occurred_at), max(occurred_at)
      FROM lake_events WHERE guild_id = ${GUILD} AND type = 'scheduled_event_attend' GROUP BY 1, 2`],
    ['monthly', sql`INSERT INTO member_activity_monthly (guild_id, user_id, month, events)
      SELECT guild_id, user_id, date_trunc('month', day)::date, sum(count) FROM event_counters_daily
      WHERE guild_id = ${GUILD} AND side = 'actor' AND event_type <> 'member_leave' GROUP BY 1, 2, 3`],
    ['members', sql`INSERT INTO members (guild_id, user_id, display_name, joined_at, left_at)
      SELECT ${GUILD}::bigint, 900000000000000000 + n, 'member ' || n, ${start}::timestamptz + (n % 365) * interval '1 day',
             CASE WHEN n % 20 = 0 THEN ${now.toISOString()}::timestamptz - (n % 30) * interval '1 day' END
      FROM generate_series(0, 49999) n ON CONFLICT DO NOTHING`],
  ];
  for (const [, statement] of steps) await db.execute(statement);
  // The rollups, exactly as migration 0012 fills them for an existing installation.
  const migration = readFileSync(new URL('../drizzle/0012_analytics_backfill_and_views.sql', import.meta.url), 'utf8');
  for (const statement of migration.split('--> statement-breakpoint').map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter((s) => s.startsWith('INSERT'))) {
    await db.execute(sql.raw(statement));
  }
  const activity = readFileSync(new URL('../drizzle/0013_guild_weekly_activity.sql', import.meta.url), 'utf8');
  await db.execute(sql.raw(activity.split('--> statement-breakpoint')[1]!));
  // Lay the rollups out as the per-batch path does over time: a week's member rows are written during
  // that week and voice days day by day, so each lies together on disk (the bulk derivation above
  // scatters them, which no live guild would see).
  await db.execute(sql`CLUSTER member_weekly USING member_weekly_guild_id_week_user_id_pk`);
  await db.execute(sql`CLUSTER voice_daily USING voice_daily_day`);
  await db.execute(sql`ANALYZE`);
  console.log(`    aggregates derived in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

async function endpointLatency(kind: 'pglite' | 'postgres'): Promise<void> {
  const total = Number(process.env.BENCH_ANALYTICS_EVENTS ?? (kind === 'postgres' ? 10_000_000 : 1_000_000));
  const runs = Number(process.env.BENCH_ANALYTICS_RUNS ?? 50);
  // BENCH_ANALYTICS_KEEP=1 keeps the generated database (its name is printed); BENCH_ANALYTICS_DB=<name>
  // measures an earlier one again (Postgres), skipping the generation.
  const reuse = kind === 'postgres' ? process.env.BENCH_ANALYTICS_DB : undefined;
  const { database, dispose } = reuse ? await existingDatabase(reuse) : await freshDatabase(kind, 10, process.env.BENCH_ANALYTICS_KEEP === '1');
  const now = reuse ? new Date(Number(process.env.BENCH_ANALYTICS_NOW ?? Date.now())) : new Date();
  try {
    if (!reuse) {
      await database.db.insert(guilds).values({ id: GUILD, name: 'bench', timezone: 'Europe/Paris' });
      await generateGuild(database, total, now);
      if (process.env.BENCH_ANALYTICS_KEEP === '1') console.log(`    kept: BENCH_ANALYTICS_DB=${database.name ?? '?'} BENCH_ANALYTICS_NOW=${now.getTime()}`);
    }
    const services = await createServices({
      env: parseEnv({ CAIRN_ADMIN_TOKEN: TOKEN }), logger: silentLogger, database, adminToken: TOKEN,
      metrics: new Metrics({ defaultMetrics: false }), clock: fixedClock(now),
    });
    const app = createApp(services);
    // "(uncached)": the answer cache emptied before each request, as for the first request after
    // the data it read changed (a late event for a past week, a member joining or leaving).
    const paths = ['growth?days=90', 'voice?days=30', 'peak-hours?days=28', 'events', 'engagement?weeks=8', 'engagement?weeks=8 (uncached)', 'retention?months=6', 'stars', 'stars (uncached)', 'engagement?weeks=8&format=csv'];
    for (const label of paths) {
      const path = label.replace(' (uncached)', '');
      const uncached = label !== path;
      const url = `/api/guilds/${GUILD}/analytics/${path}`;
      const call = async () => {
        if (uncached) clearAnalyticsCache(database.db);
        const res = await app.request(url, { headers: { Authorization: `Bearer ${TOKEN}` } });
        if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
        return res.text();
      };
      for (let i = 0; i < 3; i++) await call();
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        bytes = (await call()).length;
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      record({
        bench: 'analytics', database: kind, case: `GET analytics/${label}`, value: percentile(times, 50), unit: 'ms p50',
        note: `p99 ${percentile(times, 99).toFixed(1)} ms, ${bytes.toLocaleString('en-US')} bytes, ${total >= 1e6 ? `${total / 1e6}M` : `${total / 1e3}k`} events, 50k members`,
      });
    }
    await services.configs.stop();
  } finally {
    await dispose();
  }
}

export async function benchAnalytics(kind: 'pglite' | 'postgres'): Promise<void> {
  if (process.env.BENCH_ANALYTICS_SKIP_INGEST !== '1') await ingestCost(kind);
  await endpointLatency(kind);
}

// Suggestions (issue 18) for a big guild: BENCH_SUGGESTIONS_EVENTS lake events (default 10,000,000
// on Postgres, 1,000,000 on PGlite) over a year from 50,000 members (skewed: a few post most),
// written set-based with the aggregates the pipeline would have kept (event counters, daily
// activity) and the ledger rows its two rules would have written (XP per message, coins per
// reaction received). Figures: the statistics alone (percentiles, volumes, currency figures and
// the milestone backtests: everything but replays), and a whole generation including the rule
// suggestions' replays through the pipeline, each bounded to BENCH_SUGGESTIONS_REPLAY_EVENTS
// (default 20,000) lake events. BENCH_SUGGESTIONS_DB=<name> reuses a generated Postgres database.
import { sql } from 'drizzle-orm';
import { fixedClock } from '../src/app/clock.ts';
import { AiService } from '../src/ai/ai-service.ts';
import type { Database } from '../src/db/client.ts';
import { queryRows } from '../src/db/client.ts';
import { currencies, guilds } from '../src/db/schema.ts';
import { createLakePartition } from '../src/lake/partitions.ts';
import { saveRule } from '../src/rules/repository.ts';
import { statisticsDrafts } from '../src/suggestions/from-statistics.ts';
import { generateSuggestions } from '../src/suggestions/generate.ts';
import { windowOf } from '../src/suggestions/statistics.ts';
import { existingDatabase, freshDatabase, record } from './support.ts';

const GUILD = '1160511689263947796';
const NOW = new Date('2026-12-02T00:00:00.000Z');
const MEMBERS = 50_000;
const START = new Date(NOW.getTime() - 365 * 86_400_000);

async function generate(database: Database, total: number): Promise<{ xp: number; coins: number }> {
  const db = database.db;
  await db.insert(guilds).values({ id: GUILD, name: 'bench' });
  const [xp, coins] = await db.insert(currencies).values([{ guildId: GUILD, key: 'xp', name: 'XP' }, { guildId: GUILD, key: 'coins', name: 'Coins', spendable: true, displayOrder: 1 }]).returning({ id: currencies.id });
  for (const rule of [
    { key: 'msg-xp', name: 'XP for messages', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 10 }] },
    { key: 'react-coins', name: 'Coins for reactions', trigger: { events: ['reaction_add'], exclude_self: true, has_target: true }, effects: [{ type: 'credit', to: 'target', currency: 'coins', amount: 2 }] },
  ]) {
    const saved = await db.transaction((tx) => saveRule(tx, GUILD, rule, 'bench'));
    if (!saved.ok) throw new Error(JSON.stringify(saved.problems));
  }
  for (let m = new Date(Date.UTC(START.getUTCFullYear(), START.getUTCMonth(), 1)); m <= NOW; m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))) {
    await createLakePartition(db, m.toISOString().slice(0, 7));
  }
  const chunk = 1_000_000;
  for (let from = 0; from < total; from += chunk) {
    const to = Math.min(total, from + chunk) - 1;
    const t = performance.now();
    await db.execute(sql`
      INSERT INTO lake_events (guild_id, source_id, type, actor_id, target_id, channel_id, occurred_at, data, origin)
      SELECT ${GUILD}::bigint, 'g' || i, k.type, 900000000000000000 + x.u,
             CASE WHEN k.type = 'reaction_add' THEN 900000000000000000 + (x.u * 7919 + 13) % ${MEMBERS} END,
             1111111111111111100 + (i % 20), x.ts,
             CASE k.type
               WHEN 'message_create' THEN jsonb_build_object('length', i % 400)
               WHEN 'reaction_add' THEN jsonb_build_object('emoji', '👍', 'message_id', (1300000000000000000 + i)::text)
               WHEN 'voice_session_end' THEN jsonb_build_object('duration_seconds', 300 + i % 3000, 'is_afk', i % 10 = 0)
               WHEN 'thread_create' THEN jsonb_build_object('name', 't')
               ELSE jsonb_build_object('scheduled_event_id', (1300000000000000000 + i / 100000)::text, 'minutes_present', 10 + i % 50) END,
             'backfill'
      FROM generate_series(${from}::bigint, ${to}::bigint) AS i,
      LATERAL (SELECT floor(${MEMBERS} * power(random(), 3))::bigint AS u, random() AS r,
                      ${START.toISOString()}::timestamptz + (i::float8 / ${total}) * interval '365 days' AS ts) x,
      LATERAL (SELECT CASE WHEN x.r < 0.75 THEN 'message_create' WHEN x.r < 0.90 THEN 'reaction_add' WHEN x.r < 0.95 THEN 'voice_session_end'
                           WHEN x.r < 0.98 THEN 'thread_create' ELSE 'scheduled_event_attend' END AS type) k`);
    console.log(`    lake: events ${from.toLocaleString('en-US')}…${to.toLocaleString('en-US')} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const t = performance.now();
  const value = sql.raw(`CASE type WHEN 'voice_session_end' THEN CASE WHEN (data->>'is_afk')::boolean THEN 0 ELSE (data->>'duration_seconds')::bigint END
                                   WHEN 'scheduled_event_attend' THEN (data->>'minutes_present')::bigint WHEN 'message_create' THEN (data->>'length')::bigint ELSE 0 END`);
  await db.execute(sql`INSERT INTO event_counters_daily (guild_id, user_id, event_type, side, day, count, value_sum)
    SELECT guild_id, actor_id, type, 'actor', (occurred_at AT TIME ZONE 'UTC')::date, count(*), sum(${value}) FROM lake_events WHERE guild_id = ${GUILD} GROUP BY 1, 2, 3, 5
    UNION ALL
    SELECT guild_id, target_id, type, 'target', (occurred_at AT TIME ZONE 'UTC')::date, count(*), 0 FROM lake_events WHERE guild_id = ${GUILD} AND target_id IS NOT NULL AND target_id <> actor_id GROUP BY 1, 2, 3, 5`);
  await db.execute(sql`INSERT INTO event_counters_total (guild_id, user_id, event_type, side, channel_id, count, value_sum)
    SELECT guild_id, actor_id, type, 'actor', channel_id, count(*), sum(${value}) FROM lake_events WHERE guild_id = ${GUILD} GROUP BY 1, 2, 3, 5
    UNION ALL
    SELECT guild_id, target_id, type, 'target', channel_id, count(*), 0 FROM lake_events WHERE guild_id = ${GUILD} AND target_id IS NOT NULL AND target_id <> actor_id GROUP BY 1, 2, 3, 5`);
  await db.execute(sql`INSERT INTO activity_daily (guild_id, day, event_type, count)
    SELECT guild_id, (occurred_at AT TIME ZONE 'UTC')::date, type, count(*) FROM lake_events WHERE guild_id = ${GUILD} GROUP BY 1, 2, 3`);
  console.log(`    aggregates derived in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const l = performance.now();
  const ruleId = async (key: string) => (await queryRows<{ id: number }>(db, sql`SELECT id FROM rules WHERE guild_id = ${GUILD} AND key = ${key}`))[0]!.id;
  const [msgRule, reactRule] = [await ruleId('msg-xp'), await ruleId('react-coins')];
  // The ledger as the two rules wrote it (balances after each row are not needed by suggestions).
  for (let m = new Date(START); m < NOW; m = new Date(m.getTime() + 31 * 86_400_000)) {
    const until = new Date(Math.min(NOW.getTime(), m.getTime() + 31 * 86_400_000));
    await db.execute(sql`INSERT INTO transactions (guild_id, user_id, currency_id, delta, balance_after, source, lake_event_id, rule_id, rule_version, at)
      SELECT guild_id, CASE WHEN type = 'message_create' THEN actor_id ELSE target_id END,
             CASE WHEN type = 'message_create' THEN ${xp!.id}::int ELSE ${coins!.id}::int END,
             CASE WHEN type = 'message_create' THEN 10 ELSE 2 END, 0, 'rule', id,
             CASE WHEN type = 'message_create' THEN ${msgRule}::int ELSE ${reactRule}::int END, 1, occurred_at
      FROM lake_events WHERE guild_id = ${GUILD} AND occurred_at >= ${m.toISOString()}::timestamptz AND occurred_at < ${until.toISOString()}::timestamptz
        AND (type = 'message_create' OR (type = 'reaction_add' AND target_id <> actor_id))
      ORDER BY occurred_at`);
  }
  // Lay the daily counters out as the per-batch path does over time (a day's rows are written that
  // day, so they lie together on disk); the bulk derivation above scatters them by member.
  await db.execute(sql`CLUSTER event_counters_daily USING event_counters_daily_day`);
  await db.execute(sql`ANALYZE`);
  console.log(`    ledger written in ${((performance.now() - l) / 1000).toFixed(1)} s`);
  return { xp: xp!.id, coins: coins!.id };
}

export async function benchSuggestions(kind: 'pglite' | 'postgres'): Promise<void> {
  const total = Number(process.env.BENCH_SUGGESTIONS_EVENTS ?? (kind === 'postgres' ? 10_000_000 : 1_000_000));
  const replay = Number(process.env.BENCH_SUGGESTIONS_REPLAY_EVENTS ?? 20_000);
  // BENCH_SUGGESTIONS_DB=<name> measures a database generated before (Postgres; kept when a run is interrupted).
  const reuse = kind === 'postgres' ? process.env.BENCH_SUGGESTIONS_DB : undefined;
  const { database, dispose } = reuse ? await existingDatabase(reuse) : await freshDatabase(kind);
  try {
    const loadStarted = performance.now();
    if (!reuse) {
      await generate(database, total);
      console.log(`[${kind}] ${total.toLocaleString('en-US')} lake events and their aggregates in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
    } else await database.db.execute(sql`DELETE FROM suggestions WHERE guild_id = ${GUILD}`);
    const w = windowOf(NOW, 30);
    const [windowEvents] = await queryRows<{ n: string }>(database.db, sql`SELECT sum(count)::text AS n FROM activity_daily WHERE guild_id = ${GUILD} AND day > ${w.from.toISOString().slice(0, 10)}::date`);

    const statsStarted = performance.now();
    const figures = await statisticsDrafts(database, GUILD, w, { percentile: 0.9, maxBacktestEvents: replay, maxRuleSuggestions: 0 });
    const statsMs = performance.now() - statsStarted;
    record({ bench: 'suggestions', database: kind, case: `statistics of a guild with ${total.toLocaleString('en-US')} lake events (no replays)`, value: statsMs / 1000, unit: 's',
      note: `${figures.length} suggestions (${figures.map((d) => d.kind).join(', ')}); ${Number(windowEvents?.n ?? 0).toLocaleString('en-US')} events in the 30-day window` });

    const ai = new AiService({}, { db: database.db });
    const started = performance.now();
    const generated = await generateSuggestions({ database, ai }, GUILD, { source: 'statistics', days: 30, now: fixedClock(NOW).now(), maxBacktestEvents: replay });
    const ms = performance.now() - started;
    const replays = generated.suggestions.filter((s) => s.backtest.kind === 'rule');
    record({ bench: 'suggestions', database: kind, case: `whole generation with rule replays (≤ ${replay.toLocaleString('en-US')} events each), ${total.toLocaleString('en-US')} lake events`, value: ms / 1000, unit: 's',
      note: `${generated.suggestions.length} suggestions; ${replays.length} replays of ${replays.map((s) => (s.backtest.kind === 'rule' ? `${s.backtest.events} events/${s.backtest.days} d` : '')).join(', ')}` });
  } finally {
    await dispose();
  }
}

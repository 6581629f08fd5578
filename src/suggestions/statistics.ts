// The figures suggestions are made of, read from the aggregates (event counters, daily activity,
// the ledger) and never from message content: percentiles are computed by Postgres
// (percentile_disc), so only a few rows per metric or currency reach JavaScript.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db, type Executor } from '../db/client.ts';
import { INTERNAL_EVENT_TYPES } from '../events/lake-event.ts';
import type { Distribution } from './types.ts';

export interface Window {
  days: number;
  from: Date;
  to: Date;
}

export function windowOf(now: Date, days: number): Window {
  return { days, from: new Date(now.getTime() - days * 86_400_000), to: now };
}

/** Counter days are the guild's local dates: the window is the `days` dates ending with today's. */
const dayAfter = (w: Window) => w.from.toISOString().slice(0, 10);
const lastDay = (w: Window) => w.to.toISOString().slice(0, 10);

/** What a milestone threshold can measure, each one counter (event type, side, measure). */
export interface Metric {
  id: string;
  event: string;
  side: 'actor' | 'target';
  measure: 'count' | 'voice_minutes';
  /** In words, plural: "messages sent". */
  noun: string;
  /** The milestone's icon. */
  icon: string;
}

export const METRICS: readonly Metric[] = [
  { id: 'messages', event: 'message_create', side: 'actor', measure: 'count', noun: 'messages sent', icon: '💬' },
  { id: 'reactions_received', event: 'reaction_add', side: 'target', measure: 'count', noun: 'reactions received', icon: '⭐' },
  { id: 'reactions_given', event: 'reaction_add', side: 'actor', measure: 'count', noun: 'reactions given', icon: '👍' },
  { id: 'voice_minutes', event: 'voice_session_end', side: 'actor', measure: 'voice_minutes', noun: 'minutes in voice (AFK aside)', icon: '🎙️' },
  { id: 'threads', event: 'thread_create', side: 'actor', measure: 'count', noun: 'threads started', icon: '🧵' },
  { id: 'events_attended', event: 'scheduled_event_attend', side: 'actor', measure: 'count', noun: 'server events attended', icon: '📅' },
];

/** Event types that say nothing about a member's activity (joins, leaves, the engine's own). */
const NOT_ACTIVITY = ['member_join', 'member_leave', ...INTERNAL_EVENT_TYPES];
const notActivity = sql.join(NOT_ACTIVITY.map((t) => sql`${t}`), sql`, `);

export interface MetricFigures {
  metric: Metric;
  /** The metric's column in the member window (see withMemberWindow). */
  index: number;
  activeMembers: number;
  /** Active members with a non-zero value. */
  participants: number;
  p50: number;
  p90: number;
  p99: number;
  /** The value at the requested percentile. */
  chosen: number;
}

/** One member's window value of a metric (voice minutes rounded down, as a milestone compares them). */
const metricValue = (m: Metric) => {
  const only = sql`event_type = ${m.event} AND side = ${m.side}`;
  return m.measure === 'voice_minutes' ? sql`coalesce(floor(sum(value_sum) FILTER (WHERE ${only}) / 60.0), 0)::float8` : sql`coalesce(sum(count) FILTER (WHERE ${only}), 0)::float8`;
};

const WINDOW_TABLE = sql.raw('suggestion_member_window');
const column = (index: number) => sql.raw(`m${index}`);

/**
 * Runs `work` in a transaction holding the window's value of each metric per member, read in one
 * scan of the daily counters into a temporary table (dropped at commit): the percentiles and the
 * thresholds' backtests then read tens of thousands of rows instead of the window's counters again.
 * A member is active when they did anything (as actor) in the window, joins and leaves aside.
 */
export async function withMemberWindow<T>(db: Db, guildId: string, w: Window, metrics: readonly Metric[], work: (exec: Executor) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    const columns = metrics.map((m, i) => sql`${metricValue(m)} AS ${column(i)}`);
    await tx.execute(sql`
      CREATE TEMPORARY TABLE ${WINDOW_TABLE} ON COMMIT DROP AS
      SELECT user_id ${columns.length > 0 ? sql`, ${sql.join(columns, sql`, `)}` : sql``}
      FROM event_counters_daily
      WHERE guild_id = ${guildId} AND day > ${dayAfter(w)}::date AND day <= ${lastDay(w)}::date
      GROUP BY user_id
      HAVING bool_or(side = 'actor' AND event_type NOT IN (${notActivity}))`);
    return work(tx);
  });
}

/** Each metric's percentiles over the window's active members (zeros included: "10% of members"). Inside withMemberWindow. */
export async function metricFigures(exec: Executor, metrics: readonly Metric[], percentile: number): Promise<MetricFigures[]> {
  const out: MetricFigures[] = [];
  for (const [index, metric] of metrics.entries()) {
    const val = column(index);
    const [row] = await queryRows<{ n: number; participants: number; p50: number | null; p90: number | null; p99: number | null; chosen: number | null }>(
      exec,
      sql`SELECT count(*)::int AS n, count(*) FILTER (WHERE ${val} > 0)::int AS participants,
                 percentile_disc(0.5) WITHIN GROUP (ORDER BY ${val}) AS p50, percentile_disc(0.9) WITHIN GROUP (ORDER BY ${val}) AS p90,
                 percentile_disc(0.99) WITHIN GROUP (ORDER BY ${val}) AS p99, percentile_disc(${percentile}::float8) WITHIN GROUP (ORDER BY ${val}) AS chosen
          FROM ${WINDOW_TABLE}`,
    );
    if (!row || row.n === 0) continue;
    out.push({ metric, index, activeMembers: row.n, participants: row.participants, p50: Number(row.p50 ?? 0), p90: Number(row.p90 ?? 0), p99: Number(row.p99 ?? 0), chosen: Number(row.chosen ?? 0) });
  }
  return out;
}

export interface ThresholdReach {
  activeMembers: number;
  reached: number;
  members: { user_id: string; value: number }[];
}

/** Who among the window's active members meets `threshold` on metric `index`. Inside withMemberWindow. */
export async function thresholdReach(exec: Executor, index: number, threshold: number): Promise<ThresholdReach> {
  const val = column(index);
  const [counts] = await queryRows<{ n: number; reached: number }>(exec, sql`SELECT count(*)::int AS n, count(*) FILTER (WHERE ${val} >= ${threshold})::int AS reached FROM ${WINDOW_TABLE}`);
  const members = await queryRows<{ user_id: string; val: number }>(
    exec,
    sql`SELECT user_id::text, ${val} AS val FROM ${WINDOW_TABLE} WHERE ${val} >= ${threshold} ORDER BY ${val} DESC, user_id LIMIT 100`,
  );
  return { activeMembers: counts?.n ?? 0, reached: counts?.reached ?? 0, members: members.map((r) => ({ user_id: r.user_id, value: Number(r.val) })) };
}

/** For each (metric, threshold): members whose lifetime counters (all channels) already meet it, in one scan. */
export async function lifetimeQualified(exec: Executor, guildId: string, pairs: { metric: Metric; threshold: number }[]): Promise<number[]> {
  if (pairs.length === 0) return [];
  const values = pairs.map(({ metric: m }, i) => {
    const only = sql`event_type = ${m.event} AND side = ${m.side}`;
    return sql`${m.measure === 'voice_minutes' ? sql`coalesce(sum(value_sum) FILTER (WHERE ${only}), 0) / 60.0` : sql`coalesce(sum(count) FILTER (WHERE ${only}), 0)`} AS ${column(i)}`;
  });
  const counts = pairs.map((p, i) => sql`count(*) FILTER (WHERE ${column(i)} >= ${p.threshold})::int AS ${column(i)}`);
  const events = [...new Set(pairs.map((p) => p.metric.event))];
  const [row] = await queryRows<Record<string, number>>(
    exec,
    sql`SELECT ${sql.join(counts, sql`, `)} FROM (
          SELECT user_id, ${sql.join(values, sql`, `)} FROM event_counters_total
          WHERE guild_id = ${guildId} AND event_type IN (${sql.join(events.map((e) => sql`${e}`), sql`, `)})
          GROUP BY user_id) t`,
  );
  return pairs.map((_, i) => Number(row?.[`m${i}`] ?? 0));
}

export interface EventVolume {
  event: string;
  events: number;
  members: number;
  /** 90th percentile of one member's events of this type on one day (days with any). */
  dailyP90: number;
}

/** Event types done in the window (as actor): how many, by how many members, how many a day at most for most. */
export async function eventVolumes(exec: Executor, guildId: string, w: Window): Promise<EventVolume[]> {
  const rows = await queryRows<{ event_type: string; events: string; members: number; p90: number | null }>(
    exec,
    sql`SELECT event_type, sum(count)::text AS events, count(DISTINCT user_id)::int AS members,
               percentile_disc(0.9) WITHIN GROUP (ORDER BY count) AS p90
        FROM event_counters_daily
        WHERE guild_id = ${guildId} AND day > ${dayAfter(w)}::date AND day <= ${lastDay(w)}::date AND side = 'actor' AND event_type NOT IN (${notActivity})
        GROUP BY event_type ORDER BY sum(count) DESC`,
  );
  return rows.map((r) => ({ event: r.event_type, events: Number(r.events), members: r.members, dailyP90: Number(r.p90 ?? 1) }));
}

export interface CurrencyFigures {
  currencyId: number;
  key: string;
  spendable: boolean;
  earned: number;
  spent: number;
  earners: number;
  /** Share of the window's earnings that went to the top 5% of earners (0–1). */
  top5Share: number;
}

/** Per currency: earned and spent in the window, by how many, and how concentrated the earnings are. */
export async function currencyFigures(exec: Executor, guildId: string, w: Window): Promise<CurrencyFigures[]> {
  const rows = await queryRows<{ id: number; key: string; spendable: boolean; earned: string; spent: string; earners: number; top: string }>(
    exec,
    sql`WITH per AS (
          SELECT currency_id, user_id, coalesce(sum(delta) FILTER (WHERE delta > 0), 0) AS earned, coalesce(-sum(delta) FILTER (WHERE delta < 0), 0) AS spent
          FROM transactions WHERE guild_id = ${guildId} AND at > ${w.from.toISOString()}::timestamptz AND at <= ${w.to.toISOString()}::timestamptz
          GROUP BY currency_id, user_id
        ), ranked AS (
          SELECT *, row_number() OVER (PARTITION BY currency_id ORDER BY earned DESC, user_id) AS rn,
                 count(*) FILTER (WHERE earned > 0) OVER (PARTITION BY currency_id) AS n
          FROM per
        )
        SELECT c.id, c.key, c.spendable, coalesce(sum(r.earned), 0)::text AS earned, coalesce(sum(r.spent), 0)::text AS spent,
               count(*) FILTER (WHERE r.earned > 0)::int AS earners,
               coalesce(sum(r.earned) FILTER (WHERE r.earned > 0 AND r.rn <= ceil(r.n * 0.05)), 0)::text AS top
        FROM currencies c LEFT JOIN ranked r ON r.currency_id = c.id
        WHERE c.guild_id = ${guildId} GROUP BY c.id, c.key, c.spendable ORDER BY c.display_order, c.id`,
  );
  return rows.map((r) => {
    const earned = Number(r.earned);
    return { currencyId: r.id, key: r.key, spendable: r.spendable, earned, spent: Number(r.spent), earners: r.earners, top5Share: earned > 0 ? Number(r.top) / earned : 0 };
  });
}

/**
 * How a currency's earnings in the window spread over members, as the ledger has them ("before"),
 * and with `changes` (member → difference) added ("after"). Both computed by Postgres.
 */
export async function earningsDistribution(exec: Executor, guildId: string, currencyId: number, w: Window, changes: Record<string, number> = {}): Promise<{ before: Distribution; after: Distribution }> {
  const diffs = JSON.stringify(Object.entries(changes).map(([u, d]) => ({ u, d })));
  const stats = (column: SQL) => sql`
    SELECT count(*)::int AS members, coalesce(sum(v), 0)::float8 AS total,
           coalesce(percentile_disc(0.5) WITHIN GROUP (ORDER BY v), 0)::float8 AS p50,
           coalesce(percentile_disc(0.9) WITHIN GROUP (ORDER BY v), 0)::float8 AS p90,
           coalesce(percentile_disc(0.99) WITHIN GROUP (ORDER BY v), 0)::float8 AS p99,
           coalesce(sum(v) FILTER (WHERE rn <= ceil(n * 0.1)), 0)::float8 AS top
    FROM (SELECT ${column} AS v, row_number() OVER (ORDER BY ${column} DESC, user_id) AS rn, count(*) OVER () AS n FROM joined WHERE ${column} > 0) r`;
  const rows = await queryRows<{ side: string; members: number; total: number; p50: number; p90: number; p99: number; top: number }>(
    exec,
    sql`WITH earned AS (
          SELECT user_id, sum(delta) AS v FROM transactions
          WHERE guild_id = ${guildId} AND currency_id = ${currencyId} AND delta > 0 AND at > ${w.from.toISOString()}::timestamptz AND at <= ${w.to.toISOString()}::timestamptz
          GROUP BY user_id
        ), diff AS (SELECT u::bigint AS user_id, d FROM json_to_recordset(${diffs}::json) AS x(u text, d bigint)),
        joined AS (
          SELECT coalesce(e.user_id, d.user_id) AS user_id, coalesce(e.v, 0) AS before, greatest(coalesce(e.v, 0) + coalesce(d.d, 0), 0) AS after
          FROM earned e FULL JOIN diff d ON d.user_id = e.user_id
        )
        SELECT 'before' AS side, * FROM (${stats(sql.raw('before'))}) b UNION ALL SELECT 'after', * FROM (${stats(sql.raw('after'))}) a`,
  );
  const shape = (side: string): Distribution => {
    const r = rows.find((x) => x.side === side)!;
    const total = Number(r.total);
    return { members: r.members, total, p50: Number(r.p50), p90: Number(r.p90), p99: Number(r.p99), top10_share: total > 0 ? round3(Number(r.top) / total) : 0 };
  };
  return { before: shape('before'), after: shape('after') };
}

export const round3 = (n: number) => Math.round(n * 1000) / 1000;

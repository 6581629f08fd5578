// The Community page's numbers, read from the aggregates (never the lake): growth, voice, peak
// hours, scheduled events, weekly engagement, monthly actives and cohort retention, rising stars
// and churn risks. Days are the guild's local days.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { localDay, previousDay } from '../milestones/requirements.ts';
import { bigintArray, textArray } from '../db/sql.ts';
import { answersFor } from './answer-cache.ts';
import { monthOf, weekOf } from './time.ts';

export { weekOf } from './time.ts';

export interface AnalyticsContext {
  guildId: string;
  timeZone: string;
  now: Date;
}

function daysBack(ctx: AnalyticsContext, days: number): string[] {
  const out: string[] = [];
  let day = localDay(ctx.now, ctx.timeZone);
  for (let i = 0; i < days; i++) {
    out.unshift(day);
    day = previousDay(day);
  }
  return out;
}

export async function growth(exec: Executor, ctx: AnalyticsContext, days: number) {
  const range = daysBack(ctx, days);
  const since30 = daysBack(ctx, 30)[0]!;
  const from = range[0]! < since30 ? range[0]! : since30;
  const rows = await queryRows<{ day: string; type: string; n: number }>(
    exec,
    sql`SELECT day::text, event_type AS type, count AS n FROM activity_daily
        WHERE guild_id = ${ctx.guildId} AND day >= ${from}::date AND event_type IN ('member_join', 'member_leave')`,
  );
  const byDay = new Map(range.map((d) => [d, { day: d, joins: 0, leaves: 0, net: 0 }]));
  let net30 = 0;
  for (const r of rows) {
    const sign = r.type === 'member_join' ? 1 : -1;
    if (r.day >= since30) net30 += sign * r.n;
    const d = byDay.get(r.day);
    if (!d) continue;
    if (sign > 0) d.joins += r.n;
    else d.leaves += r.n;
    d.net = d.joins - d.leaves;
  }
  // Members now: those the members table holds as present (kept by the bot and by join/leave
  // events), and everyone seen taking part (member_cohorts holds each actor once) unless known to
  // have left or to be a bot, so a guild fed by events alone does not read "0 members" beside its
  // active ones. 30 days ago is now minus the net growth of the 30 local days up to today, so the
  // two agree with the chart.
  const [size] = await queryRows<{ now: number }>(
    exec,
    sql`SELECT count(*)::int AS now FROM (
          SELECT user_id FROM members WHERE guild_id = ${ctx.guildId} AND NOT is_bot AND left_at IS NULL
          UNION
          SELECT c.user_id FROM member_cohorts c WHERE c.guild_id = ${ctx.guildId}
            AND NOT EXISTS (SELECT 1 FROM members m WHERE m.guild_id = c.guild_id AND m.user_id = c.user_id AND (m.is_bot OR m.left_at IS NOT NULL))
        ) present`,
  );
  const now = size?.now ?? 0;
  return { days: [...byDay.values()], members: { now, thirtyDaysAgo: Math.max(0, now - net30), netLast30Days: net30 } };
}

export async function voice(exec: Executor, ctx: AnalyticsContext, days: number) {
  const range = daysBack(ctx, days);
  const perDay = await queryRows<{ day: string; s: string; a: string; n: string; an: string }>(
    exec,
    sql`SELECT day::text, seconds::text s, afk_seconds::text a, sessions::text n, afk_sessions::text an
        FROM voice_guild_daily WHERE guild_id = ${ctx.guildId} AND day >= ${range[0]}::date`,
  );
  const byDay = new Map(range.map((d) => [d, { day: d, minutes: 0, afkMinutes: 0, sessions: 0 }]));
  let seconds = 0;
  let sessions = 0;
  for (const r of perDay) {
    const d = byDay.get(r.day);
    if (!d) continue;
    d.minutes = Math.round(Number(r.s) / 60);
    d.afkMinutes = Math.round(Number(r.a) / 60);
    d.sessions = Number(r.n);
    seconds += Number(r.s);
    sessions += Number(r.n);
  }
  const top = await queryRows<{ user_id: string; name: string | null; s: string }>(
    exec,
    sql`WITH top AS (
          SELECT user_id, sum(seconds) AS s FROM voice_daily WHERE guild_id = ${ctx.guildId} AND day >= ${range[0]}::date
          GROUP BY user_id HAVING sum(seconds) > 0 ORDER BY sum(seconds) DESC, user_id LIMIT 10
        )
        SELECT t.user_id::text, COALESCE(m.display_name, m.username) AS name, t.s::text s FROM top t
        LEFT JOIN members m ON m.guild_id = ${ctx.guildId} AND m.user_id = t.user_id
        ORDER BY t.s DESC, t.user_id`,
  );
  return {
    days: [...byDay.values()],
    averageSessionMinutes: sessions > 0 ? Math.round((seconds / sessions / 60) * 10) / 10 : null,
    top: top.map((t) => ({ userId: t.user_id, name: t.name, minutes: Math.round(Number(t.s) / 60) })),
  };
}

/** What counts as activity on the peak-hours heatmap (joins, leaves and manual awards do not). */
export const PEAK_ACTIVITY = ['message_create', 'reaction_add', 'thread_create', 'voice_session_end', 'scheduled_event_attend', 'command'];

export async function peakHours(exec: Executor, ctx: AnalyticsContext, days: number) {
  const since = new Date(ctx.now.getTime() - days * 86_400_000).toISOString();
  // weekday (0 = Sunday) × hour, in the guild's time zone
  const rows = await queryRows<{ weekday: number; hour: number; n: string }>(
    exec,
    sql`SELECT extract(dow FROM hour AT TIME ZONE ${ctx.timeZone})::int AS weekday, extract(hour FROM hour AT TIME ZONE ${ctx.timeZone})::int AS hour, sum(count)::text n
        FROM activity_hourly
        WHERE guild_id = ${ctx.guildId} AND hour >= ${since}::timestamptz AND event_type = ANY(${textArray(PEAK_ACTIVITY)}) GROUP BY 1, 2`,
  );
  const grid = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  for (const r of rows) grid[r.weekday]![r.hour]! += Number(r.n);
  return { timeZone: ctx.timeZone, grid };
}

export async function scheduledEvents(exec: Executor, ctx: AnalyticsContext) {
  const rows = await queryRows<{ id: string; attendees: number; minutes: string; on_time: number; first_at: string; last_at: string }>(
    exec,
    sql`SELECT scheduled_event_id::text id, attendees, minutes_present::text minutes, on_time, first_at::text, last_at::text
        FROM scheduled_event_stats WHERE guild_id = ${ctx.guildId} ORDER BY first_at DESC LIMIT 200`,
  );
  return rows.map((r) => ({
    scheduledEventId: r.id, attendees: r.attendees, minutesPresent: Number(r.minutes), averageMinutes: r.attendees ? Math.round(Number(r.minutes) / r.attendees) : 0,
    onTimeRate: r.attendees ? Math.round((r.on_time / r.attendees) * 1000) / 1000 : 0, firstAt: new Date(r.first_at).toISOString(), lastAt: new Date(r.last_at).toISOString(),
  }));
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00.000Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** This local week's Monday and the Mondays of the full weeks before it (oldest first). */
function weeksBack(ctx: AnalyticsContext, weeks: number): { current: string; weeks: string[] } {
  const current = weekOf(localDay(ctx.now, ctx.timeZone));
  return { current, weeks: Array.from({ length: weeks }, (_, i) => addDays(current, -7 * (weeks - 1 - i))) };
}

/** A member's engagement score for a week: messages + reactions + events attended + whole voice hours. */
const SCORE = sql.raw('(messages + reactions + events_attended + voice_seconds / 3600)');
export const ENGAGEMENT_BUCKETS = [1, 5, 10, 25, 50, 100];

export interface EngagedMember {
  userId: string;
  name: string | null;
  messages: number;
  reactions: number;
  eventsAttended: number;
  voiceMinutes: number;
  score: number;
}

/** The members most engaged in a week, most engaged first. */
export async function topEngaged(exec: Executor, ctx: AnalyticsContext, week: string, limit: number): Promise<EngagedMember[]> {
  // Ranked (and cut) before the names are joined: a big guild has tens of thousands of members a week.
  const rows = await queryRows<{ user_id: string; name: string | null; messages: number; reactions: number; events_attended: number; voice_seconds: string; score: string }>(
    exec,
    sql`WITH ranked AS (
          SELECT user_id, messages, reactions, events_attended, voice_seconds, ${SCORE} AS score FROM member_weekly
          WHERE guild_id = ${ctx.guildId} AND week = ${week}::date
          ORDER BY ${SCORE} DESC, user_id LIMIT ${limit}
        )
        SELECT r.user_id::text, COALESCE(m.display_name, m.username) AS name, r.messages, r.reactions, r.events_attended, r.voice_seconds::text, r.score::text
        FROM ranked r LEFT JOIN members m ON m.guild_id = ${ctx.guildId} AND m.user_id = r.user_id
        ORDER BY r.score DESC, r.user_id`,
  );
  return rows.map((r) => ({
    userId: r.user_id, name: r.name, messages: r.messages, reactions: r.reactions, eventsAttended: r.events_attended,
    voiceMinutes: Math.round(Number(r.voice_seconds) / 60), score: Number(r.score),
  }));
}

/**
 * Weekly engagement: the guild's totals and active members per local ISO week (the current week is
 * marked partial), the distribution of members' scores in one week (default: the last full week)
 * and that week's 25 most engaged members.
 */
export async function engagement(exec: Executor, ctx: AnalyticsContext, weeks: number, week?: string) {
  const { current, weeks: mondays } = weeksBack(ctx, weeks);
  const rows = await queryRows<{ week: string; active_members: number; messages: number; reactions: number; events_attended: number; voice_seconds: string }>(
    exec,
    sql`SELECT week::text, active_members, messages, reactions, events_attended, voice_seconds::text FROM guild_weekly
        WHERE guild_id = ${ctx.guildId} AND week >= ${mondays[0]}::date AND week <= ${current}::date`,
  );
  const byWeek = new Map(rows.map((r) => [r.week, r]));
  const series = mondays.map((w) => {
    const r = byWeek.get(w);
    return {
      week: w, partial: w === current, activeMembers: r?.active_members ?? 0, messages: r?.messages ?? 0, reactions: r?.reactions ?? 0,
      eventsAttended: r?.events_attended ?? 0, voiceMinutes: Math.round(Number(r?.voice_seconds ?? 0) / 60),
    };
  });
  const selected = weekOf(week ?? addDays(current, -7));
  const signature = await signatureOf(exec, ctx.guildId, sql`SELECT concat_ws(':', active_members, activity, messages, reactions, events_attended, voice_seconds) FROM guild_weekly
    WHERE guild_id = ${ctx.guildId} AND week = ${selected}::date`);
  const { distribution, top } = await answersFor(exec).get(`engagement|${ctx.guildId}|${selected}`, signature, async () => ({
    distribution: await distributionOf(exec, ctx, selected),
    top: await topEngaged(exec, ctx, selected, 25),
  }));
  const names = await namesOf(exec, ctx.guildId, top);
  return { weeks: series, week: selected, distribution, top: top.map((m) => ({ ...m, name: names.get(m.userId) ?? null })) };
}

/** Fresh display names of listed members (a cached answer keeps ids and numbers; names may change). */
async function namesOf(exec: Executor, guildId: string, list: { userId: string }[]): Promise<Map<string, string | null>> {
  if (list.length === 0) return new Map();
  const rows = await queryRows<{ u: string; n: string | null }>(
    exec,
    sql`SELECT user_id::text u, COALESCE(display_name, username) n FROM members WHERE guild_id = ${guildId} AND user_id = ANY(${bigintArray(list.map((m) => m.userId))})`,
  );
  return new Map(rows.map((r) => [r.u, r.n]));
}

/** How many members of a week scored in each bucket (one pass over the week's members). */
async function distributionOf(exec: Executor, ctx: AnalyticsContext, week: string) {
  const bucket = sql.join(
    [...ENGAGEMENT_BUCKETS].map((min, i) => ({ min, i })).reverse().map(({ min, i }) => sql`WHEN score >= ${min} THEN ${i}`),
    sql` `,
  );
  const rows = await queryRows<{ b: number; n: number }>(
    exec,
    sql`SELECT b, count(*)::int n FROM (
          SELECT CASE ${bucket} END AS b FROM (SELECT ${SCORE} AS score FROM member_weekly WHERE guild_id = ${ctx.guildId} AND week = ${week}::date) s
        ) x WHERE b IS NOT NULL GROUP BY b`,
  );
  const counts = new Map(rows.map((r) => [Number(r.b), r.n]));
  return ENGAGEMENT_BUCKETS.map((min, i) => ({ min, max: ENGAGEMENT_BUCKETS[i + 1] === undefined ? null : ENGAGEMENT_BUCKETS[i + 1]! - 1, members: counts.get(i) ?? 0 }));
}

/**
 * A cheap fingerprint of what a cached answer read: the given rollup row(s) and the members' join and
 * leave state (names are looked up afresh for each answer).
 */
async function signatureOf(exec: Executor, guildId: string, rollup: SQL): Promise<string> {
  const [row] = await queryRows<{ r: string | null; m: string | null }>(
    exec,
    sql`SELECT (${rollup}) AS r,
               (SELECT concat_ws(':', count(*), count(*) FILTER (WHERE left_at IS NOT NULL), max(left_at), max(joined_at)) FROM members WHERE guild_id = ${guildId}) AS m`,
  );
  return `${row?.r ?? ''}|${row?.m ?? ''}`;
}

/** Forgets cached answers (tests that rewrite the rollups behind the aggregator's back). */
export const clearAnalyticsCache = (exec: Executor) => answersFor(exec).clear();

export async function retention(exec: Executor, ctx: AnalyticsContext, months: number) {
  const thisMonth = monthOf(localDay(ctx.now, ctx.timeZone));
  const start = new Date(`${thisMonth}T00:00:00.000Z`);
  start.setUTCMonth(start.getUTCMonth() - (months - 1));
  const since = start.toISOString().slice(0, 10);
  const cells = await queryRows<{ cohort: string; month: string; n: number }>(
    exec,
    sql`SELECT cohort_month::text cohort, month::text, members n FROM cohort_activity
        WHERE guild_id = ${ctx.guildId} AND month >= ${since}::date AND month <= ${thisMonth}::date ORDER BY 1, 2`,
  );
  // Monthly actives: every active member has a cohort, so a month's actives are its column's sum.
  const monthly = new Map<string, number>();
  const table = new Map<string, number[]>();
  const monthIndex = (from: string, to: string) => (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
  for (const c of cells) {
    monthly.set(c.month, (monthly.get(c.month) ?? 0) + c.n);
    if (c.cohort < since || c.month < c.cohort) continue;
    let active = table.get(c.cohort);
    if (!active) table.set(c.cohort, (active = []));
    active[monthIndex(c.cohort, c.month)] = c.n;
  }
  const cohorts = [...table.entries()].map(([cohort, sparse]) => {
    const size = sparse[0] ?? 0;
    const active = Array.from({ length: monthIndex(cohort, thisMonth) + 1 }, (_, i) => sparse[i] ?? 0);
    return { cohort, size, active, rates: active.map((n) => (size ? Math.round((n / size) * 1000) / 1000 : 0)) };
  });
  return { monthlyActive: [...monthly.entries()].map(([month, members]) => ({ month, members })), cohorts };
}

export interface StarSettings {
  /** Full weeks in each window compared. */
  windowWeeks: number;
  risingMinEvents: number;
  churnMinEvents: number;
}

export const DEFAULT_STAR_SETTINGS: StarSettings = { windowWeeks: 2, risingMinEvents: 10, churnMinEvents: 10 };

/**
 * Rising stars (most growth: the last `windowWeeks` full weeks against the same span before) and
 * churn risks (active before, silent now). Members who have left are not listed.
 */
export async function stars(exec: Executor, ctx: AnalyticsContext, settings: StarSettings = DEFAULT_STAR_SETTINGS) {
  const { current } = weeksBack(ctx, 1);
  const recentFrom = addDays(current, -7 * settings.windowWeeks);
  const since = addDays(recentFrom, -7 * settings.windowWeeks);
  const signature = await signatureOf(exec, ctx.guildId, sql`SELECT concat_ws(':', count(*), sum(activity)) FROM guild_weekly
    WHERE guild_id = ${ctx.guildId} AND week >= ${since}::date AND week < ${current}::date`);
  const key = `stars|${ctx.guildId}|${since}|${recentFrom}|${current}|${settings.risingMinEvents}|${settings.churnMinEvents}`;
  const { rising, churn } = await answersFor(exec).get(key, signature, () => rankStars(exec, ctx, settings, { since, recentFrom, current }));
  const names = await namesOf(exec, ctx.guildId, [...rising, ...churn]);
  const risingStars = rising.map((m) => ({ ...m, name: names.get(m.userId) ?? null }));
  const churnRisks = churn.map((m) => ({ ...m, name: names.get(m.userId) ?? null }));
  return { windowWeeks: settings.windowWeeks, thresholds: settings, since, recentFrom, until: addDays(current, -1), risingStars, churnRisks };
}

async function rankStars(exec: Executor, ctx: AnalyticsContext, settings: StarSettings, { since, recentFrom, current }: { since: string; recentFrom: string; current: string }) {
  // Ranked and cut in SQL, so only the listed members leave the database (a big guild has tens of
  // thousands of members in the windows).
  const rows = await queryRows<{ list: 'rising' | 'churn'; user_id: string; name: string | null; recent: number; prior: number }>(
    exec,
    sql`WITH windows AS (
          SELECT user_id, COALESCE(sum(activity) FILTER (WHERE week >= ${recentFrom}::date), 0)::int AS recent,
                 COALESCE(sum(activity) FILTER (WHERE week < ${recentFrom}::date), 0)::int AS prior
          FROM member_weekly WHERE guild_id = ${ctx.guildId} AND week >= ${since}::date AND week < ${current}::date
          GROUP BY user_id
        ), gone AS (
          SELECT user_id FROM members WHERE guild_id = ${ctx.guildId} AND left_at IS NOT NULL
        ), rising AS (
          SELECT * FROM windows w WHERE recent >= ${settings.risingMinEvents} AND recent > prior AND NOT EXISTS (SELECT 1 FROM gone g WHERE g.user_id = w.user_id)
          ORDER BY recent - prior DESC, user_id LIMIT 20
        ), churn AS (
          SELECT * FROM windows w WHERE prior >= ${settings.churnMinEvents} AND recent = 0 AND NOT EXISTS (SELECT 1 FROM gone g WHERE g.user_id = w.user_id)
          ORDER BY prior DESC, user_id LIMIT 50
        ), listed AS (
          SELECT 'rising' AS list, * FROM rising UNION ALL SELECT 'churn', * FROM churn
        )
        SELECT l.list, l.user_id::text, COALESCE(m.display_name, m.username) AS name, l.recent, l.prior FROM listed l
        LEFT JOIN members m ON m.guild_id = ${ctx.guildId} AND m.user_id = l.user_id`,
  );
  const byRank = <T extends { userId: string }>(order: (a: T, b: T) => number) => (a: T, b: T) => order(a, b) || (BigInt(a.userId) < BigInt(b.userId) ? -1 : 1);
  const rising = rows
    .filter((m) => m.list === 'rising')
    .map((m) => ({ userId: m.user_id, name: m.name, recent: m.recent, prior: m.prior, growth: m.prior === 0 ? null : Math.round((m.recent / m.prior) * 100) / 100 }))
    .sort(byRank((a, b) => b.recent - b.prior - (a.recent - a.prior)));
  const churn = rows
    .filter((m) => m.list === 'churn')
    .map((m) => ({ userId: m.user_id, name: m.name, recent: m.recent, prior: m.prior }))
    .sort(byRank((a, b) => b.prior - a.prior));
  return { rising, churn };
}

/** A CSV field as csv-stringify writes it: quoted when it holds a comma, a quote or a line break. */
const csvField = (column: SQL) => sql`CASE WHEN ${column} ~ '[",\r\n]' THEN '"' || replace(${column}, '"', '""') || '"' ELSE COALESCE(${column}, '') END`;

/**
 * Every member engaged in a week as CSV (header included), most engaged first. Written by the
 * database in one value: a big guild's week is tens of thousands of rows.
 */
export async function engagementCsv(exec: Executor, ctx: AnalyticsContext, week: string): Promise<string> {
  const [row] = await queryRows<{ body: string | null }>(
    exec,
    sql`SELECT string_agg(concat_ws(',', ${week}::text, w.user_id::text, ${csvField(sql`COALESCE(m.display_name, m.username)`)}, w.messages, w.reactions, w.events_attended,
                                    round(w.voice_seconds / 60.0)::bigint, ${SCORE}),
                          E'\n' ORDER BY ${SCORE} DESC, w.user_id) AS body
        FROM member_weekly w LEFT JOIN members m ON m.guild_id = w.guild_id AND m.user_id = w.user_id
        WHERE w.guild_id = ${ctx.guildId} AND w.week = ${week}::date`,
  );
  return `week,userId,name,messages,reactions,eventsAttended,voiceMinutes,score\n${row?.body ? `${row.body}\n` : ''}`;
}

// The Community page's numbers, read from the aggregates (never the lake): growth, voice, peak
// hours, scheduled events, weekly engagement, monthly actives and cohort retention, rising stars
// and churn risks. Days are the guild's local days.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { localDay, previousDay } from '../milestones/requirements.ts';
import { textArray } from '../db/sql.ts';
import { localWeekdayHour } from './time.ts';

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
  const rows = await queryRows<{ day: string; type: string; n: string }>(
    exec,
    sql`SELECT day::text, event_type AS type, sum(count)::text AS n FROM event_counters_daily
        WHERE guild_id = ${ctx.guildId} AND side = 'actor' AND event_type IN ('member_join', 'member_leave') AND day >= ${range[0]}::date
        GROUP BY 1, 2`,
  );
  const byDay = new Map(range.map((d) => [d, { day: d, joins: 0, leaves: 0, net: 0 }]));
  for (const r of rows) {
    const d = byDay.get(r.day);
    if (!d) continue;
    if (r.type === 'member_join') d.joins += Number(r.n);
    else d.leaves += Number(r.n);
    d.net = d.joins - d.leaves;
  }
  // Members now come from the members table (kept by the bot and by join/leave events); 30 days
  // ago is now minus the net growth of the 30 local days up to today, so the two agree with the chart.
  const since30 = daysBack(ctx, 30)[0]!;
  const [size] = await queryRows<{ now: number; net30: number }>(
    exec,
    sql`SELECT (SELECT count(*)::int FROM members WHERE guild_id = ${ctx.guildId} AND NOT is_bot AND left_at IS NULL) AS now,
               (SELECT COALESCE(sum(CASE WHEN event_type = 'member_join' THEN count ELSE -count END), 0)::int FROM event_counters_daily
                 WHERE guild_id = ${ctx.guildId} AND side = 'actor' AND event_type IN ('member_join', 'member_leave') AND day >= ${since30}::date) AS net30`,
  );
  const now = size?.now ?? 0;
  return { days: [...byDay.values()], members: { now, thirtyDaysAgo: Math.max(0, now - (size?.net30 ?? 0)), netLast30Days: size?.net30 ?? 0 } };
}

export async function voice(exec: Executor, ctx: AnalyticsContext, days: number) {
  const range = daysBack(ctx, days);
  const perDay = await queryRows<{ day: string; s: string; a: string; n: string; an: string }>(
    exec,
    sql`SELECT day::text, sum(seconds)::text s, sum(afk_seconds)::text a, sum(sessions)::text n, sum(afk_sessions)::text an
        FROM voice_daily WHERE guild_id = ${ctx.guildId} AND day >= ${range[0]}::date GROUP BY 1`,
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
    sql`SELECT v.user_id::text, m.display_name AS name, sum(v.seconds)::text s FROM voice_daily v
        LEFT JOIN members m ON m.guild_id = v.guild_id AND m.user_id = v.user_id
        WHERE v.guild_id = ${ctx.guildId} AND v.day >= ${range[0]}::date GROUP BY v.user_id, m.display_name HAVING sum(v.seconds) > 0
        ORDER BY sum(v.seconds) DESC, v.user_id LIMIT 10`,
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
  const rows = await queryRows<{ hour: string; n: string }>(
    exec,
    sql`SELECT hour::text, sum(count)::text n FROM activity_hourly
        WHERE guild_id = ${ctx.guildId} AND hour >= ${since}::timestamptz AND event_type = ANY(${textArray(PEAK_ACTIVITY)}) GROUP BY 1`,
  );
  // weekday (0 = Sunday) × hour, in the guild's time zone
  const grid = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  for (const r of rows) {
    const { weekday, hour } = localWeekdayHour(Date.parse(r.hour), ctx.timeZone);
    grid[weekday]![hour]! += Number(r.n);
  }
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

/** Monday of a day's ISO week. */
export function weekOf(day: string): string {
  const d = new Date(`${day}T00:00:00.000Z`);
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
}

export async function engagement(exec: Executor, ctx: AnalyticsContext, weeks: number) {
  const firstWeek = weekOf(daysBack(ctx, weeks * 7)[0]!);
  const counters = await queryRows<{ user_id: string; day: string; type: string; n: number }>(
    exec,
    sql`SELECT user_id::text, day::text, event_type AS type, count AS n FROM event_counters_daily
        WHERE guild_id = ${ctx.guildId} AND side = 'actor' AND day >= ${firstWeek}::date
          AND event_type IN ('message_create', 'reaction_add', 'scheduled_event_attend')`,
  );
  const voiceRows = await queryRows<{ user_id: string; day: string; s: string }>(
    exec,
    sql`SELECT user_id::text, day::text, seconds::text s FROM voice_daily WHERE guild_id = ${ctx.guildId} AND day >= ${firstWeek}::date AND seconds > 0`,
  );
  const rows = new Map<string, { userId: string; week: string; voiceMinutes: number; messages: number; reactions: number; eventsAttended: number }>();
  const row = (userId: string, day: string) => {
    const week = weekOf(day);
    const key = `${userId}|${week}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { userId, week, voiceMinutes: 0, messages: 0, reactions: 0, eventsAttended: 0 }));
    return r;
  };
  for (const c of counters) {
    const r = row(c.user_id, c.day);
    if (c.type === 'message_create') r.messages += c.n;
    else if (c.type === 'reaction_add') r.reactions += c.n;
    else r.eventsAttended += c.n;
  }
  for (const v of voiceRows) row(v.user_id, v.day).voiceMinutes += Number(v.s) / 60;
  const list = [...rows.values()].map((r) => ({ ...r, voiceMinutes: Math.round(r.voiceMinutes) })).sort((a, b) => (a.week < b.week ? -1 : a.week > b.week ? 1 : a.userId < b.userId ? -1 : 1));
  // Distribution of the latest full week's engagement (messages + reactions + events + voice hours).
  const score = (r: (typeof list)[number]) => r.messages + r.reactions + r.eventsAttended + Math.floor(r.voiceMinutes / 60);
  const buckets = [0, 1, 5, 10, 25, 50, 100];
  const lastWeek = list.length ? list[list.length - 1]!.week : null;
  const distribution = buckets.map((min, i) => ({
    min, max: buckets[i + 1] ? buckets[i + 1]! - 1 : null,
    members: list.filter((r) => r.week === lastWeek && score(r) >= min && (buckets[i + 1] === undefined || score(r) < buckets[i + 1]!)).length,
  }));
  return { weeks: list, distribution: { week: lastWeek, buckets: distribution } };
}

export async function retention(exec: Executor, ctx: AnalyticsContext, months: number) {
  const thisMonth = `${localDay(ctx.now, ctx.timeZone).slice(0, 7)}-01`;
  const start = new Date(`${thisMonth}T00:00:00.000Z`);
  start.setUTCMonth(start.getUTCMonth() - (months - 1));
  const since = start.toISOString().slice(0, 10);
  const active = await queryRows<{ month: string; n: number }>(
    exec,
    sql`SELECT month::text, count(*)::int n FROM member_activity_monthly WHERE guild_id = ${ctx.guildId} AND month >= ${since}::date GROUP BY 1 ORDER BY 1`,
  );
  // A member's cohort: the month they first joined (member_join counters survive the lake's
  // retention), else the join time the members table knows, else their first active month.
  const cohorts = await queryRows<{ cohort: string; month: string; n: number }>(
    exec,
    sql`WITH active AS (
          SELECT user_id, min(month) AS first_month FROM member_activity_monthly WHERE guild_id = ${ctx.guildId} GROUP BY 1
        ), joined AS (
          SELECT user_id, min(day) AS first_day FROM event_counters_daily
          WHERE guild_id = ${ctx.guildId} AND side = 'actor' AND event_type = 'member_join' GROUP BY 1
        ), first AS (
          SELECT a.user_id,
                 COALESCE(date_trunc('month', j.first_day)::date, date_trunc('month', (m.joined_at AT TIME ZONE ${ctx.timeZone}))::date, a.first_month) AS cohort
          FROM active a LEFT JOIN joined j ON j.user_id = a.user_id
          LEFT JOIN members m ON m.guild_id = ${ctx.guildId} AND m.user_id = a.user_id
        )
        SELECT f.cohort::text, a.month::text, count(*)::int n FROM first f
        JOIN member_activity_monthly a ON a.guild_id = ${ctx.guildId} AND a.user_id = f.user_id AND a.month >= f.cohort
        WHERE f.cohort >= ${since}::date GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const table = new Map<string, { cohort: string; size: number; active: number[] }>();
  const monthIndex = (from: string, to: string) => (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
  for (const c of cohorts) {
    let row = table.get(c.cohort);
    if (!row) table.set(c.cohort, (row = { cohort: c.cohort, size: 0, active: [] }));
    const i = monthIndex(c.cohort, c.month);
    row.active[i] = c.n;
  }
  const rows = [...table.values()].map((r) => {
    const size = r.active[0] ?? 0;
    const span = monthIndex(r.cohort, thisMonth) + 1;
    const active = Array.from({ length: span }, (_, i) => r.active[i] ?? 0);
    return { cohort: r.cohort, size, active, rates: active.map((n) => (size ? Math.round((n / size) * 1000) / 1000 : 0)) };
  });
  return { monthlyActive: active.map((a) => ({ month: a.month, members: a.n })), cohorts: rows };
}

export interface StarSettings {
  windowDays: number;
  risingMinEvents: number;
  churnMinEvents: number;
}

export const DEFAULT_STAR_SETTINGS: StarSettings = { windowDays: 14, risingMinEvents: 10, churnMinEvents: 10 };

/** Rising stars (most growth, last window vs the one before) and churn risks (active before, quiet now). */
export async function stars(exec: Executor, ctx: AnalyticsContext, settings: StarSettings = DEFAULT_STAR_SETTINGS) {
  const range = daysBack(ctx, settings.windowDays * 2);
  const recentFrom = range[settings.windowDays]!;
  const rows = await queryRows<{ user_id: string; name: string | null; recent: string; prior: string }>(
    exec,
    sql`SELECT c.user_id::text, m.display_name AS name,
               COALESCE(sum(c.count) FILTER (WHERE c.day >= ${recentFrom}::date), 0)::text recent,
               COALESCE(sum(c.count) FILTER (WHERE c.day < ${recentFrom}::date), 0)::text prior
        FROM event_counters_daily c LEFT JOIN members m ON m.guild_id = c.guild_id AND m.user_id = c.user_id
        WHERE c.guild_id = ${ctx.guildId} AND c.side = 'actor' AND c.day >= ${range[0]}::date
          AND c.event_type NOT IN ('member_join', 'member_leave')
          AND (m.left_at IS NULL)
        GROUP BY 1, 2`,
  );
  const members = rows.map((r) => ({ userId: r.user_id, name: r.name, recent: Number(r.recent), prior: Number(r.prior) }));
  const rising = members
    .filter((m) => m.recent >= settings.risingMinEvents && m.recent > m.prior)
    .map((m) => ({ ...m, growth: m.prior === 0 ? null : Math.round((m.recent / m.prior) * 100) / 100 }))
    .sort((a, b) => b.recent - b.prior - (a.recent - a.prior) || (a.userId < b.userId ? -1 : 1))
    .slice(0, 20);
  const churn = members
    .filter((m) => m.prior >= settings.churnMinEvents && m.recent === 0)
    .sort((a, b) => b.prior - a.prior || (a.userId < b.userId ? -1 : 1))
    .slice(0, 50);
  return { windowDays: settings.windowDays, thresholds: settings, since: range[0], recentFrom, risingStars: rising, churnRisks: churn };
}

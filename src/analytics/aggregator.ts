// Keeps the analytics aggregates current inside each batch's transaction, from the events that were
// new to the lake. Every Community chart reads these rollups, never the lake, so a page costs the
// same for a guild of 50 members or 50,000:
//   activity_hourly    events per UTC hour and type (peak hours)
//   activity_daily     events per local day and type (growth)
//   voice_daily        voice time per member and local day (sessions split at local midnight, AFK apart)
//   voice_guild_daily  the same per guild and day
//   scheduled_event_stats  attendance per scheduled event
//   scheduled_event_attendance  each member's minutes at a scheduled event, and whether on time
//   presence_hourly, presence_daily  online time per UTC hour, and per member and local day
//   member_weekly      engagement per member and local ISO week; guild_weekly its sums and actives
//   member_activity_monthly, member_cohorts, cohort_activity  monthly actives and cohort retention
//   members            latest join and leave
// Rows that are new (a member's first event of a week or month) are told apart from updates by
// `xmax = 0` in RETURNING, so the per-guild counts of active members stay exact under concurrency.
import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.ts';
import type { LakeEvent } from '../events/lake-event.ts';
import type { StoredEvent } from '../events/lake-writer.ts';
import { localDay } from '../milestones/requirements.ts';
import type { EventProcessor, LateWrites } from '../pipeline/ingest.ts';
import type { ConfigStore } from '../rules/config-store.ts';
import { monthOf, nextLocalMidnight, weekOf } from './time.ts';

export { weekOf } from './time.ts';

const HOUR_MS = 3_600_000;

/**
 * Sessions' seconds per UTC hour ([start, end) cut at each hour), summed over a batch. A session may
 * last a year (config/ranges.ts), so the whole hours inside sessions are counted by a sweep over the
 * batch (+1 where a run of whole hours starts, -1 after it ends) rather than hour by hour per session:
 * 1,000 year-long sessions cost one pass over their span, not 8.8 million steps.
 */
export class HourlySeconds {
  readonly #partial = new Map<number, number>();
  readonly #runs = new Map<number, number>();

  add(startMs: number, endMs: number): void {
    if (!(endMs > startMs)) return;
    const first = Math.floor(startMs / HOUR_MS) * HOUR_MS;
    const last = Math.floor(endMs / HOUR_MS) * HOUR_MS;
    if (first === last) return this.#addPartial(first, endMs - startMs);
    this.#addPartial(first, first + HOUR_MS - startMs);
    this.#addPartial(last, endMs - last);
    if (last > first + HOUR_MS) {
      this.#runs.set(first + HOUR_MS, (this.#runs.get(first + HOUR_MS) ?? 0) + 1);
      this.#runs.set(last, (this.#runs.get(last) ?? 0) - 1);
    }
  }

  #addPartial(hour: number, ms: number): void {
    const seconds = Math.round(ms / 1000);
    if (seconds > 0) this.#partial.set(hour, (this.#partial.get(hour) ?? 0) + seconds);
  }

  /** Seconds per hour (ISO timestamps of the hour's start), in time order. */
  rows(): { h: string; s: number }[] {
    const totals = new Map(this.#partial);
    const marks = [...this.#runs.keys()].sort((a, b) => a - b);
    let open = 0;
    for (const [k, mark] of marks.entries()) {
      open += this.#runs.get(mark)!;
      const until = marks[k + 1];
      if (open > 0 && until !== undefined) for (let hour = mark; hour < until; hour += HOUR_MS) totals.set(hour, (totals.get(hour) ?? 0) + open * 3600);
    }
    return [...totals.entries()].sort(([a], [b]) => a - b).filter(([, s]) => s > 0).map(([h, s]) => ({ h: new Date(h).toISOString(), s }));
  }
}

/** One session's seconds per UTC hour (HourlySeconds for one session). */
export function splitByHour(startMs: number, endMs: number): { hour: string; seconds: number }[] {
  const hours = new HourlySeconds();
  hours.add(startMs, endMs);
  return hours.rows().map((r) => ({ hour: r.h, seconds: r.s }));
}

/** A voice session's seconds per local day: [start, end) cut at each local midnight. */
export function splitByLocalDay(startMs: number, endMs: number, timeZone: string): { day: string; seconds: number }[] {
  const out: { day: string; seconds: number }[] = [];
  let from = startMs;
  for (let guard = 0; from < endMs && guard < 400; guard++) {
    const boundary = Math.min(nextLocalMidnight(from, timeZone), endMs);
    const seconds = Math.round((boundary - from) / 1000);
    if (seconds > 0) out.push({ day: localDay(new Date(from), timeZone), seconds });
    from = boundary;
  }
  return out;
}

const MEMBERSHIP = new Set(['member_join', 'member_leave']);
/** Being somewhere is not taking part: joins, leaves and presence are not engagement. */
const NOT_ENGAGEMENT = new Set(['member_join', 'member_leave', 'presence_session_end']);

interface VoiceCell { s: number; a: number; n: number; an: number }
interface WeekCell { m: number; r: number; e: number; v: number; x: number }

function cell<T>(map: Map<string, T>, key: string, make: () => T): T {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

const sorted = <T,>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** The rows one batch adds to each aggregate (pure; keys sorted so upserts lock in a stable order). */
export function aggregateRows(events: LakeEvent[], timeZone: string) {
  const hourly = new Map<string, number>();
  const daily = new Map<string, number>();
  const voice = new Map<string, VoiceCell>();
  const voiceGuild = new Map<string, VoiceCell>();
  const attendance = new Map<string, { n: number; m: number; o: number; first: string; last: string }>();
  const attendees = new Map<string, { m: number; n: number; o: boolean; first: string; last: string }>();
  const weekly = new Map<string, WeekCell>();
  const presenceHours = new HourlySeconds();
  const presence = new Map<string, { s: number; n: number }>();
  const monthly = new Map<string, number>();
  const cohorts = new Map<string, string>();
  const membership = new Map<string, { j: string | null; l: string | null }>();
  const zeroVoice = (): VoiceCell => ({ s: 0, a: 0, n: 0, an: 0 });
  const zeroWeek = (): WeekCell => ({ m: 0, r: 0, e: 0, v: 0, x: 0 });

  for (const e of events) {
    const at = Date.parse(e.occurred_at);
    const day = localDay(e.occurred_at, timeZone);
    const hour = new Date(Math.floor(at / 3_600_000) * 3_600_000).toISOString();
    hourly.set(`${hour}|${e.type}`, (hourly.get(`${hour}|${e.type}`) ?? 0) + 1);
    daily.set(`${day}|${e.type}`, (daily.get(`${day}|${e.type}`) ?? 0) + 1);

    if (MEMBERSHIP.has(e.type)) {
      const row = cell(membership, e.actor_id, () => ({ j: null as string | null, l: null as string | null }));
      if (e.type === 'member_join' && (row.j === null || at > Date.parse(row.j))) row.j = e.occurred_at;
      if (e.type === 'member_leave' && (row.l === null || at > Date.parse(row.l))) row.l = e.occurred_at;
    }
    // A month counts as active, and places the member in a cohort, for anything but leaving (or
    // merely being online).
    if (e.type !== 'member_leave' && e.type !== 'presence_session_end') {
      const month = monthOf(day);
      monthly.set(`${e.actor_id}|${month}`, (monthly.get(`${e.actor_id}|${month}`) ?? 0) + 1);
      const cohort = cohorts.get(e.actor_id);
      if (cohort === undefined || month < cohort) cohorts.set(e.actor_id, month);
    }
    // Weekly engagement: what the member did, joining, leaving and presence aside.
    if (!NOT_ENGAGEMENT.has(e.type)) {
      const w = cell(weekly, `${weekOf(day)}|${e.actor_id}`, zeroWeek);
      w.x++;
      if (e.type === 'message_create') w.m++;
      else if (e.type === 'reaction_add') w.r++;
      else if (e.type === 'scheduled_event_attend') w.e++;
    }

    if (e.type === 'voice_session_end') {
      const duration = Math.max(0, Number(e.data.duration_seconds) || 0);
      const startedAt = typeof e.data.started_at === 'string' ? Date.parse(e.data.started_at) : at - duration * 1000;
      const afk = e.data.is_afk === true;
      // As for presence below: a session lasts its duration, whatever an earlier started_at says.
      const parts = splitByLocalDay(Math.min(Math.max(Number.isNaN(startedAt) ? at : startedAt, at - duration * 1000), at), at, timeZone);
      if (!parts.some((p) => p.day === day)) parts.push({ day, seconds: 0 });
      for (const p of parts) {
        for (const v of [cell(voice, `${e.actor_id}|${p.day}`, zeroVoice), cell(voiceGuild, p.day, zeroVoice)]) {
          if (afk) v.a += p.seconds;
          else v.s += p.seconds;
          // A session counts on the day it ended.
          if (p.day === day) {
            if (afk) v.an++;
            else v.n++;
          }
        }
        if (!afk && p.seconds > 0) cell(weekly, `${weekOf(p.day)}|${e.actor_id}`, zeroWeek).v += p.seconds;
      }
    }
    if (e.type === 'presence_session_end') {
      const duration = Math.max(0, Number(e.data.duration_seconds) || 0);
      const startedAt = typeof e.data.started_at === 'string' ? Date.parse(e.data.started_at) : at - duration * 1000;
      // A session lasts its duration (at most a year): a started_at further back is not believed, so a
      // batch of 1,000 sessions writes at most a year of hours.
      const from = Math.min(Math.max(Number.isNaN(startedAt) ? at : startedAt, at - duration * 1000), at);
      presenceHours.add(from, at);
      const parts = splitByLocalDay(from, at, timeZone);
      if (!parts.some((p) => p.day === day)) parts.push({ day, seconds: 0 });
      for (const p of parts) {
        const c = cell(presence, `${e.actor_id}|${p.day}`, () => ({ s: 0, n: 0 }));
        c.s += p.seconds;
        if (p.day === day) c.n++;
      }
    }
    if (e.type === 'scheduled_event_attend') {
      const a = cell(attendance, String(e.data.scheduled_event_id), () => ({ n: 0, m: 0, o: 0, first: e.occurred_at, last: e.occurred_at }));
      a.n++;
      a.m += Math.trunc(Number(e.data.minutes_present) || 0);
      if (e.data.joined_on_time === true) a.o++;
      if (at < Date.parse(a.first)) a.first = e.occurred_at;
      if (at > Date.parse(a.last)) a.last = e.occurred_at;
      const p = cell(attendees, `${String(e.data.scheduled_event_id)}|${e.actor_id}`, () => ({ m: 0, n: 0, o: false, first: e.occurred_at, last: e.occurred_at }));
      p.n++;
      p.m = Math.round((p.m + Math.max(0, Number(e.data.minutes_present) || 0)) * 10) / 10;
      p.o ||= e.data.joined_on_time === true;
      if (at < Date.parse(p.first)) p.first = e.occurred_at;
      if (at > Date.parse(p.last)) p.last = e.occurred_at;
    }
  }

  const weekTotals = new Map<string, WeekCell>();
  for (const [key, w] of weekly) {
    const t = cell(weekTotals, key.slice(0, 10), zeroWeek);
    t.m += w.m;
    t.r += w.r;
    t.e += w.e;
    t.v += w.v;
    t.x += w.x;
  }
  const split = (key: string) => key.split('|') as [string, string];
  return {
    hourly: sorted(hourly).map(([k, n]) => ({ h: split(k)[0], t: split(k)[1], n })),
    daily: sorted(daily).map(([k, n]) => ({ d: split(k)[0], t: split(k)[1], n })),
    voice: sorted(voice).map(([k, v]) => ({ u: split(k)[0], d: split(k)[1], ...v })),
    voiceGuild: sorted(voiceGuild).map(([d, v]) => ({ d, ...v })),
    attendance: sorted(attendance).map(([e, a]) => ({ e, ...a })),
    attendees: sorted(attendees).map(([k, a]) => ({ e: split(k)[0], u: split(k)[1], ...a })),
    presenceHours: presenceHours.rows(),
    presence: sorted(presence).map(([k, p]) => ({ u: split(k)[0], d: split(k)[1], ...p })),
    weekly: sorted(weekly).map(([k, w]) => ({ w: split(k)[0], u: split(k)[1], ...w })),
    weekTotals: sorted(weekTotals).map(([w, t]) => ({ w, ...t })),
    monthly: sorted(monthly).map(([k, n]) => ({ u: split(k)[0], m: split(k)[1], n })),
    cohorts: sorted(cohorts).map(([u, c]) => ({ u, c })),
    membership: sorted(membership).map(([u, m]) => ({ u, ...m })),
  };
}

const json = (rows: unknown[]) => JSON.stringify(rows);

export class AnalyticsAggregator implements EventProcessor {
  constructor(private readonly configs: ConfigStore) {}

  async process(tx: Tx, events: StoredEvent[], late?: LateWrites): Promise<void> {
    const byGuild = new Map<string, LakeEvent[]>();
    for (const s of events) cell(byGuild, s.event.guild_id, () => [] as LakeEvent[]).push(s.event);
    for (const guildId of [...byGuild.keys()].sort()) {
      const config = await this.configs.get(guildId, tx);
      const write = writeAggregates(tx, guildId, aggregateRows(byGuild.get(guildId)!, config.timezone));
      if (late) late.add(write);
      else await write;
    }
  }
}

/** Adds one batch's rows to every aggregate of a guild, in one statement. */
export async function writeAggregates(tx: Tx, guildId: string, rows: ReturnType<typeof aggregateRows>): Promise<void> {
  // Sent at the call (queryRows), before the caller goes on: the ingest sends it with COMMIT.
  await queryRows(tx, sql`
    WITH hourly AS (
      INSERT INTO activity_hourly AS a (guild_id, hour, event_type, count)
      SELECT ${guildId}, h, t, n FROM json_to_recordset(${json(rows.hourly)}::json) AS v(h timestamptz, t text, n int)
      ON CONFLICT (guild_id, hour, event_type) DO UPDATE SET count = a.count + excluded.count
      RETURNING 1
    ), daily AS (
      INSERT INTO activity_daily AS a (guild_id, day, event_type, count)
      SELECT ${guildId}, d, t, n FROM json_to_recordset(${json(rows.daily)}::json) AS v(d date, t text, n int)
      ON CONFLICT (guild_id, day, event_type) DO UPDATE SET count = a.count + excluded.count
      RETURNING 1
    ), voice AS (
      INSERT INTO voice_daily AS a (guild_id, user_id, day, seconds, afk_seconds, sessions, afk_sessions)
      SELECT ${guildId}, u, d, s, a, n, an FROM json_to_recordset(${json(rows.voice)}::json) AS v(u bigint, d date, s bigint, a bigint, n int, an int)
      ON CONFLICT (guild_id, user_id, day) DO UPDATE SET seconds = a.seconds + excluded.seconds, afk_seconds = a.afk_seconds + excluded.afk_seconds,
        sessions = a.sessions + excluded.sessions, afk_sessions = a.afk_sessions + excluded.afk_sessions
      RETURNING 1
    ), voice_guild AS (
      INSERT INTO voice_guild_daily AS a (guild_id, day, seconds, afk_seconds, sessions, afk_sessions)
      SELECT ${guildId}, d, s, a, n, an FROM json_to_recordset(${json(rows.voiceGuild)}::json) AS v(d date, s bigint, a bigint, n int, an int)
      ON CONFLICT (guild_id, day) DO UPDATE SET seconds = a.seconds + excluded.seconds, afk_seconds = a.afk_seconds + excluded.afk_seconds,
        sessions = a.sessions + excluded.sessions, afk_sessions = a.afk_sessions + excluded.afk_sessions
      RETURNING 1
    ), attendance AS (
      INSERT INTO scheduled_event_stats AS a (guild_id, scheduled_event_id, attendees, minutes_present, on_time, first_at, last_at)
      SELECT ${guildId}, e, n, m, o, first, last FROM json_to_recordset(${json(rows.attendance)}::json) AS v(e bigint, n int, m bigint, o int, first timestamptz, last timestamptz)
      ON CONFLICT (guild_id, scheduled_event_id) DO UPDATE SET attendees = a.attendees + excluded.attendees, minutes_present = a.minutes_present + excluded.minutes_present,
        on_time = a.on_time + excluded.on_time, first_at = LEAST(a.first_at, excluded.first_at), last_at = GREATEST(a.last_at, excluded.last_at)
      RETURNING 1
    ), attendees AS (
      INSERT INTO scheduled_event_attendance AS a (guild_id, scheduled_event_id, user_id, minutes_present, sessions, on_time, first_at, last_at)
      SELECT ${guildId}, e, u, m, n, o, first, last FROM json_to_recordset(${json(rows.attendees)}::json) AS v(e bigint, u bigint, m numeric, n int, o boolean, first timestamptz, last timestamptz)
      ON CONFLICT (guild_id, scheduled_event_id, user_id) DO UPDATE SET minutes_present = a.minutes_present + excluded.minutes_present, sessions = a.sessions + excluded.sessions,
        on_time = a.on_time OR excluded.on_time, first_at = LEAST(a.first_at, excluded.first_at), last_at = GREATEST(a.last_at, excluded.last_at)
      RETURNING 1
    ), presence_hours AS (
      INSERT INTO presence_hourly AS a (guild_id, hour, seconds)
      SELECT ${guildId}, h, s FROM json_to_recordset(${json(rows.presenceHours)}::json) AS v(h timestamptz, s bigint)
      ON CONFLICT (guild_id, hour) DO UPDATE SET seconds = a.seconds + excluded.seconds
      RETURNING 1
    ), presence AS (
      INSERT INTO presence_daily AS a (guild_id, user_id, day, seconds, sessions)
      SELECT ${guildId}, u, d, s, n FROM json_to_recordset(${json(rows.presence)}::json) AS v(u bigint, d date, s bigint, n int)
      ON CONFLICT (guild_id, user_id, day) DO UPDATE SET seconds = a.seconds + excluded.seconds, sessions = a.sessions + excluded.sessions
      RETURNING 1
    ), weekly AS (
      INSERT INTO member_weekly AS a (guild_id, week, user_id, messages, reactions, events_attended, voice_seconds, activity)
      SELECT ${guildId}, w, u, m, r, e, v, x FROM json_to_recordset(${json(rows.weekly)}::json) AS v(w date, u bigint, m int, r int, e int, v bigint, x int)
      ON CONFLICT (guild_id, week, user_id) DO UPDATE SET messages = a.messages + excluded.messages, reactions = a.reactions + excluded.reactions,
        events_attended = a.events_attended + excluded.events_attended, voice_seconds = a.voice_seconds + excluded.voice_seconds, activity = a.activity + excluded.activity
      RETURNING week, (xmax = 0) AS fresh
    ), guild_weeks AS (
      INSERT INTO guild_weekly AS a (guild_id, week, active_members, messages, reactions, events_attended, voice_seconds, activity)
      SELECT ${guildId}, t.w, COALESCE(f.n, 0), t.m, t.r, t.e, t.v, t.x
      FROM json_to_recordset(${json(rows.weekTotals)}::json) AS t(w date, m int, r int, e int, v bigint, x int)
      LEFT JOIN (SELECT week, count(*) FILTER (WHERE fresh)::int AS n FROM weekly GROUP BY week) f ON f.week = t.w
      ORDER BY t.w
      ON CONFLICT (guild_id, week) DO UPDATE SET active_members = a.active_members + excluded.active_members, messages = a.messages + excluded.messages,
        reactions = a.reactions + excluded.reactions, events_attended = a.events_attended + excluded.events_attended, voice_seconds = a.voice_seconds + excluded.voice_seconds,
        activity = a.activity + excluded.activity
      RETURNING 1
    ), batch_cohorts AS (
      SELECT u, c FROM json_to_recordset(${json(rows.cohorts)}::json) AS v(u bigint, c date)
    ), cohorts AS (
      INSERT INTO member_cohorts (guild_id, user_id, cohort_month)
      SELECT ${guildId}, u, c FROM batch_cohorts ORDER BY u
      ON CONFLICT (guild_id, user_id) DO NOTHING
      RETURNING user_id, cohort_month
    ), monthly AS (
      INSERT INTO member_activity_monthly AS a (guild_id, user_id, month, events)
      SELECT ${guildId}, u, m, n FROM json_to_recordset(${json(rows.monthly)}::json) AS v(u bigint, m date, n int)
      ON CONFLICT (guild_id, user_id, month) DO UPDATE SET events = a.events + excluded.events
      RETURNING user_id, month, (xmax = 0) AS fresh
    ), cohort_cells AS (
      -- A member's first event of a month adds them to their cohort's cell for that month. Their
      -- cohort is the one stored before this statement, or the one this statement stores (or, if a
      -- concurrent batch stored it a moment ago, this batch's first month of theirs).
      INSERT INTO cohort_activity AS a (guild_id, cohort_month, month, members)
      SELECT ${guildId}, COALESCE(o.cohort_month, n.cohort_month, b.c), m.month, count(*)::int
      FROM monthly m
      LEFT JOIN member_cohorts o ON o.guild_id = ${guildId} AND o.user_id = m.user_id
      LEFT JOIN cohorts n ON n.user_id = m.user_id
      LEFT JOIN batch_cohorts b ON b.u = m.user_id
      WHERE m.fresh
      GROUP BY 2, 3 ORDER BY 2, 3
      ON CONFLICT (guild_id, cohort_month, month) DO UPDATE SET members = a.members + excluded.members
      RETURNING 1
    ), membership AS (
      -- The latest join and leave win, whatever order they arrive in: a member is gone when
      -- their last leave is at or after their last join.
      INSERT INTO members AS m (guild_id, user_id, joined_at, left_at, updated_at)
      SELECT ${guildId}, u, j, CASE WHEN j IS NULL OR l >= j THEN l END, now()
      FROM json_to_recordset(${json(rows.membership)}::json) AS v(u bigint, j timestamptz, l timestamptz)
      ON CONFLICT (guild_id, user_id) DO UPDATE SET
        joined_at = GREATEST(m.joined_at, excluded.joined_at),
        left_at = CASE WHEN GREATEST(m.joined_at, excluded.joined_at) IS NULL OR GREATEST(m.left_at, excluded.left_at) >= GREATEST(m.joined_at, excluded.joined_at)
                       THEN GREATEST(m.left_at, excluded.left_at) END,
        updated_at = now()
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM hourly) + (SELECT count(*) FROM daily) + (SELECT count(*) FROM voice) + (SELECT count(*) FROM voice_guild)
         + (SELECT count(*) FROM attendance) + (SELECT count(*) FROM attendees) + (SELECT count(*) FROM presence_hours) + (SELECT count(*) FROM presence) + (SELECT count(*) FROM guild_weeks) + (SELECT count(*) FROM cohort_cells) + (SELECT count(*) FROM membership) AS n`);
}

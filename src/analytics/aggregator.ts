// Keeps the analytics aggregates current inside each batch's transaction, from the events that were
// new to the lake: activity per hour, voice time per member and local day (sessions split at local
// midnight, AFK apart), scheduled-event attendance, monthly activity per member, and members' join
// and leave times. Charts read these, never the lake.
import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import type { LakeEvent } from '../events/lake-event.ts';
import type { StoredEvent } from '../events/lake-writer.ts';
import { localDay } from '../milestones/requirements.ts';
import type { EventProcessor } from '../pipeline/ingest.ts';
import type { ConfigStore } from '../rules/config-store.ts';
import { nextLocalMidnight } from './time.ts';

interface VoiceRow {
  u: string;
  d: string;
  s: number;
  a: number;
  n: number;
  an: number;
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

export function aggregateRows(events: LakeEvent[], timeZone: string) {
  const hourly = new Map<string, { h: string; t: string; n: number }>();
  const voice = new Map<string, VoiceRow>();
  const attendance = new Map<string, { e: string; n: number; m: number; o: number; first: string; last: string }>();
  const monthly = new Map<string, { u: string; m: string; n: number }>();
  const membership = new Map<string, { u: string; j: string | null; l: string | null }>();
  for (const e of events) {
    if (e.type === 'member_join' || e.type === 'member_leave') {
      const row = membership.get(e.actor_id) ?? { u: e.actor_id, j: null, l: null };
      if (e.type === 'member_join' && (row.j === null || Date.parse(e.occurred_at) > Date.parse(row.j))) row.j = e.occurred_at;
      if (e.type === 'member_leave' && (row.l === null || Date.parse(e.occurred_at) > Date.parse(row.l))) row.l = e.occurred_at;
      membership.set(e.actor_id, row);
    }
    const at = Date.parse(e.occurred_at);
    const hour = new Date(Math.floor(at / 3_600_000) * 3_600_000).toISOString();
    const hk = `${hour}|${e.type}`;
    const h = hourly.get(hk) ?? { h: hour, t: e.type, n: 0 };
    h.n++;
    hourly.set(hk, h);
    // A month counts as active for a member who did anything but leave.
    if (e.type !== 'member_leave') {
      const month = `${localDay(e.occurred_at, timeZone).slice(0, 7)}-01`;
      const mk = `${e.actor_id}|${month}`;
      const m = monthly.get(mk) ?? { u: e.actor_id, m: month, n: 0 };
      m.n++;
      monthly.set(mk, m);
    }
    if (e.type === 'voice_session_end') {
      const duration = Math.max(0, Number(e.data.duration_seconds) || 0);
      const startedAt = typeof e.data.started_at === 'string' ? Date.parse(e.data.started_at) : at - duration * 1000;
      const afk = e.data.is_afk === true;
      const parts = splitByLocalDay(Math.min(startedAt, at), at, timeZone);
      const endDay = localDay(e.occurred_at, timeZone);
      if (!parts.some((p) => p.day === endDay)) parts.push({ day: endDay, seconds: 0 });
      for (const p of parts) {
        const vk = `${e.actor_id}|${p.day}`;
        const v = voice.get(vk) ?? { u: e.actor_id, d: p.day, s: 0, a: 0, n: 0, an: 0 };
        if (afk) v.a += p.seconds;
        else v.s += p.seconds;
        if (p.day === endDay && afk) v.an++;
        else if (p.day === endDay) v.n++;
        voice.set(vk, v);
      }
    }
    if (e.type === 'scheduled_event_attend') {
      const id = String(e.data.scheduled_event_id);
      const a = attendance.get(id) ?? { e: id, n: 0, m: 0, o: 0, first: e.occurred_at, last: e.occurred_at };
      a.n++;
      a.m += Math.trunc(Number(e.data.minutes_present) || 0);
      if (e.data.joined_on_time === true) a.o++;
      if (e.occurred_at < a.first) a.first = e.occurred_at;
      if (e.occurred_at > a.last) a.last = e.occurred_at;
      attendance.set(id, a);
    }
  }
  const sorted = <T,>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
  return { hourly: sorted(hourly), voice: sorted(voice), attendance: sorted(attendance), monthly: sorted(monthly), membership: sorted(membership) };
}

export class AnalyticsAggregator implements EventProcessor {
  constructor(private readonly configs: ConfigStore) {}

  async process(tx: Tx, events: StoredEvent[]): Promise<void> {
    const byGuild = new Map<string, LakeEvent[]>();
    for (const s of events) {
      const list = byGuild.get(s.event.guild_id);
      if (list) list.push(s.event);
      else byGuild.set(s.event.guild_id, [s.event]);
    }
    for (const guildId of [...byGuild.keys()].sort()) {
      const config = await this.configs.get(guildId, tx);
      const rows = aggregateRows(byGuild.get(guildId)!, config.timezone);
      await tx.execute(sql`
        WITH hourly AS (
          INSERT INTO activity_hourly AS a (guild_id, hour, event_type, count)
          SELECT ${guildId}, h, t, n FROM json_to_recordset(${JSON.stringify(rows.hourly)}::json) AS v(h timestamptz, t text, n int)
          ON CONFLICT (guild_id, hour, event_type) DO UPDATE SET count = a.count + excluded.count
          RETURNING 1
        ), voice AS (
          INSERT INTO voice_daily AS a (guild_id, user_id, day, seconds, afk_seconds, sessions, afk_sessions)
          SELECT ${guildId}, u, d, s, a, n, an FROM json_to_recordset(${JSON.stringify(rows.voice)}::json) AS v(u bigint, d date, s bigint, a bigint, n int, an int)
          ON CONFLICT (guild_id, user_id, day) DO UPDATE SET seconds = a.seconds + excluded.seconds, afk_seconds = a.afk_seconds + excluded.afk_seconds,
            sessions = a.sessions + excluded.sessions, afk_sessions = a.afk_sessions + excluded.afk_sessions
          RETURNING 1
        ), attendance AS (
          INSERT INTO scheduled_event_stats AS a (guild_id, scheduled_event_id, attendees, minutes_present, on_time, first_at, last_at)
          SELECT ${guildId}, e, n, m, o, first, last FROM json_to_recordset(${JSON.stringify(rows.attendance)}::json) AS v(e bigint, n int, m bigint, o int, first timestamptz, last timestamptz)
          ON CONFLICT (guild_id, scheduled_event_id) DO UPDATE SET attendees = a.attendees + excluded.attendees, minutes_present = a.minutes_present + excluded.minutes_present,
            on_time = a.on_time + excluded.on_time, first_at = LEAST(a.first_at, excluded.first_at), last_at = GREATEST(a.last_at, excluded.last_at)
          RETURNING 1
        ), monthly AS (
          INSERT INTO member_activity_monthly AS a (guild_id, user_id, month, events)
          SELECT ${guildId}, u, m, n FROM json_to_recordset(${JSON.stringify(rows.monthly)}::json) AS v(u bigint, m date, n int)
          ON CONFLICT (guild_id, user_id, month) DO UPDATE SET events = a.events + excluded.events
          RETURNING 1
        ), membership AS (
          -- The latest join and leave win, whatever order they arrive in: a member is gone when
          -- their last leave is at or after their last join.
          INSERT INTO members AS m (guild_id, user_id, joined_at, left_at, updated_at)
          SELECT ${guildId}, u, j, CASE WHEN j IS NULL OR l >= j THEN l END, now()
          FROM json_to_recordset(${JSON.stringify(rows.membership)}::json) AS v(u bigint, j timestamptz, l timestamptz)
          ON CONFLICT (guild_id, user_id) DO UPDATE SET
            joined_at = GREATEST(m.joined_at, excluded.joined_at),
            left_at = CASE WHEN GREATEST(m.joined_at, excluded.joined_at) IS NULL OR GREATEST(m.left_at, excluded.left_at) >= GREATEST(m.joined_at, excluded.joined_at)
                           THEN GREATEST(m.left_at, excluded.left_at) END,
            updated_at = now()
          RETURNING 1
        )
        SELECT (SELECT count(*) FROM hourly), (SELECT count(*) FROM voice), (SELECT count(*) FROM attendance), (SELECT count(*) FROM monthly), (SELECT count(*) FROM membership)`);
    }
  }
}

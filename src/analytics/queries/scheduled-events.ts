// Scheduled events with their names, host, times, status and interested count, and their attendance
// (members present in the event's voice or stage channel while it ran, from the
// scheduled_event_attend events the voice tracker emits): the list, and one event with who came.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import type { AnalyticsContext } from './context.ts';

interface EventRow {
  id: string; name: string | null; description: string | null; entity_type: string | null; channel_id: string | null; channel_name: string | null;
  location: string | null; host_id: string | null; host_name: string | null; scheduled_start: string | null; scheduled_end: string | null;
  status: string | null; interested: number | null; deleted: boolean | null; attendees: number | null; minutes: string | null; on_time: number | null;
  first_at: string | null; last_at: string | null;
}

const iso = (t: string | null) => (t === null ? null : new Date(t).toISOString());

function toEvent(r: EventRow) {
  const attendees = r.attendees ?? 0;
  const minutes = Number(r.minutes ?? 0);
  return {
    scheduledEventId: r.id, name: r.name, description: r.description, entityType: r.entity_type, channelId: r.channel_id, channelName: r.channel_name,
    location: r.location, hostId: r.host_id, hostName: r.host_name, scheduledStart: iso(r.scheduled_start), scheduledEnd: iso(r.scheduled_end),
    status: r.status, interested: r.interested ?? 0, deleted: r.deleted ?? false,
    attendees, minutesPresent: minutes, averageMinutes: attendees ? Math.round(minutes / attendees) : 0,
    onTimeRate: attendees ? Math.round(((r.on_time ?? 0) / attendees) * 1000) / 1000 : 0, firstAt: iso(r.first_at), lastAt: iso(r.last_at),
  };
}
export type ScheduledEventSummary = ReturnType<typeof toEvent>;

/** Events Cairn knows (stored from the gateway, or only seen in attendance), latest first. */
function eventRows(ctx: AnalyticsContext, only?: string) {
  const one = (column: string) => (only ? sql`AND ${sql.raw(column)} = ${only}` : sql``);
  return sql`
    WITH attendance AS (
      SELECT scheduled_event_id, count(*)::int AS attendees, sum(minutes_present) AS minutes, count(*) FILTER (WHERE on_time)::int AS on_time,
             min(first_at) AS first_at, max(last_at) AS last_at
      FROM scheduled_event_attendance WHERE guild_id = ${ctx.guildId} ${one('scheduled_event_id')} GROUP BY scheduled_event_id
    ), known AS (
      SELECT * FROM scheduled_events WHERE guild_id = ${ctx.guildId} ${one('scheduled_event_id')}
    )
    SELECT COALESCE(e.scheduled_event_id, a.scheduled_event_id)::text AS id, e.name, e.description, e.entity_type, e.channel_id::text, c.name AS channel_name,
           e.location, e.creator_id::text AS host_id, COALESCE(m.display_name, m.username) AS host_name, e.scheduled_start::text, e.scheduled_end::text,
           e.status, e.user_count AS interested, e.deleted_at IS NOT NULL AS deleted,
           a.attendees, a.minutes::text, a.on_time, a.first_at::text, a.last_at::text
    FROM known e FULL JOIN attendance a ON a.scheduled_event_id = e.scheduled_event_id
    LEFT JOIN guild_channels c ON c.guild_id = ${ctx.guildId} AND c.channel_id = e.channel_id
    LEFT JOIN members m ON m.guild_id = ${ctx.guildId} AND m.user_id = e.creator_id
    ORDER BY COALESCE(e.scheduled_start, a.first_at) DESC, 1 DESC
    LIMIT 200`;
}

export async function scheduledEvents(exec: Executor, ctx: AnalyticsContext) {
  return (await queryRows<EventRow>(exec, eventRows(ctx))).map(toEvent);
}

/** One event and who attended it (most minutes first); null when Cairn knows nothing of it. */
export async function scheduledEvent(exec: Executor, ctx: AnalyticsContext, scheduledEventId: string) {
  const [row] = await queryRows<EventRow>(exec, eventRows(ctx, scheduledEventId));
  if (!row) return null;
  const attendance = await queryRows<{ user_id: string; name: string | null; minutes: string; sessions: number; on_time: boolean; first_at: string; last_at: string }>(
    exec,
    sql`SELECT a.user_id::text, COALESCE(m.display_name, m.username) AS name, a.minutes_present::text minutes, a.sessions, a.on_time, a.first_at::text, a.last_at::text
        FROM scheduled_event_attendance a LEFT JOIN members m ON m.guild_id = a.guild_id AND m.user_id = a.user_id
        WHERE a.guild_id = ${ctx.guildId} AND a.scheduled_event_id = ${scheduledEventId}
        ORDER BY a.minutes_present DESC, a.user_id LIMIT 1000`,
  );
  return {
    ...toEvent(row),
    attendance: attendance.map((a) => ({ userId: a.user_id, name: a.name, minutesPresent: Number(a.minutes), sessions: a.sessions, onTime: a.on_time, firstAt: iso(a.first_at)!, lastAt: iso(a.last_at)! })),
  };
}

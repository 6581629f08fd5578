// Attendance of each scheduled event: attendees, minutes present, on-time rate.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import type { AnalyticsContext } from './context.ts';

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

// Activity by weekday and hour in the guild's time zone.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { textArray } from '../../db/sql.ts';
import type { AnalyticsContext } from './context.ts';

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

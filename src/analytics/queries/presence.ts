// Presence analytics (only with the presence intent): average online session, online time by hour
// of the week in the guild's time zone, and the members online longest. Online means online, idle
// or do not disturb; a session is one stretch in one status (a status change starts a new one).
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { daysBack, type AnalyticsContext } from './context.ts';

export async function presence(exec: Executor, ctx: AnalyticsContext, days: number) {
  const range = daysBack(ctx, days);
  const since = range[0]!;
  const [totals] = await queryRows<{ s: string | null; n: number | null }>(
    exec,
    sql`SELECT sum(seconds)::text s, sum(sessions)::int n FROM presence_daily WHERE guild_id = ${ctx.guildId} AND day >= ${since}::date`,
  );
  // Hours of the local days in range: from the first local midnight (as an instant) on.
  const hours = await queryRows<{ weekday: number; hour: number; s: string }>(
    exec,
    sql`SELECT extract(dow FROM hour AT TIME ZONE ${ctx.timeZone})::int AS weekday, extract(hour FROM hour AT TIME ZONE ${ctx.timeZone})::int AS hour, sum(seconds)::text s
        FROM presence_hourly WHERE guild_id = ${ctx.guildId} AND hour >= (${since}::date::timestamp AT TIME ZONE ${ctx.timeZone}) GROUP BY 1, 2`,
  );
  const grid = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  for (const h of hours) grid[h.weekday]![h.hour]! += Math.round(Number(h.s) / 60);
  const top = await queryRows<{ user_id: string; name: string | null; s: string; n: number }>(
    exec,
    sql`WITH top AS (
          SELECT user_id, sum(seconds) AS s, sum(sessions)::int AS n FROM presence_daily WHERE guild_id = ${ctx.guildId} AND day >= ${since}::date
          GROUP BY user_id HAVING sum(seconds) > 0 ORDER BY sum(seconds) DESC, user_id LIMIT 10
        )
        SELECT t.user_id::text, COALESCE(m.display_name, m.username) AS name, t.s::text s, t.n FROM top t
        LEFT JOIN members m ON m.guild_id = ${ctx.guildId} AND m.user_id = t.user_id
        ORDER BY t.s DESC, t.user_id`,
  );
  const seconds = Number(totals?.s ?? 0);
  const sessions = totals?.n ?? 0;
  return {
    since,
    timeZone: ctx.timeZone,
    sessions,
    onlineMinutes: Math.round(seconds / 60),
    averageSessionMinutes: sessions > 0 ? Math.round((seconds / sessions / 60) * 10) / 10 : null,
    grid,
    top: top.map((t) => ({ userId: t.user_id, name: t.name, minutes: Math.round(Number(t.s) / 60), sessions: t.n })),
  };
}

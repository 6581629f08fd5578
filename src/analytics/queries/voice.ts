// Voice minutes per local day (AFK apart), the average session and the top members by voice time.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { daysBack, type AnalyticsContext } from './context.ts';

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

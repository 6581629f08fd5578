// Joins, leaves and net growth per local day; members now and 30 days ago.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { daysBack, type AnalyticsContext } from './context.ts';

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

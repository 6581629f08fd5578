// Rising stars and churn risks: the last full weeks against the same span before.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { answersFor } from '../answer-cache.ts';
import { addDays, weeksBack, type AnalyticsContext } from './context.ts';
import { namesOf } from './names.ts';
import { signatureOf } from './signature.ts';

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

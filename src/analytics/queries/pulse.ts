// The impact pulse: each member's engagement score this local week (so far) against last week, and
// the guild's (the sum of its members' scores), under the guild's configured weights.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { describeScore, scoreSql, type EngagementWeights } from '../engagement-score.ts';
import { addDays, weeksBack, type AnalyticsContext } from './context.ts';

export interface PulseMember {
  userId: string;
  name: string | null;
  thisWeek: number;
  lastWeek: number;
  change: number;
}

/** Change as a share of last week (0.25 = +25 %); null when last week was 0. */
const rate = (now: number, before: number) => (before === 0 ? null : Math.round(((now - before) / before) * 1000) / 1000);
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Members listed: the `limit` with the highest score either week, most engaged this week first; or
 * only `member` when given (a member with no activity in either week scores 0 and 0).
 */
export async function pulse(exec: Executor, ctx: AnalyticsContext, weights: EngagementWeights, options: { limit?: number; member?: string } = {}) {
  const { current } = weeksBack(ctx, 1);
  const previous = addDays(current, -7);
  const SCORE = scoreSql(weights);
  const memberFilter = options.member ? sql`AND user_id = ${options.member}` : sql``;
  const rows = await queryRows<{ user_id: string; name: string | null; now: string; before: string }>(
    exec,
    sql`WITH scored AS (
          SELECT user_id, week, ${SCORE} AS score FROM member_weekly
          WHERE guild_id = ${ctx.guildId} AND week IN (${current}::date, ${previous}::date) ${memberFilter}
        ), per_member AS (
          SELECT user_id, COALESCE(sum(score) FILTER (WHERE week = ${current}::date), 0) AS now,
                 COALESCE(sum(score) FILTER (WHERE week = ${previous}::date), 0) AS before
          FROM scored GROUP BY user_id
        ), listed AS (
          SELECT * FROM per_member ORDER BY greatest(now, before) DESC, user_id LIMIT ${options.limit ?? 25}
        )
        SELECT l.user_id::text, COALESCE(m.display_name, m.username) AS name, l.now::text, l.before::text FROM listed l
        LEFT JOIN members m ON m.guild_id = ${ctx.guildId} AND m.user_id = l.user_id
        ORDER BY l.now DESC, l.before DESC, l.user_id`,
  );
  const [totals] = await queryRows<{ now: string | null; before: string | null; active_now: number; active_before: number }>(
    exec,
    sql`SELECT sum(${SCORE}) FILTER (WHERE week = ${current}::date)::text AS now, sum(${SCORE}) FILTER (WHERE week = ${previous}::date)::text AS before,
               count(*) FILTER (WHERE week = ${current}::date)::int AS active_now, count(*) FILTER (WHERE week = ${previous}::date)::int AS active_before
        FROM member_weekly WHERE guild_id = ${ctx.guildId} AND week IN (${current}::date, ${previous}::date)`,
  );
  let members: PulseMember[] = rows.map((r) => ({ userId: r.user_id, name: r.name, thisWeek: Number(r.now), lastWeek: Number(r.before), change: round2(Number(r.now) - Number(r.before)) }));
  if (options.member && members.length === 0) members = [{ userId: options.member, name: null, thisWeek: 0, lastWeek: 0, change: 0 }];
  const now = Number(totals?.now ?? 0);
  const before = Number(totals?.before ?? 0);
  return {
    thisWeek: current,
    lastWeek: previous,
    scoring: { weights, formula: describeScore(weights) },
    guild: {
      thisWeek: now, lastWeek: before, change: round2(now - before), changeRate: rate(now, before),
      activeMembers: { thisWeek: totals?.active_now ?? 0, lastWeek: totals?.active_before ?? 0 },
    },
    members,
  };
}

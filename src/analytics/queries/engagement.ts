// Weekly engagement: the guild's totals and actives per week, the distribution of members' scores
// and the most engaged members of one week.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { answersFor } from '../answer-cache.ts';
import { DEFAULT_ENGAGEMENT_WEIGHTS, describeScore, scoreSql, type EngagementWeights } from '../engagement-score.ts';
import { weekOf } from '../time.ts';
import { addDays, weeksBack, type AnalyticsContext } from './context.ts';
import { namesOf } from './names.ts';
import { signatureOf } from './signature.ts';

export const ENGAGEMENT_BUCKETS = [1, 5, 10, 25, 50, 100];

export interface EngagedMember {
  userId: string;
  name: string | null;
  messages: number;
  reactions: number;
  eventsAttended: number;
  voiceMinutes: number;
  score: number;
}

/** The members most engaged in a week, most engaged first. */
export async function topEngaged(exec: Executor, ctx: AnalyticsContext, week: string, limit: number, weights: EngagementWeights = DEFAULT_ENGAGEMENT_WEIGHTS): Promise<EngagedMember[]> {
  const SCORE = scoreSql(weights);
  // Ranked (and cut) before the names are joined: a big guild has tens of thousands of members a week.
  const rows = await queryRows<{ user_id: string; name: string | null; messages: number; reactions: number; events_attended: number; voice_seconds: string; score: string }>(
    exec,
    sql`WITH ranked AS (
          SELECT user_id, messages, reactions, events_attended, voice_seconds, ${SCORE} AS score FROM member_weekly
          WHERE guild_id = ${ctx.guildId} AND week = ${week}::date
          ORDER BY ${SCORE} DESC, user_id LIMIT ${limit}
        )
        SELECT r.user_id::text, COALESCE(m.display_name, m.username) AS name, r.messages, r.reactions, r.events_attended, r.voice_seconds::text, r.score::text
        FROM ranked r LEFT JOIN members m ON m.guild_id = ${ctx.guildId} AND m.user_id = r.user_id
        ORDER BY r.score DESC, r.user_id`,
  );
  return rows.map((r) => ({
    userId: r.user_id, name: r.name, messages: r.messages, reactions: r.reactions, eventsAttended: r.events_attended,
    voiceMinutes: Math.round(Number(r.voice_seconds) / 60), score: Number(r.score),
  }));
}

/**
 * Weekly engagement: the guild's totals and active members per local ISO week (the current week is
 * marked partial), the distribution of members' scores in one week (default: the last full week)
 * and that week's 25 most engaged members.
 */
export async function engagement(exec: Executor, ctx: AnalyticsContext, weeks: number, week?: string, weights: EngagementWeights = DEFAULT_ENGAGEMENT_WEIGHTS) {
  const { current, weeks: mondays } = weeksBack(ctx, weeks);
  const rows = await queryRows<{ week: string; active_members: number; messages: number; reactions: number; events_attended: number; voice_seconds: string }>(
    exec,
    sql`SELECT week::text, active_members, messages, reactions, events_attended, voice_seconds::text FROM guild_weekly
        WHERE guild_id = ${ctx.guildId} AND week >= ${mondays[0]}::date AND week <= ${current}::date`,
  );
  const byWeek = new Map(rows.map((r) => [r.week, r]));
  const series = mondays.map((w) => {
    const r = byWeek.get(w);
    return {
      week: w, partial: w === current, activeMembers: r?.active_members ?? 0, messages: r?.messages ?? 0, reactions: r?.reactions ?? 0,
      eventsAttended: r?.events_attended ?? 0, voiceMinutes: Math.round(Number(r?.voice_seconds ?? 0) / 60),
    };
  });
  const selected = weekOf(week ?? addDays(current, -7));
  const signature = await signatureOf(exec, ctx.guildId, sql`SELECT concat_ws(':', active_members, activity, messages, reactions, events_attended, voice_seconds) FROM guild_weekly
    WHERE guild_id = ${ctx.guildId} AND week = ${selected}::date`);
  const { distribution, top } = await answersFor(exec).get(`engagement|${ctx.guildId}|${selected}|${JSON.stringify(weights)}`, signature, async () => ({
    distribution: await distributionOf(exec, ctx, selected, weights),
    top: await topEngaged(exec, ctx, selected, 25, weights),
  }));
  const names = await namesOf(exec, ctx.guildId, top);
  return { weeks: series, week: selected, scoring: { weights, formula: describeScore(weights) }, distribution, top: top.map((m) => ({ ...m, name: names.get(m.userId) ?? null })) };
}

/** How many members of a week scored in each bucket (one pass over the week's members). */
async function distributionOf(exec: Executor, ctx: AnalyticsContext, week: string, weights: EngagementWeights) {
  const SCORE = scoreSql(weights);
  const bucket = sql.join(
    [...ENGAGEMENT_BUCKETS].map((min, i) => ({ min, i })).reverse().map(({ min, i }) => sql`WHEN score >= ${min} THEN ${i}`),
    sql` `,
  );
  const rows = await queryRows<{ b: number; n: number }>(
    exec,
    sql`SELECT b, count(*)::int n FROM (
          SELECT CASE ${bucket} END AS b FROM (SELECT ${SCORE} AS score FROM member_weekly WHERE guild_id = ${ctx.guildId} AND week = ${week}::date) s
        ) x WHERE b IS NOT NULL GROUP BY b`,
  );
  const counts = new Map(rows.map((r) => [Number(r.b), r.n]));
  return ENGAGEMENT_BUCKETS.map((min, i) => ({ min, max: ENGAGEMENT_BUCKETS[i + 1] === undefined ? null : ENGAGEMENT_BUCKETS[i + 1]! - 1, members: counts.get(i) ?? 0 }));
}

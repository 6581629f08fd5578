// Every member engaged in a week as CSV, written by the database in one value.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import type { AnalyticsContext } from './context.ts';
import { DEFAULT_ENGAGEMENT_WEIGHTS, scoreSql, type EngagementWeights } from '../engagement-score.ts';

/** A CSV field as csv-stringify writes it: quoted when it holds a comma, a quote or a line break. */
const csvField = (column: SQL) => sql`CASE WHEN ${column} ~ '[",\r\n]' THEN '"' || replace(${column}, '"', '""') || '"' ELSE COALESCE(${column}, '') END`;

/**
 * Every member engaged in a week as CSV (header included), most engaged first. Written by the
 * database in one value: a big guild's week is tens of thousands of rows.
 */
export async function engagementCsv(exec: Executor, ctx: AnalyticsContext, week: string, weights: EngagementWeights = DEFAULT_ENGAGEMENT_WEIGHTS): Promise<string> {
  const SCORE = scoreSql(weights, 'w');
  const [row] = await queryRows<{ body: string | null }>(
    exec,
    sql`SELECT string_agg(concat_ws(',', ${week}::text, w.user_id::text, ${csvField(sql`COALESCE(m.display_name, m.username)`)}, w.messages, w.reactions, w.events_attended,
                                    round(w.voice_seconds / 60.0)::bigint, ${SCORE}),
                          E'\n' ORDER BY ${SCORE} DESC, w.user_id) AS body
        FROM member_weekly w LEFT JOIN members m ON m.guild_id = w.guild_id AND m.user_id = w.user_id
        WHERE w.guild_id = ${ctx.guildId} AND w.week = ${week}::date`,
  );
  return `week,userId,name,messages,reactions,eventsAttended,voiceMinutes,score\n${row?.body ? `${row.body}\n` : ''}`;
}

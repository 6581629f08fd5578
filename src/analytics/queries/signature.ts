// Cached answers and what decides they are still good: a cheap fingerprint of the rollup rows an
// answer read and of the members' join and leave state.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { answersFor } from '../answer-cache.ts';

/**
 * A cheap fingerprint of what a cached answer read: the given rollup row(s) and the members' join and
 * leave state (names are looked up afresh for each answer).
 */
export async function signatureOf(exec: Executor, guildId: string, rollup: SQL): Promise<string> {
  const [row] = await queryRows<{ r: string | null; m: string | null }>(
    exec,
    sql`SELECT (${rollup}) AS r,
               (SELECT concat_ws(':', count(*), count(*) FILTER (WHERE left_at IS NOT NULL), max(left_at), max(joined_at)) FROM members WHERE guild_id = ${guildId}) AS m`,
  );
  return `${row?.r ?? ''}|${row?.m ?? ''}`;
}

/** Forgets cached answers (tests that rewrite the rollups behind the aggregator's back). */
export const clearAnalyticsCache = (exec: Executor) => answersFor(exec).clear();

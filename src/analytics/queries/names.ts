// Fresh display names for listed members: a cached answer keeps ids and numbers, names may change.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { bigintArray } from '../../db/sql.ts';

/** Fresh display names of listed members (a cached answer keeps ids and numbers; names may change). */
export async function namesOf(exec: Executor, guildId: string, list: { userId: string }[]): Promise<Map<string, string | null>> {
  if (list.length === 0) return new Map();
  const rows = await queryRows<{ u: string; n: string | null }>(
    exec,
    sql`SELECT user_id::text u, COALESCE(display_name, username) n FROM members WHERE guild_id = ${guildId} AND user_id = ANY(${bigintArray(list.map((m) => m.userId))})`,
  );
  return new Map(rows.map((r) => [r.u, r.n]));
}

// Role ids as the panel shows them: name and colour from the guild's stored roles, highest first.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { isSnowflake } from '../db/snowflake.ts';
import { bigintArray } from '../db/sql.ts';

export interface NamedRole {
  id: string;
  /** null when the role is not in the directory (the bot has not seen it). */
  name: string | null;
  /** RGB as an integer; 0 is "no colour". */
  color: number;
}

/** Looks up the given role ids once; the returned function names a member's roles, highest first. */
export async function namedRoles(exec: Executor, guildId: string, roleIds: string[]): Promise<(ids: string[]) => NamedRole[]> {
  const ids = roleIds.filter((id) => isSnowflake(id) && id !== guildId);
  const rows = ids.length === 0 ? [] : await queryRows<{ id: string; name: string; color: number; position: number }>(
    exec,
    sql`SELECT role_id::text id, name, color, position FROM guild_roles WHERE guild_id = ${guildId} AND role_id = ANY(${bigintArray(ids)})`,
  );
  const known = new Map(rows.map((r) => [r.id, r]));
  return (member) =>
    member
      .filter((id) => id !== guildId) // @everyone is everyone's
      .map((id) => ({ id, name: known.get(id)?.name ?? null, color: known.get(id)?.color ?? 0, position: known.get(id)?.position ?? -1 }))
      .sort((a, b) => b.position - a.position || a.id.localeCompare(b.id))
      .map(({ id, name, color }) => ({ id, name, color }));
}

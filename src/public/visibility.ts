// A member's choice to be named on the guild's public leaderboard (members.public_opt_out), set by
// the member (/settings public-leaderboard) or an admin (PUT …/members/:id/visibility).
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';

export interface VisibilityChange {
  /** Shown by name before the change (a member Cairn had no row for was). */
  before: boolean;
  after: boolean;
}

/** Records whether the member is shown by name; creates the member's row if Cairn had none. */
export async function setPublicVisibility(exec: Executor, guildId: string, userId: string, visible: boolean): Promise<VisibilityChange> {
  const [previous] = await queryRows<{ opt_out: boolean }>(exec, sql`SELECT public_opt_out AS opt_out FROM members WHERE guild_id = ${guildId} AND user_id = ${userId}`);
  await exec.execute(sql`
    INSERT INTO members (guild_id, user_id, public_opt_out) VALUES (${guildId}, ${userId}, ${!visible})
    ON CONFLICT (guild_id, user_id) DO UPDATE SET public_opt_out = EXCLUDED.public_opt_out, updated_at = now()`);
  return { before: !(previous?.opt_out ?? false), after: visible };
}

/** Whether Cairn knows the member at all (a directory row or a wallet). */
export async function isKnownMember(exec: Executor, guildId: string, userId: string): Promise<boolean> {
  const [row] = await queryRows<{ known: boolean }>(
    exec,
    sql`SELECT EXISTS (SELECT 1 FROM members WHERE guild_id = ${guildId} AND user_id = ${userId})
            OR EXISTS (SELECT 1 FROM wallets WHERE guild_id = ${guildId} AND user_id = ${userId}) AS known`,
  );
  return row?.known ?? false;
}

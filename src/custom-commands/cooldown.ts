// Cooldowns of custom commands, per member: a use is claimed in one statement (insert, or move the
// last use forward only when the cooldown has passed), so two quick invocations cannot both pass,
// on one process or many, and a restart forgets nothing.
import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { commandUses } from '../db/schema.ts';

export type CooldownClaim = { ok: true } | { ok: false; retryAt: Date };

export async function claimUse(exec: Executor, use: { guildId: string; name: string; userId: string; cooldownSeconds: number; at: Date }): Promise<CooldownClaim> {
  if (use.cooldownSeconds <= 0) return { ok: true };
  const since = new Date(use.at.getTime() - use.cooldownSeconds * 1000);
  const claimed = await queryRows<{ name: string }>(
    exec,
    sql`INSERT INTO command_uses (guild_id, name, user_id, last_used_at) VALUES (${use.guildId}, ${use.name}, ${use.userId}, ${use.at.toISOString()})
        ON CONFLICT (guild_id, name, user_id) DO UPDATE SET last_used_at = EXCLUDED.last_used_at
        WHERE command_uses.last_used_at <= ${since.toISOString()}
        RETURNING name`,
  );
  if (claimed.length > 0) return { ok: true };
  const [row] = await exec.select({ last: commandUses.lastUsedAt }).from(commandUses).where(and(eq(commandUses.guildId, use.guildId), eq(commandUses.name, use.name), eq(commandUses.userId, use.userId)));
  return { ok: false, retryAt: new Date((row?.last ?? use.at).getTime() + use.cooldownSeconds * 1000) };
}

/** Gives a claimed use back (the invocation failed after claiming, so it should not count). */
export async function releaseUse(exec: Executor, use: { guildId: string; name: string; userId: string; at: Date }): Promise<void> {
  await exec
    .delete(commandUses)
    .where(and(eq(commandUses.guildId, use.guildId), eq(commandUses.name, use.name), eq(commandUses.userId, use.userId), eq(commandUses.lastUsedAt, use.at)));
}

// Re-syncing levels and level reward roles after a currency's curve or rewards changed: every
// wallet's level is recomputed from its total, and members' reward roles are corrected through the
// outbox (only the differences).
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { LevelCurveSchema, levelForTotal, rewardRoles } from './currency.ts';

export interface ResyncResult {
  levelsChanged: number;
  roleChanges: number;
}

export async function resyncLevels(exec: Executor, guildId: string, currencyId: number): Promise<ResyncResult> {
  const [currency] = await queryRows<{ name: string; level_curve: unknown }>(
    exec,
    sql`SELECT name, level_curve FROM currencies WHERE id = ${currencyId} AND guild_id = ${guildId}`,
  );
  const parsed = currency?.level_curve ? LevelCurveSchema.safeParse(currency.level_curve) : undefined;
  if (!currency || !parsed?.success) {
    // No curve (any more): levels do not apply.
    await exec.execute(sql`UPDATE wallets SET level = NULL WHERE guild_id = ${guildId} AND currency_id = ${currencyId} AND level IS NOT NULL`);
    return { levelsChanged: 0, roleChanges: 0 };
  }
  const curve = parsed.data;
  const rows = await queryRows<{ user_id: string; balance: string; lifetime_earned: string; level: number | null; roles: string[] | null }>(
    exec,
    sql`SELECT w.user_id::text, w.balance::text, w.lifetime_earned::text, w.level, m.roles
        FROM wallets w LEFT JOIN members m ON m.guild_id = w.guild_id AND m.user_id = w.user_id
        WHERE w.guild_id = ${guildId} AND w.currency_id = ${currencyId}
        ORDER BY w.user_id FOR UPDATE OF w`,
  );
  const levelUpdates: { u: string; l: number }[] = [];
  const outbox: { k: string; p: Record<string, unknown> }[] = [];
  for (const r of rows) {
    const total = Number(curve.based_on === 'balance' ? r.balance : r.lifetime_earned);
    const level = levelForTotal(curve, total);
    if (level !== r.level) levelUpdates.push({ u: r.user_id, l: level });
    if (curve.rewards.length === 0) continue;
    const roles = new Set(r.roles ?? []);
    const { hold, drop } = rewardRoles(curve, level);
    const reason = `${currency.name} level ${level} (re-sync)`;
    for (const role of drop) if (roles.has(role)) outbox.push({ k: 'role_remove', p: { user_id: r.user_id, role_id: role, reason } });
    for (const role of hold) if (!roles.has(role)) outbox.push({ k: 'role_add', p: { user_id: r.user_id, role_id: role, reason } });
  }
  if (levelUpdates.length > 0) {
    await exec.execute(sql`
      UPDATE wallets w SET level = v.l FROM json_to_recordset(${JSON.stringify(levelUpdates)}::json) AS v(u bigint, l int)
      WHERE w.guild_id = ${guildId} AND w.currency_id = ${currencyId} AND w.user_id = v.u`);
  }
  if (outbox.length > 0) {
    await exec.execute(sql`
      INSERT INTO outbox (guild_id, kind, payload) SELECT ${guildId}, k, p FROM json_to_recordset(${JSON.stringify(outbox)}::json) AS v(k text, p jsonb)`);
  }
  return { levelsChanged: levelUpdates.length, roleChanges: outbox.length };
}

// Restoring an earlier document of a rule: saved as its newest version (validated as any save),
// with its audit entry marked as the rollback it is.
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { auditLog, rules } from '../db/schema.ts';
import { saveRule, type SaveResult, type SavedRule } from './repository.ts';

/**
 * saveRule audits every change as rule.update/rule.create; a restore is marked as what it is, with
 * where it came from, on the entry that save just wrote (call it in the same transaction, and only
 * when the save made a new version).
 */
export async function markRollback(tx: Executor, guildId: string, key: string, from: string): Promise<void> {
  await tx
    .update(auditLog)
    .set({ action: 'rule.rollback', actor: sql`${auditLog.actor} || ${` (rollback to ${from})`}` })
    .where(sql`${auditLog.id} = (SELECT max(id) FROM audit_log WHERE guild_id = ${guildId} AND entity_type = 'rule' AND entity_key = ${key})`);
}

/** Saves an earlier document of a rule as its newest version; unchanged → no version, no entry. Call it in a transaction. */
export async function restoreRuleDocument(tx: Executor, guildId: string, document: unknown, actor: string, from: string): Promise<SaveResult<SavedRule & { changed: boolean }>> {
  const key = (document as { key?: unknown } | null)?.key;
  const [before] = typeof key === 'string' ? await tx.select({ version: rules.version }).from(rules).where(and(eq(rules.guildId, guildId), eq(rules.key, key))) : [];
  const result = await saveRule(tx, guildId, document, actor);
  if (!result.ok) return result;
  const changed = !before || result.value.version !== before.version;
  if (changed) await markRollback(tx, guildId, result.value.key, from);
  return { ok: true, value: { ...result.value, changed } };
}

// Where versions are kept: config_versions for every kind but rules, whose versions have been in
// rule_versions from the start (they go with the rule when it is deleted; the audit log brings a
// deleted rule back).
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { auditLog, configVersions, rules, ruleVersions } from '../db/schema.ts';
import { markRollback } from '../rules/restore.ts';

export interface StoredVersion {
  version: number;
  /** baseline, create, update, delete or restore. */
  action: string;
  /** Null for a deletion. */
  document: Record<string, unknown> | null;
  actor: string;
  at: Date;
  restoredFrom: number | null;
}

export interface VersionStore {
  /** An entity's versions, newest first. */
  list(exec: Executor, guildId: string, kind: string, key: string): Promise<StoredVersion[]>;
  /** Marks the version a restore just wrote, and its audit entry, as the restore it is. */
  markRestore(tx: Executor, at: { guildId: string; kind: string; key: string; version: number }, restored: { action: string; from: number; label: string }): Promise<void>;
}

export const configVersionStore: VersionStore = {
  async list(exec, guildId, kind, key) {
    return exec
      .select({ version: configVersions.version, action: configVersions.action, document: configVersions.document, actor: configVersions.actor, at: configVersions.at, restoredFrom: configVersions.restoredFrom })
      .from(configVersions)
      .where(and(eq(configVersions.guildId, guildId), eq(configVersions.kind, kind), eq(configVersions.key, key)))
      .orderBy(desc(configVersions.version));
  },
  async markRestore(tx, at, restored) {
    const [row] = await tx
      .update(configVersions)
      .set({ action: 'restore', restoredFrom: restored.from })
      .where(and(eq(configVersions.guildId, at.guildId), eq(configVersions.kind, at.kind), eq(configVersions.key, at.key), eq(configVersions.version, at.version)))
      .returning({ auditId: configVersions.auditId });
    if (row?.auditId) {
      await tx.update(auditLog).set({ action: restored.action, actor: sql`${auditLog.actor} || ${` (restore of ${restored.label})`}` }).where(eq(auditLog.id, row.auditId));
    }
  },
};

export const ruleVersionStore: VersionStore = {
  async list(exec, guildId, _kind, key) {
    const rows = await exec
      .select({ version: ruleVersions.version, document: ruleVersions.document, actor: ruleVersions.changedBy, at: ruleVersions.changedAt })
      .from(ruleVersions)
      .innerJoin(rules, eq(rules.id, ruleVersions.ruleId))
      .where(and(eq(rules.guildId, guildId), eq(rules.key, key)))
      .orderBy(desc(ruleVersions.version));
    return rows.map((r) => ({ ...r, action: r.version === 1 ? 'create' : 'update', restoredFrom: null }));
  },
  async markRestore(tx, at, restored) {
    await markRollback(tx, at.guildId, at.key, restored.label);
  },
};

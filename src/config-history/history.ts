// An entity's versions, restoring one (as a new version, audit-logged, so it can be undone), and
// undoing one audit entry: the configuration history of every kind in kinds.ts.
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db, Executor } from '../db/client.ts';
import { configVersions } from '../db/schema.ts';
import type { Problem } from '../rules/repository.ts';
import { HISTORY_KINDS, type HistoryKind } from './kinds.ts';
import type { StoredVersion } from './store.ts';

export interface EntityHistory {
  /** The entity exists now (a deleted one keeps its versions and can be brought back). */
  exists: boolean;
  /** Newest first; the current one is the newest, while the entity exists. */
  versions: (StoredVersion & { current: boolean })[];
}

/** Null when the entity has no version in this guild. */
export async function listVersions(exec: Executor, guildId: string, kind: HistoryKind, key: string): Promise<EntityHistory | null> {
  const entry = HISTORY_KINDS[kind];
  const versions = await entry.store.list(exec, guildId, kind, key);
  if (versions.length === 0) return null;
  const exists = (await entry.load(exec, guildId, key)) !== null;
  return { exists, versions: versions.map((v, i) => ({ ...v, current: i === 0 && exists && v.document !== null })) };
}

export interface Restored {
  kind: HistoryKind;
  key: string;
  /** The entity's newest version after the restore. */
  version: number;
  restoredFrom: number;
  /** False when the version equalled the entity as it was: nothing was written. */
  changed: boolean;
  document: Record<string, unknown> | null;
}

export type RestoreFailure =
  | { ok: false; code: 'not_found'; message: string }
  /** The version cannot come back as it is (a deletion, a creation to undo, or no longer valid). */
  | { ok: false; code: 'not_restorable'; message: string; problems?: Problem[] };
export type RestoreOutcome = ({ ok: true } & Restored) | RestoreFailure;

class Refused extends Error {
  constructor(readonly failure: RestoreFailure) {
    super(failure.message);
  }
}

/**
 * Saves version `version` of an entity as its newest state, through the entity's own save function.
 * A version that is no longer valid (a zone naming a currency since deleted) is refused with the
 * save's problems, and nothing changes.
 */
export async function restoreVersion(db: Db, guildId: string, kind: HistoryKind, key: string, version: number, actor: string, label = `v${version}`): Promise<RestoreOutcome> {
  const entry = HISTORY_KINDS[kind];
  try {
    return await db.transaction(async (tx) => {
      const versions = await entry.store.list(tx, guildId, kind, key);
      const target = versions.find((v) => v.version === version);
      if (!target) throw new Refused({ ok: false, code: 'not_found', message: versions.length === 0 ? `no ${entry.noun} "${key}" in this guild's history` : `${entry.noun} "${key}" has no version ${version}` });
      if (target.document === null) throw new Refused({ ok: false, code: 'not_restorable', message: `version ${version} of ${entry.noun} "${key}" is its deletion; restore a version before it` });
      const saved = await entry.restore(tx, guildId, key, target.document, actor);
      if (!saved.ok) {
        const message = `version ${version} of ${entry.noun} "${key}" can no longer be restored: ${saved.problems.map((p) => (p.path === '(root)' ? p.message : `${p.path}: ${p.message}`)).join('; ')}`;
        throw new Refused({ ok: false, code: 'not_restorable', message, problems: saved.problems });
      }
      const [newest] = await entry.store.list(tx, guildId, kind, key);
      const changed = newest!.version !== versions[0]!.version;
      if (changed) await entry.store.markRestore(tx, { guildId, kind, key, version: newest!.version }, { action: entry.restoreAction, from: version, label });
      return { ok: true, kind, key, version: newest!.version, restoredFrom: version, changed, document: await entry.load(tx, guildId, key) } as const;
    });
  } catch (error) {
    if (error instanceof Refused) return error.failure;
    throw error;
  }
}

const previousVersion = alias(configVersions, 'previous');

/**
 * Undoes one audit entry of a kind kept in config_versions: restores the version before the one
 * written with that entry (a deleted entity comes back). Rule entries roll back from their own
 * "before" document (see routes/audit-log.ts).
 */
export async function rollbackAuditEntry(db: Db, guildId: string, auditId: number, actor: string): Promise<RestoreOutcome> {
  const [written] = await db.select().from(configVersions).where(and(eq(configVersions.guildId, guildId), eq(configVersions.auditId, auditId)));
  if (!written) return { ok: false, code: 'not_restorable', message: `audit entry ${auditId} has no recorded version to go back to (it changed nothing, or is older than the configuration history)` };
  const kind = written.kind as HistoryKind;
  const noun = HISTORY_KINDS[kind]?.noun ?? written.kind;
  const [before] = await db.select().from(configVersions).where(and(eq(configVersions.guildId, guildId), eq(configVersions.kind, written.kind), eq(configVersions.key, written.key), eq(configVersions.version, written.version - 1)));
  if (!before || before.document === null) return { ok: false, code: 'not_restorable', message: `audit entry ${auditId} created ${noun} "${written.key}"; there is no earlier version (delete it instead)` };
  return restoreVersion(db, guildId, kind, written.key, before.version, actor, `the state before audit #${auditId}`);
}

/** Which of these audit entries rollbackAuditEntry can undo (an earlier version exists that is not a deletion). */
export async function revertibleAuditIds(exec: Executor, guildId: string, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await exec
    .select({ id: configVersions.auditId })
    .from(configVersions)
    .innerJoin(
      previousVersion,
      and(eq(previousVersion.guildId, configVersions.guildId), eq(previousVersion.kind, configVersions.kind), eq(previousVersion.key, configVersions.key), eq(previousVersion.version, sql`${configVersions.version} - 1`)),
    )
    .where(and(eq(configVersions.guildId, guildId), inArray(configVersions.auditId, ids), isNotNull(previousVersion.document)));
  return new Set(rows.map((r) => r.id!));
}

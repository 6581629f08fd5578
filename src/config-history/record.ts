// Writing a configuration version: each save function calls recordVersion() in its own
// transaction, right after its audit entry, so a change and its version commit together or not at all.
//
// Why a table of its own (config_versions) and not the audit log: audit entries do not hold one
// restorable document per change. Deletions of currencies and zones store the raw database row,
// shop deletions leave out the stock, currency entries carry the row id, AI budget changes share the
// `guild` entity type with settings while holding only their own key, and a no-op currency save is
// still an entry. A version here is exactly the document its save function takes, so a restore is
// that save called again; each version points at the audit entry written with it (audit_id), which
// is how POST audit-log/:id/rollback finds the state before an entry, for every kind.
import { isDeepStrictEqual } from 'node:util';
import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { configVersions } from '../db/schema.ts';
import type { HistoryKind } from './kinds.ts';

export interface VersionRecord {
  guildId: string;
  kind: Exclude<HistoryKind, 'rule'>;
  key: string;
  actor: string;
  /** The entity as saved (the document its save function takes), or null when it was deleted. */
  document: object | null;
  /** The entity before this change (same shape), or null when there was none. */
  previous: object | null;
  auditId: number;
}

/** Stored documents are plain JSON: no undefined members, so comparing them is exact. */
const plain = (doc: object | null): Record<string, unknown> | null => (doc === null ? null : (JSON.parse(JSON.stringify(doc)) as Record<string, unknown>));

/**
 * Records a change as the entity's next version; nothing when the save changed nothing. An entity that existed before history began first gets its earlier state as a baseline
 * version, so that state can be restored too. Call it under the guild's configuration lock (every
 * save takes it), which keeps version numbers in order.
 */
export async function recordVersion(exec: Executor, r: VersionRecord): Promise<number | null> {
  const previous = plain(r.previous);
  const document = plain(r.document);
  if (isDeepStrictEqual(previous, document)) return null;
  const where = and(eq(configVersions.guildId, r.guildId), eq(configVersions.kind, r.kind), eq(configVersions.key, r.key));
  const [latest] = await exec.select({ version: configVersions.version }).from(configVersions).where(where).orderBy(desc(configVersions.version)).limit(1);
  let version = latest?.version ?? 0;
  if (!latest && previous !== null) {
    version = 1;
    await exec.insert(configVersions).values({ guildId: r.guildId, kind: r.kind, key: r.key, version, action: 'baseline', document: previous, actor: 'cairn (state before history began)' });
  }
  const action = document === null ? 'delete' : previous === null ? 'create' : 'update';
  await exec.insert(configVersions).values({ guildId: r.guildId, kind: r.kind, key: r.key, version: version + 1, action, document, actor: r.actor, auditId: r.auditId });
  return version + 1;
}

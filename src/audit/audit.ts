// The audit log: every configuration change with who, when, what, and the before/after documents.
import type { Executor } from '../db/client.ts';
import { auditLog } from '../db/schema.ts';

export interface AuditEntry {
  guildId: string;
  actor: string;
  action: string;
  entityType: 'rule' | 'zone' | 'currency' | 'milestone' | 'shop_item' | 'preset' | 'season' | 'guild' | 'member' | 'command' | 'ticket' | 'faq' | 'rule_template';
  entityKey?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Writes one entry; answers its id (a configuration version points at the entry written with it). */
export async function audit(exec: Executor, entry: AuditEntry): Promise<number> {
  const [row] = await exec.insert(auditLog).values({
    guildId: entry.guildId,
    actor: entry.actor,
    action: entry.action,
    entityType: entry.entityType,
    entityKey: entry.entityKey ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  }).returning({ id: auditLog.id });
  return row!.id;
}

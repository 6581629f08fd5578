// The audit log: every configuration change with who, when, what, and the before/after documents.
import type { Executor } from '../db/client.ts';
import { auditLog } from '../db/schema.ts';

export interface AuditEntry {
  guildId: string;
  actor: string;
  action: string;
  entityType: 'rule' | 'zone' | 'currency' | 'milestone' | 'shop_item' | 'preset' | 'season' | 'guild' | 'member' | 'command';
  entityKey?: string | null;
  before?: unknown;
  after?: unknown;
}

export async function audit(exec: Executor, entry: AuditEntry): Promise<void> {
  await exec.insert(auditLog).values({
    guildId: entry.guildId,
    actor: entry.actor,
    action: entry.action,
    entityType: entry.entityType,
    entityKey: entry.entityKey ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

// Rules that fail at run time: each failure is recorded with its event (the rule was skipped for
// that event; the event and the other rules went on), summarised on the rule and the health page,
// and a rule that keeps failing is quarantined: disabled, with the reason shown and audit-logged,
// until an admin enables it again.
import { and, eq, sql } from 'drizzle-orm';
import { audit } from '../audit/audit.ts';
import { queryRows, type Executor } from '../db/client.ts';
import { rules, ruleVersions } from '../db/schema.ts';
import type { RuleError } from './types.ts';

/** Consecutive failures (no success in between, in one process) after which a rule is quarantined. */
export const QUARANTINE_AFTER = 20;

/** A rule error row as the batch writes it (short keys: it travels as one JSON parameter). */
export interface RuleErrorRow {
  r: number;
  rv: number;
  e: number | null;
  s: string;
  m: string;
}

export const ruleErrorRow = (error: RuleError, version: number, lakeEventId: number | null): RuleErrorRow => ({
  r: error.ruleId,
  rv: version,
  e: lakeEventId,
  s: error.event,
  m: error.message.slice(0, 1000),
});

export interface RuleErrorSummary {
  ruleId: number;
  key: string;
  name: string;
  enabled: boolean;
  /** Failures in the last 24 hours. */
  errors24h: number;
  lastError: { message: string; at: string; sourceId: string; version: number } | null;
  quarantined: { at: string; reason: string } | null;
}

/** Per rule of a guild: failures in the last day, the last one, and quarantine (only rules with either). */
export async function ruleErrorSummaries(exec: Executor, guildId: string, now: Date): Promise<RuleErrorSummary[]> {
  const since = new Date(now.getTime() - 86_400_000).toISOString();
  const rows = await queryRows<{
    id: number; key: string; document: { name?: string }; enabled: boolean; quarantined_at: string | null; quarantine_reason: string | null;
    n: number | null; message: string | null; at: string | null; source_id: string | null; rule_version: number | null;
  }>(
    exec,
    sql`SELECT r.id, r.key, r.document, r.enabled, r.quarantined_at::text, r.quarantine_reason, e.n, l.message, l.at::text, l.source_id, l.rule_version
        FROM rules r
        LEFT JOIN LATERAL (SELECT count(*)::int AS n FROM rule_errors x WHERE x.guild_id = r.guild_id AND x.rule_id = r.id AND x.at >= ${since}::timestamptz) e ON true
        LEFT JOIN LATERAL (SELECT message, at, source_id, rule_version FROM rule_errors x WHERE x.guild_id = r.guild_id AND x.rule_id = r.id ORDER BY x.id DESC LIMIT 1) l ON true
        WHERE r.guild_id = ${guildId} AND (r.quarantined_at IS NOT NULL OR l.message IS NOT NULL)
        ORDER BY r.quarantined_at IS NULL, e.n DESC NULLS LAST, r.key`,
  );
  return rows.map((r) => ({
    ruleId: r.id,
    key: r.key,
    name: r.document?.name ?? r.key,
    enabled: r.enabled,
    errors24h: r.n ?? 0,
    lastError: r.message ? { message: r.message, at: new Date(r.at!).toISOString(), sourceId: r.source_id!, version: r.rule_version! } : null,
    quarantined: r.quarantined_at ? { at: new Date(r.quarantined_at).toISOString(), reason: r.quarantine_reason ?? '' } : null,
  }));
}

/** The last failures of one rule (for the rule's page). */
export async function recentRuleErrors(exec: Executor, guildId: string, ruleId: number, limit = 20) {
  const rows = await queryRows<{ message: string; at: string; source_id: string; rule_version: number; lake_event_id: string | null }>(
    exec,
    sql`SELECT message, at::text, source_id, rule_version, lake_event_id::text FROM rule_errors
        WHERE guild_id = ${guildId} AND rule_id = ${ruleId} ORDER BY id DESC LIMIT ${limit}`,
  );
  return rows.map((r) => ({ message: r.message, at: new Date(r.at).toISOString(), sourceId: r.source_id, version: r.rule_version, lakeEventId: r.lake_event_id }));
}

/**
 * Disables a rule that keeps failing, with the reason, as a new version (so the change is in the
 * history and reaches every process like an admin's), and audit-logs it. Returns false when the
 * rule is gone, already disabled, or was changed since (a newer version may have fixed it).
 */
export async function quarantineRule(exec: Executor, guildId: string, ruleId: number, version: number, reason: string): Promise<boolean> {
  const [rule] = await exec.select().from(rules).where(and(eq(rules.guildId, guildId), eq(rules.id, ruleId))).for('update');
  if (!rule || !rule.enabled || rule.version !== version) return false;
  const document = { ...rule.document, enabled: false };
  const next = rule.version + 1;
  await exec.update(rules).set({ document, enabled: false, version: next, quarantinedAt: new Date(), quarantineReason: reason, updatedAt: new Date() }).where(eq(rules.id, rule.id));
  await exec.insert(ruleVersions).values({ ruleId: rule.id, version: next, document, changedBy: 'cairn (quarantine)' });
  await audit(exec, { guildId, actor: 'cairn (quarantine)', action: 'rule.quarantine', entityType: 'rule', entityKey: rule.key, before: rule.document, after: { ...document, quarantine_reason: reason } });
  return true;
}

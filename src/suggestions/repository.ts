// Storing suggestions (a regeneration refreshes open ones and keeps dismissed ones dismissed),
// and deciding on them: dismiss, apply (the milestone or rule version through its own save
// function, audit-logged, in one transaction) and roll back what apply created.
import { and, asc, desc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/client.ts';
import { auditLog, configVersions, milestones, rules, ruleVersions, suggestions, type SuggestionRow } from '../db/schema.ts';
import { deleteMilestone, saveMilestone } from '../milestones/repository.ts';
import { deleteRule, saveRule, type Problem } from '../rules/repository.ts';
import { restoreRuleDocument } from '../rules/restore.ts';
import { SUGGESTION_KINDS, type Draft, type SuggestionKind, type SuggestionOut, type SuggestionSource, type SuggestionStatus } from './types.ts';

export type DecisionFailure =
  | { ok: false; code: 'not_found'; message: string }
  | { ok: false; code: 'conflict'; message: string }
  | { ok: false; code: 'invalid'; message: string; problems: Problem[] };
export type Decision = { ok: true; suggestion: SuggestionOut } | DecisionFailure;

class Refused extends Error {
  constructor(readonly failure: DecisionFailure) {
    super(failure.message);
  }
}

export function suggestionOut(row: SuggestionRow): SuggestionOut {
  return {
    id: row.id,
    kind: row.kind as SuggestionOut['kind'],
    source: row.source as SuggestionOut['source'],
    status: row.status as SuggestionOut['status'],
    title: row.title,
    explanation: row.explanation,
    applicable: row.applicable,
    proposal: row.proposal,
    backtest: row.backtest as SuggestionOut['backtest'],
    applied: row.applied ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    decided_at: row.decidedAt?.toISOString() ?? null,
    decided_by: row.decidedBy,
  };
}

export async function listSuggestions(exec: Executor, guildId: string, status?: SuggestionStatus): Promise<SuggestionOut[]> {
  const rows = await exec
    .select()
    .from(suggestions)
    .where(and(eq(suggestions.guildId, guildId), status ? eq(suggestions.status, status) : undefined))
    .orderBy(asc(suggestions.id));
  return rows.map(suggestionOut);
}

export interface StoreSummary {
  /** New or refreshed open suggestions. */
  offered: number;
  /** Computed again but kept as they were: dismissed, applied or rolled back before. */
  kept: number;
  /** Open suggestions of this source no longer borne out by the figures, removed. */
  removed: number;
}

/**
 * Stores one generation of a source's drafts: an open suggestion with the same fingerprint is
 * refreshed (new figures, new backtest), a decided one is left as it is (a dismissed suggestion is
 * not offered again), and open ones of the `kinds` computed that the figures no longer support are removed.
 */
export async function storeDrafts(db: Db, guildId: string, source: SuggestionSource, drafts: Draft[], now: Date, kinds: readonly SuggestionKind[] = SUGGESTION_KINDS): Promise<StoreSummary> {
  return db.transaction(async (tx) => {
    // Two generations of one guild at once would both insert a new fingerprint: one waits.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`cairn:suggestions:${guildId}`}, 0))`);
    const existing = new Map((await tx.select().from(suggestions).where(eq(suggestions.guildId, guildId))).map((r) => [r.fingerprint, r]));
    const summary: StoreSummary = { offered: 0, kept: 0, removed: 0 };
    // One per fingerprint (a model may propose the same key twice): the last one stands.
    for (const d of new Map(drafts.map((x) => [x.fingerprint, x])).values()) {
      const row = existing.get(d.fingerprint);
      const values = { kind: d.kind, source: d.source, title: d.title, explanation: d.explanation, applicable: d.applicable, proposal: d.proposal as Record<string, unknown>, backtest: d.backtest as unknown as Record<string, unknown>, updatedAt: now };
      if (!row) {
        await tx.insert(suggestions).values({ guildId, fingerprint: d.fingerprint, status: 'open', createdAt: now, ...values });
        summary.offered++;
      } else if (row.status === 'open') {
        await tx.update(suggestions).set(values).where(eq(suggestions.id, row.id));
        summary.offered++;
      } else summary.kept++;
    }
    const fresh = drafts.map((d) => d.fingerprint);
    const removed = await tx
      .delete(suggestions)
      .where(and(eq(suggestions.guildId, guildId), eq(suggestions.source, source), eq(suggestions.status, 'open'), inArray(suggestions.kind, [...kinds]), fresh.length > 0 ? notInArray(suggestions.fingerprint, fresh) : undefined))
      .returning({ id: suggestions.id });
    summary.removed = removed.length;
    return summary;
  });
}

async function lockedSuggestion(tx: Executor, guildId: string, id: number): Promise<SuggestionRow> {
  const [row] = await tx.select().from(suggestions).where(and(eq(suggestions.guildId, guildId), eq(suggestions.id, id))).for('update');
  if (!row) throw new Refused({ ok: false, code: 'not_found', message: `no suggestion ${id} in this guild` });
  return row;
}

async function decide(db: Db, work: (tx: Executor) => Promise<SuggestionRow>): Promise<Decision> {
  try {
    return { ok: true, suggestion: suggestionOut(await db.transaction(work)) };
  } catch (error) {
    if (error instanceof Refused) return error.failure;
    throw error;
  }
}

const notOpen = (row: SuggestionRow, verb: string) => new Refused({ ok: false, code: 'conflict', message: `suggestion ${row.id} is ${row.status.replace('_', ' ')}; only an open suggestion can be ${verb}` });

export function dismissSuggestion(db: Db, guildId: string, id: number, actor: string, now: Date): Promise<Decision> {
  return decide(db, async (tx) => {
    const row = await lockedSuggestion(tx, guildId, id);
    if (row.status !== 'open') throw notOpen(row, 'dismissed');
    const [updated] = await tx.update(suggestions).set({ status: 'dismissed', decidedAt: now, decidedBy: actor, updatedAt: now }).where(eq(suggestions.id, id)).returning();
    return updated!;
  });
}

const latestAuditId = async (tx: Executor, guildId: string, entityType: 'rule' | 'milestone', key: string) =>
  (await tx.select({ id: auditLog.id }).from(auditLog).where(and(eq(auditLog.guildId, guildId), eq(auditLog.entityType, entityType), eq(auditLog.entityKey, key))).orderBy(desc(auditLog.id)).limit(1))[0]?.id ?? null;

/**
 * Applies an open suggestion: creates (or updates) its milestone, or saves its rule as a new
 * version, through the entity's own save function (validated, audit-logged, versioned), and marks
 * it applied with what was created — all in one transaction.
 */
export function applySuggestion(db: Db, guildId: string, id: number, actor: string, now: Date): Promise<Decision> {
  return decide(db, async (tx) => {
    const row = await lockedSuggestion(tx, guildId, id);
    if (row.status !== 'open') throw notOpen(row, 'applied');
    if (!row.applicable) throw new Refused({ ok: false, code: 'conflict', message: `suggestion ${id} is advice with nothing to apply: ${row.title}` });
    const by = `${actor} (suggestion #${id})`;
    const invalid = (what: string, problems: Problem[]) => new Refused({ ok: false, code: 'invalid', message: `the suggested ${what} is no longer valid for this guild`, problems });
    let applied: Record<string, unknown>;
    const { milestone, rule } = row.proposal as { milestone?: Record<string, unknown>; rule?: Record<string, unknown> };
    if (milestone) {
      const key = String(milestone.key);
      const latest = async () => (await tx.select({ version: configVersions.version }).from(configVersions).where(and(eq(configVersions.guildId, guildId), eq(configVersions.kind, 'milestone'), eq(configVersions.key, key))).orderBy(desc(configVersions.version)).limit(1))[0]?.version ?? null;
      const before = await latest();
      const saved = await saveMilestone(tx, guildId, milestone, by);
      if (!saved.ok) throw invalid('milestone', saved.problems);
      const version = await latest();
      applied = { entity: 'milestone', key, created: saved.value.created, changed: version !== before, version, audit_id: await latestAuditId(tx, guildId, 'milestone', key) };
    } else if (rule) {
      const key = String(rule.key);
      const [before] = await tx.select({ version: rules.version }).from(rules).where(and(eq(rules.guildId, guildId), eq(rules.key, key)));
      const saved = await saveRule(tx, guildId, rule, by);
      if (!saved.ok) throw invalid('rule', saved.problems);
      applied = { entity: 'rule', key, created: saved.value.created, changed: saved.value.version !== before?.version, version: saved.value.version, previous_version: before?.version ?? null, audit_id: await latestAuditId(tx, guildId, 'rule', key) };
    } else throw new Refused({ ok: false, code: 'conflict', message: `suggestion ${id} proposes nothing to apply` });
    const [updated] = await tx.update(suggestions).set({ status: 'applied', applied, decidedAt: now, decidedBy: actor, updatedAt: now }).where(eq(suggestions.id, id)).returning();
    return updated!;
  });
}

/**
 * Undoes an applied suggestion: a milestone it created is deleted (its versions stay in the
 * configuration history, so it can be restored), one it changed gets its earlier version back; a
 * rule it created is deleted, a rule it gave a new version returns to the version before.
 */
export function rollbackSuggestion(db: Db, guildId: string, id: number, actor: string, now: Date): Promise<Decision> {
  return decide(db, async (tx) => {
    const row = await lockedSuggestion(tx, guildId, id);
    if (row.status !== 'applied' || !row.applied) throw new Refused({ ok: false, code: 'conflict', message: `suggestion ${id} is ${row.status.replace('_', ' ')}; only an applied suggestion can be rolled back` });
    const applied = row.applied as { entity: 'milestone' | 'rule'; key: string; created: boolean; changed: boolean; version: number | null; previous_version?: number | null };
    const by = `${actor} (rollback of suggestion #${id})`;
    let undone: string;
    if (!applied.changed) {
      undone = 'nothing'; // apply found the entity already as proposed: there is nothing of its own to undo
    } else if (applied.entity === 'milestone') {
      const [current] = await tx.select({ id: milestones.id }).from(milestones).where(and(eq(milestones.guildId, guildId), eq(milestones.key, applied.key)));
      if (!current) throw new Refused({ ok: false, code: 'conflict', message: `milestone "${applied.key}" no longer exists` });
      const [previous] = applied.created || applied.version === null ? [] : await tx.select().from(configVersions).where(and(eq(configVersions.guildId, guildId), eq(configVersions.kind, 'milestone'), eq(configVersions.key, applied.key), eq(configVersions.version, applied.version - 1)));
      if (previous?.document) {
        const saved = await saveMilestone(tx, guildId, previous.document, by);
        if (!saved.ok) throw new Refused({ ok: false, code: 'invalid', message: `the earlier milestone "${applied.key}" can no longer be restored`, problems: saved.problems });
        undone = 'restored';
      } else {
        await deleteMilestone(tx, guildId, applied.key, by);
        undone = 'deleted';
      }
    } else {
      const [current] = await tx.select({ id: rules.id }).from(rules).where(and(eq(rules.guildId, guildId), eq(rules.key, applied.key)));
      if (!current) throw new Refused({ ok: false, code: 'conflict', message: `rule "${applied.key}" no longer exists` });
      const [previous] = applied.previous_version ? await tx.select().from(ruleVersions).where(and(eq(ruleVersions.ruleId, current.id), eq(ruleVersions.version, applied.previous_version))) : [];
      if (previous) {
        const restored = await restoreRuleDocument(tx, guildId, previous.document, by, `v${previous.version}`);
        if (!restored.ok) throw new Refused({ ok: false, code: 'invalid', message: `version ${previous.version} of rule "${applied.key}" can no longer be restored`, problems: restored.problems });
        undone = 'restored';
      } else {
        await deleteRule(tx, guildId, applied.key, by);
        undone = 'deleted';
      }
    }
    const [updated] = await tx
      .update(suggestions)
      .set({ status: 'rolled_back', applied: { ...applied, rolled_back: { action: undone, at: now.toISOString(), by: actor } }, decidedAt: now, decidedBy: actor, updatedAt: now })
      .where(eq(suggestions.id, id))
      .returning();
    return updated!;
  });
}

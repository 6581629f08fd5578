// Saving milestone templates (validated, audited), awarding custom ones by hand, and retroactive
// rechecks that award a new or changed template to every member who already qualifies.
import { isDeepStrictEqual } from 'node:util';
import { and, eq, sql } from 'drizzle-orm';
import { audit } from '../audit/audit.ts';
import { recordVersion } from '../config-history/record.ts';
import { queryRows, type Db, type Executor } from '../db/client.ts';
import { bigintArray } from '../db/sql.ts';
import { memberMilestones, milestones } from '../db/schema.ts';
import type { LakeEvent } from '../events/lake-event.ts';
import { compileConfig, formatPath } from '../rules/compiler.ts';
import { loadConfigInput, loadCurrencies, loadZones, lockGuildConfig, type Problem, type SaveResult } from '../rules/repository.ts';
import { MemoryState } from '../rules/state.ts';
import { MilestoneChecker } from './checker.ts';
import { MilestoneSchema, requirementReferences, type Milestone } from './schema.ts';
import { currentSeason } from '../ledger/seasons.ts';

export async function validateMilestone(exec: Executor, guildId: string, document: unknown): Promise<SaveResult<Milestone>> {
  const parsed = MilestoneSchema.safeParse(document);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ path: formatPath(i.path) || '(root)', message: i.message })) };
  const refs = requirementReferences(parsed.data.requirement);
  const currencyKeys = new Set((await loadCurrencies(exec, guildId)).map((c) => c.key));
  const zoneKeys = new Set((await loadZones(exec, guildId)).map((z) => z.key));
  const problems: Problem[] = [
    ...refs.currencies.filter((c) => !currencyKeys.has(c)).map((c) => ({ path: 'requirement', message: `unknown currency "${c}"` })),
    ...refs.zones.filter((z) => !zoneKeys.has(z)).map((z) => ({ path: 'requirement', message: `unknown zone "${z}"` })),
  ];
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: parsed.data };
}

export async function saveMilestone(exec: Executor, guildId: string, document: unknown, actor: string): Promise<SaveResult<{ id: number; milestone: Milestone; created: boolean }>> {
  await lockGuildConfig(exec, guildId);
  const valid = await validateMilestone(exec, guildId, document);
  if (!valid.ok) return valid;
  const m = valid.value;
  const stored = m as unknown as Record<string, unknown>;
  const [existing] = await exec.select().from(milestones).where(and(eq(milestones.guildId, guildId), eq(milestones.key, m.key)));
  if (existing && isDeepStrictEqual(existing.document, stored)) return { ok: true, value: { id: existing.id, milestone: m, created: false } };
  const [row] = existing
    ? await exec.update(milestones).set({ document: stored, enabled: m.enabled, version: existing.version + 1, updatedAt: new Date() }).where(eq(milestones.id, existing.id)).returning()
    : await exec.insert(milestones).values({ guildId, key: m.key, document: stored, enabled: m.enabled }).returning();
  const auditId = await audit(exec, { guildId, actor, action: existing ? 'milestone.update' : 'milestone.create', entityType: 'milestone', entityKey: m.key, before: existing?.document ?? null, after: stored });
  await recordVersion(exec, { guildId, kind: 'milestone', key: m.key, actor, document: stored, previous: existing?.document ?? null, auditId });
  return { ok: true, value: { id: row!.id, milestone: m, created: !existing } };
}

export async function deleteMilestone(exec: Executor, guildId: string, key: string, actor: string): Promise<boolean> {
  await lockGuildConfig(exec, guildId);
  const [removed] = await exec.delete(milestones).where(and(eq(milestones.guildId, guildId), eq(milestones.key, key))).returning();
  if (!removed) return false;
  const auditId = await audit(exec, { guildId, actor, action: 'milestone.delete', entityType: 'milestone', entityKey: key, before: removed.document, after: null });
  await recordVersion(exec, { guildId, kind: 'milestone', key, actor, document: null, previous: removed.document, auditId });
  return true;
}

export type ManualAwardResult = { ok: true; awarded: boolean } | { ok: false; code: 'unknown_milestone'; message: string };

/** An admin awards a milestone (typically a custom one) to a member; once per member (and season). */
export async function awardMilestone(db: Db, guildId: string, userId: string, key: string, actor: string, at = new Date()): Promise<ManualAwardResult> {
  return db.transaction(async (tx) => {
    const [template] = await tx.select().from(milestones).where(and(eq(milestones.guildId, guildId), eq(milestones.key, key)));
    if (!template) return { ok: false, code: 'unknown_milestone', message: `unknown milestone "${key}"` } as const;
    const parsed = MilestoneSchema.parse(template.document);
    const seasonId = parsed.scope === 'season' ? (await currentSeason(tx, guildId)).id : 0;
    const inserted = await tx
      .insert(memberMilestones)
      .values({ guildId, userId, milestoneId: template.id, seasonId, awardedBy: `manual:${actor}`, earnedAt: at })
      .onConflictDoNothing()
      .returning();
    if (inserted.length > 0) await audit(tx, { guildId, actor, action: 'milestone.award', entityType: 'member', entityKey: userId, before: null, after: { milestone: key, season: seasonId } });
    return { ok: true, awarded: inserted.length > 0 } as const;
  });
}

export interface RecheckResult {
  members: number;
  awarded: { member: string; milestone: string }[];
}

/**
 * Awards templates (all, or `keys`) to every member who already qualifies — after a template was
 * created or changed. Awards are recorded once (no duplicates); rules listening to
 * milestone_earned are not run for retroactive awards.
 */
export async function recheckMilestones(db: Db, guildId: string, options: { keys?: string[]; at?: Date; chunk?: number } = {}): Promise<RecheckResult> {
  const at = options.at ?? new Date();
  const config = compileConfig(await loadConfigInput(db, guildId));
  const memberRows = await queryRows<{ user_id: string }>(
    db,
    sql`SELECT DISTINCT user_id::text FROM wallets WHERE guild_id = ${guildId}
        UNION SELECT DISTINCT user_id::text FROM event_counters_total WHERE guild_id = ${guildId}`,
  );
  const all = memberRows.map((r) => r.user_id);
  const awarded: RecheckResult['awarded'] = [];
  const chunk = options.chunk ?? 1000;
  for (let i = 0; i < all.length; i += chunk) {
    const ids = all.slice(i, i + chunk);
    await db.transaction(async (tx) => {
      const state = new MemoryState(guildId);
      for (const w of await queryRows<{ user_id: string; currency_id: number; balance: string; lifetime_earned: string; level: number | null }>(
        tx,
        sql`SELECT user_id::text, currency_id, balance::text, lifetime_earned::text, level FROM wallets WHERE guild_id = ${guildId} AND user_id = ANY(${bigintArray(ids)})`,
      )) state.setWallet(w.user_id, w.currency_id, { balance: Number(w.balance), lifetimeEarned: Number(w.lifetime_earned), level: w.level });
      const checker = await new MilestoneChecker().prepare(tx, config, ids, state, []);
      const rows: { u: string; m: number; s: number }[] = [];
      for (const userId of ids) {
        const probe: LakeEvent = { source_id: 'recheck', type: 'command', guild_id: guildId, actor_id: userId, target_id: null, channel_id: null, occurred_at: at.toISOString(), data: {} };
        for (const award of checker.check(userId, probe, options.keys, true)) {
          rows.push({ u: userId, m: award.id, s: award.seasonId });
          awarded.push({ member: userId, milestone: award.key });
        }
      }
      if (rows.length > 0) {
        await tx.execute(sql`
          INSERT INTO member_milestones (guild_id, user_id, milestone_id, season_id, awarded_by, earned_at)
          SELECT ${guildId}, u, m, s, 'recheck', ${at.toISOString()}::timestamptz FROM json_to_recordset(${JSON.stringify(rows)}::json) AS v(u bigint, m int, s int)
          ON CONFLICT DO NOTHING`);
      }
    });
  }
  return { members: all.length, awarded };
}

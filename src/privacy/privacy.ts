// A member's data on request (issue 18): the export (what Cairn holds about them in a guild, as one
// JSON document) and the erasure (member-data.ts), audit-logged without the member's id.
import { sql } from 'drizzle-orm';
import { audit } from '../audit/audit.ts';
import { queryRows, type Db, type Executor } from '../db/client.ts';
import { eraseMember, memberRows } from './member-data.ts';

export interface MemberExport {
  format: 'cairn-member-export/1';
  exported_at: string;
  guild_id: string;
  user_id: string;
  /** The directory's entry: names, roles, when they joined or left. */
  profile: Record<string, unknown> | null;
  balances: { currency: string; name: string; balance: string; lifetime_earned: string; level: number | null }[];
  /** Every ledger row, oldest first, with the reason and the rule behind it. */
  transactions: { id: string; at: string; currency: string; delta: string; balance_after: string; source: string; reason: string | null; rule: string | null }[];
  milestones: { milestone: string; name: string; earned_at: string }[];
  /** The events Cairn keeps about them (metadata, never message content). */
  events: { id: string; type: string; occurred_at: string; channel_id: string | null; target_id: string | null; data: unknown }[];
  /** Every other row in the database that names them, table by table (SECTION_TABLES are the sections above). */
  tables: Record<string, unknown[]>;
}

/** Tables the export's sections carry whole, left out of `tables`. */
export const SECTION_TABLES = { members: 'profile', wallets: 'balances', transactions: 'transactions', member_milestones: 'milestones', lake_events: 'events' } as const;

export async function exportMember(exec: Executor, guildId: string, userId: string, now: Date): Promise<MemberExport> {
  const [profile] = await queryRows<{ row: Record<string, unknown> }>(exec, sql`SELECT to_jsonb(m) AS row FROM members m WHERE guild_id = ${guildId} AND user_id = ${userId}`);
  const balances = await queryRows<MemberExport['balances'][number]>(exec, sql`
    SELECT c.key AS currency, c.name, w.balance::text AS balance, w.lifetime_earned::text AS lifetime_earned, w.level
    FROM wallets w JOIN currencies c ON c.id = w.currency_id WHERE w.guild_id = ${guildId} AND w.user_id = ${userId} ORDER BY c.key`);
  const transactions = await queryRows<MemberExport['transactions'][number]>(exec, sql`
    SELECT t.id::text, t.at AS at, c.key AS currency, t.delta::text, t.balance_after::text, t.source, t.reason, r.key AS rule
    FROM transactions t JOIN currencies c ON c.id = t.currency_id LEFT JOIN rules r ON r.id = t.rule_id
    WHERE t.guild_id = ${guildId} AND t.user_id = ${userId} ORDER BY t.id`);
  const milestones = await queryRows<MemberExport['milestones'][number]>(exec, sql`
    SELECT m.key AS milestone, COALESCE(m.document->>'name', m.key) AS name, mm.earned_at FROM member_milestones mm JOIN milestones m ON m.id = mm.milestone_id
    WHERE mm.guild_id = ${guildId} AND mm.user_id = ${userId} ORDER BY mm.earned_at`);
  const events = await queryRows<MemberExport['events'][number]>(exec, sql`
    SELECT id::text, type, occurred_at, channel_id::text, target_id::text, data FROM lake_events
    WHERE guild_id = ${guildId} AND (actor_id = ${userId} OR target_id = ${userId} OR strpos(data::text, ${userId}) > 0) ORDER BY occurred_at, id`);
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
  return {
    format: 'cairn-member-export/1',
    exported_at: now.toISOString(),
    guild_id: guildId,
    user_id: userId,
    profile: profile?.row ?? null,
    balances,
    transactions: transactions.map((t) => ({ ...t, at: iso(t.at) })),
    milestones: milestones.map((m) => ({ ...m, earned_at: iso(m.earned_at) })),
    events: events.map((e) => ({ ...e, occurred_at: iso(e.occurred_at) })),
    tables: await memberRows(exec, guildId, userId, Object.keys(SECTION_TABLES)),
  };
}

export interface DeletionSummary {
  /** Rows removed and rows kept under the pseudonym, per table (counts only). */
  deleted: Record<string, number>;
  pseudonymized: Record<string, number>;
}

/**
 * Erases a member from a guild in one transaction. The audit entry says who asked and what was
 * done, never whom it was done to: the member's id is gone from it too.
 */
export async function deleteMember(db: Db, guildId: string, userId: string, actor: string): Promise<DeletionSummary> {
  return db.transaction(async (tx) => {
    const { deleted, pseudonymized } = await eraseMember(tx, guildId, userId);
    await audit(tx, { guildId, actor, action: 'member.erase', entityType: 'member', entityKey: null, after: { deleted, pseudonymized } });
    return { deleted, pseudonymized };
  });
}

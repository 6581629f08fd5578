// A member's data (issue 18, privacy): everything Cairn holds about one member of one guild, table by
// table, for export, and how each table forgets them on erasure. Rows that are only about the member
// (their profile, their events, counters kept for their milestones) are deleted; rows the guild's
// totals and the ledger's invariants rest on (transactions, wallets, firings, analytics) stay under
// an irreversible pseudonymous id (a random negative number no Discord id can be), and any text or
// JSON that quotes the member's id quotes the pseudonym instead.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';

/** How a table forgets the member. */
type Erasure =
  /** Rows about the member alone: gone. */
  | 'delete'
  /** Rows the guild's totals or the ledger need: the member's id becomes the pseudonym. */
  | 'pseudonymize';

export interface MemberTable {
  table: string;
  /** Columns holding the member's Discord id (bigint). */
  idColumns: string[];
  erasure: Erasure;
  /** Text or JSON columns that may quote the member's id (or name) in rows kept. */
  quoting?: { column: string; json: boolean }[];
}

/**
 * Every table holding a member's id, and what erasure does to it. test/privacy/ scans every column
 * of every table after an erasure, so a table added to the schema and missing here fails a test.
 */
export const MEMBER_TABLES: readonly MemberTable[] = [
  { table: 'members', idColumns: ['user_id'], erasure: 'delete' },
  { table: 'lake_events', idColumns: ['actor_id'], erasure: 'delete' },
  // Others' events that name the member (a reaction to them, an invite of theirs): kept, unnamed.
  { table: 'lake_events', idColumns: ['target_id'], erasure: 'pseudonymize', quoting: [{ column: 'data', json: true }] },
  { table: 'event_counters_daily', idColumns: ['user_id'], erasure: 'delete' },
  { table: 'event_counters_total', idColumns: ['user_id'], erasure: 'delete' },
  { table: 'command_uses', idColumns: ['user_id'], erasure: 'delete' },
  { table: 'member_invites', idColumns: ['user_id'], erasure: 'delete' },
  // Members they invited keep their row; the inviter is unnamed (the inviters' counts stay).
  { table: 'member_invites', idColumns: ['inviter_id'], erasure: 'pseudonymize' },
  { table: 'faq_votes', idColumns: ['user_id'], erasure: 'delete' },
  { table: 'onboarding_steps', idColumns: ['user_id'], erasure: 'pseudonymize' },
  { table: 'onboarding_members', idColumns: ['user_id'], erasure: 'pseudonymize', quoting: [{ column: 'answers', json: true }] },
  { table: 'transactions', idColumns: ['user_id'], erasure: 'pseudonymize', quoting: [{ column: 'detail', json: true }, { column: 'reason', json: false }] },
  { table: 'wallets', idColumns: ['user_id'], erasure: 'pseudonymize' },
  { table: 'season_snapshots', idColumns: ['user_id'], erasure: 'pseudonymize' },
  { table: 'member_milestones', idColumns: ['user_id'], erasure: 'pseudonymize', quoting: [{ column: 'awarded_by', json: false }] },
  { table: 'rule_firings', idColumns: ['actor_id', 'target_id'], erasure: 'pseudonymize', quoting: [{ column: 'amounts', json: true }] },
  { table: 'purchases', idColumns: ['user_id'], erasure: 'pseudonymize' },
  { table: 'member_activity_monthly', idColumns: ['user_id'], erasure: 'pseudonymize' },
  { table: 'member_cohorts', idColumns: ['user_id'], erasure: 'pseudonymize' },
  { table: 'member_weekly', idColumns: ['user_id'], erasure: 'pseudonymize' },
  { table: 'presence_daily', idColumns: ['user_id'], erasure: 'pseudonymize' },
  { table: 'presence_sessions', idColumns: ['user_id'], erasure: 'pseudonymize' },
  { table: 'voice_daily', idColumns: ['user_id'], erasure: 'pseudonymize' },
  { table: 'voice_sessions', idColumns: ['user_id'], erasure: 'pseudonymize' },
  { table: 'scheduled_event_attendance', idColumns: ['user_id'], erasure: 'pseudonymize' },
  { table: 'scheduled_event_interest', idColumns: ['user_id'], erasure: 'pseudonymize' },
  { table: 'scheduled_events', idColumns: ['creator_id'], erasure: 'pseudonymize' },
  { table: 'faq_entries', idColumns: ['author_id'], erasure: 'pseudonymize' },
  { table: 'faq_unanswered', idColumns: ['last_asked_by'], erasure: 'pseudonymize' },
  { table: 'tickets', idColumns: ['opener_id', 'claimed_by', 'closed_by', 'first_response_by'], erasure: 'pseudonymize', quoting: [{ column: 'summary', json: false }] },
  { table: 'ticket_messages', idColumns: ['author_id'], erasure: 'pseudonymize', quoting: [{ column: 'content', json: false }] },
  { table: 'ticket_events', idColumns: ['actor_id'], erasure: 'pseudonymize', quoting: [{ column: 'data', json: true }] },
  { table: 'ticket_panels', idColumns: ['posted_by'], erasure: 'pseudonymize' },
];

/** Text and JSON columns of guild tables that may quote a member's id anywhere in them. */
export const QUOTING_COLUMNS: readonly { table: string; column: string; json: boolean }[] = [
  // Others' events whose data names the member (an inviter, a mention): a scan of the guild's lake.
  { table: 'lake_events', column: 'data', json: true },
  { table: 'outbox', column: 'payload', json: true },
  { table: 'ingest_failures', column: 'event', json: true },
  { table: 'audit_log', column: 'before', json: true },
  { table: 'audit_log', column: 'after', json: true },
  { table: 'audit_log', column: 'entity_key', json: false },
  { table: 'rule_errors', column: 'message', json: false },
  { table: 'ops_errors', column: 'message', json: false },
  // A suggestion's backtest lists who would have reached or earned what.
  { table: 'suggestions', column: 'backtest', json: true },
];

const ident = (name: string) => sql.raw(`"${name.replace(/"/g, '""')}"`);

/**
 * Everything the database holds that names the member, table by table (rows as JSON); `except`:
 * tables the caller carries otherwise (the export's own sections).
 */
export async function memberRows(exec: Executor, guildId: string, userId: string, except: readonly string[] = []): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  const byTable = new Map<string, Set<string>>();
  for (const t of MEMBER_TABLES) {
    if (except.includes(t.table)) continue;
    for (const c of t.idColumns) (byTable.get(t.table) ?? byTable.set(t.table, new Set()).get(t.table)!).add(c);
  }
  for (const [table, columns] of byTable) {
    const match = sql.join([...columns].map((c) => sql`${ident(c)} = ${userId}`), sql` OR `);
    const rows = await queryRows<{ row: unknown }>(exec, sql`SELECT to_jsonb(x) AS row FROM ${ident(table)} x WHERE guild_id = ${guildId} AND (${match})`);
    if (rows.length > 0) out[table] = rows.map((r) => r.row);
  }
  for (const { table, column } of QUOTING_COLUMNS) {
    if (except.includes(table)) continue;
    const rows = await queryRows<{ row: unknown }>(exec, sql`SELECT to_jsonb(x) AS row FROM ${ident(table)} x WHERE guild_id = ${guildId} AND ${ident(column)}::text LIKE ${`%${userId}%`}`);
    if (rows.length > 0) (out[table] ??= []).push(...rows.map((r) => r.row));
  }
  return out;
}

/** Whether any table holds a row of the member's (by id: quotes in text alone do not count). */
export async function holdsMember(exec: Executor, guildId: string, userId: string): Promise<boolean> {
  const probes = MEMBER_TABLES.map((t) => sql`EXISTS (SELECT 1 FROM ${ident(t.table)} WHERE guild_id = ${guildId} AND (${sql.join(t.idColumns.map((c) => sql`${ident(c)} = ${userId}`), sql` OR `)}))`);
  const [row] = await queryRows<{ held: boolean }>(exec, sql`SELECT (${sql.join(probes, sql` OR `)}) AS held`);
  return row?.held === true;
}

/** The member's names as the directory knows them (for scrubbing quotes of them). */
async function namesOf(exec: Executor, guildId: string, userId: string): Promise<string[]> {
  const rows = await queryRows<{ username: string | null; display_name: string | null }>(exec, sql`SELECT username, display_name FROM members WHERE guild_id = ${guildId} AND user_id = ${userId}`);
  // Names shorter than three characters would be found inside other words.
  return [...new Set(rows.flatMap((r) => [r.username, r.display_name]).filter((n): n is string => typeof n === 'string' && n.length >= 3))];
}

/**
 * The id quoted in a text or JSON column replaced by the pseudonym, and the member's names by
 * "[erased]" (in JSON, as they are written inside its strings).
 */
function scrubbed(column: string, json: boolean, userId: string, pseudonym: string, names: string[]): SQL {
  let expr: SQL = sql`replace(${ident(column)}::text, ${userId}, ${pseudonym})`;
  for (const name of names) expr = sql`replace(${expr}, ${json ? JSON.stringify(name).slice(1, -1) : name}, '[erased]')`;
  return json ? sql`(${expr})::jsonb` : expr;
}

/** Rows whose text or JSON column quotes the id or a name. */
function quotes(column: string, userId: string, names: string[]): SQL {
  return sql.join([userId, ...names].map((n) => sql`strpos(${ident(column)}::text, ${n}) > 0`), sql` OR `);
}

export interface ErasureResult {
  pseudonym: string;
  deleted: Record<string, number>;
  pseudonymized: Record<string, number>;
}

/**
 * Erases the member from the guild inside the caller's transaction. Their lake rows go, but not the
 * exactly-once keys (lake_event_keys hold no member id): a replay of an old event of theirs stays a
 * duplicate and is never paid again.
 */
export async function eraseMember(tx: Executor, guildId: string, userId: string): Promise<ErasureResult> {
  const [{ p: pseudonym }] = (await queryRows<{ p: string }>(tx, sql`SELECT (-(floor(random() * 4611686018427387903)::bigint + 1))::text AS p`)) as [{ p: string }];
  const names = await namesOf(tx, guildId, userId);
  // The ledger's rows are append-only; an erasure alone may change whom they name (drizzle/0034).
  await tx.execute(sql`SELECT set_config('cairn.erasure', 'on', true)`);
  const deleted: Record<string, number> = {};
  const pseudonymized: Record<string, number> = {};
  for (const t of MEMBER_TABLES) {
    if (t.erasure === 'delete') {
      const match = sql.join(t.idColumns.map((c) => sql`${ident(c)} = ${userId}`), sql` OR `);
      const rows = await queryRows<{ n: number }>(tx, sql`WITH d AS (DELETE FROM ${ident(t.table)} WHERE guild_id = ${guildId} AND (${match}) RETURNING 1) SELECT count(*)::int AS n FROM d`);
      deleted[t.table] = (deleted[t.table] ?? 0) + rows[0]!.n;
      continue;
    }
    const sets = [
      ...t.idColumns.map((c) => sql`${ident(c)} = CASE WHEN ${ident(c)} = ${userId} THEN ${pseudonym}::bigint ELSE ${ident(c)} END`),
      ...(t.quoting ?? []).map(({ column, json }) => sql`${ident(column)} = ${scrubbed(column, json, userId, pseudonym, names)}`),
    ];
    const match = sql.join(t.idColumns.map((c) => sql`${ident(c)} = ${userId}`), sql` OR `);
    const rows = await queryRows<{ n: number }>(tx, sql`WITH u AS (UPDATE ${ident(t.table)} SET ${sql.join(sets, sql`, `)} WHERE guild_id = ${guildId} AND (${match}) RETURNING 1) SELECT count(*)::int AS n FROM u`);
    pseudonymized[t.table] = (pseudonymized[t.table] ?? 0) + rows[0]!.n;
  }
  // What the member wrote in their tickets is theirs: erased, the ticket's shape kept.
  await tx.execute(sql`UPDATE ticket_messages SET content = '[erased]' WHERE guild_id = ${guildId} AND author_id = ${pseudonym}::bigint`);
  for (const { table, column, json } of QUOTING_COLUMNS) {
    const rows = await queryRows<{ n: number }>(tx, sql`WITH u AS (UPDATE ${ident(table)} SET ${ident(column)} = ${scrubbed(column, json, userId, pseudonym, names)}
      WHERE guild_id = ${guildId} AND (${quotes(column, userId, names)}) RETURNING 1) SELECT count(*)::int AS n FROM u`);
    if (rows[0]!.n > 0) pseudonymized[table] = (pseudonymized[table] ?? 0) + rows[0]!.n;
  }
  return { pseudonym, deleted, pseudonymized };
}

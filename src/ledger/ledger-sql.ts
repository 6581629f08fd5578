// The ledger's SQL, and the only module that knows how wallets and transactions are stored: the
// statements that lock and create wallets, and those that write a batch of transactions and
// wallet states in one statement (JSON payloads with short keys keep it one parameter each).
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { MAX_BALANCE, MAX_LEVEL } from '../config/ranges.ts';
import { intArray, perMember } from '../db/sql.ts';
import type { LedgerWrite } from './apply-postings.ts';
import type { TransactionSource } from './posting.ts';
import type { WalletRef } from './wallet.ts';

/** A wallet row as read under its lock (amounts as bigint text, exact). */
export interface StoredWallet {
  guild_id: string;
  user_id: string;
  currency_id: number;
  balance: string;
  lifetime_earned: string;
  level: number | null;
  /** Absent when the caller knows the currency's rule already. */
  allow_negative?: boolean | null;
}

/**
 * A currency's start level for its new wallets, or NULL when the stored curve holds no level that
 * fits (a document stored before levels were bounded must not make every new member's event fail).
 */
const START_LEVEL = sql.raw(`CASE WHEN jsonb_typeof(cur.level_curve->'start_level') = 'number'
    AND (cur.level_curve->>'start_level')::numeric BETWEEN 0 AND ${MAX_LEVEL}
    AND (cur.level_curve->>'start_level')::numeric = trunc((cur.level_curve->>'start_level')::numeric)
  THEN (cur.level_curve->>'start_level')::int END`);

const refsJson = (refs: readonly WalletRef[]) => JSON.stringify(refs.map((k) => ({ g: k.guildId, u: k.userId, c: k.currencyId })));

/**
 * Locks the existing wallets among `list` (rows g, u, c), in (guild, member, currency) order, each
 * through the primary key: a join on the key was planned, for any list (a prepared statement's
 * generic plan), as a scan of every wallet in the database. The sorted list drives a nested loop
 * (`OFFSET 0` keeps its order and keeps it from being merged into a join).
 */
const lockListedWallets = (list: SQL) => sql`SELECT w.* FROM (SELECT g, u, c FROM ${list} ORDER BY g, u, c OFFSET 0) AS k
    CROSS JOIN LATERAL (SELECT guild_id, user_id, currency_id, balance, lifetime_earned, level FROM wallets
      WHERE guild_id = k.g AND user_id = k.u AND currency_id = k.c FOR UPDATE) AS w`;

/**
 * Inserts the missing wallets of `refs` (with their currency's start level) and locks the existing
 * ones, in key order. Both parts see one snapshot, so no wallet appears twice; locking with
 * FOR UPDATE rather than a no-op upsert leaves no dead row versions behind. Wallets whose currency
 * is not in the guild are not returned.
 */
export function insertAndLockWallets(tx: Executor, refs: readonly WalletRef[]): Promise<StoredWallet[]> {
  return queryRows<StoredWallet>(
    tx,
    sql`WITH v AS (
          SELECT * FROM json_to_recordset(${refsJson(refs)}::json) AS v(g bigint, u bigint, c int)
        ), ins AS (
          INSERT INTO wallets (guild_id, user_id, currency_id, level)
          SELECT v.g, v.u, v.c, ${START_LEVEL}
          FROM v JOIN currencies cur ON cur.id = v.c AND cur.guild_id = v.g
          ORDER BY v.g, v.u, v.c
          ON CONFLICT (guild_id, user_id, currency_id) DO NOTHING
          RETURNING guild_id, user_id, currency_id, balance, lifetime_earned, level
        ), locked AS (${lockListedWallets(sql`v`)}), found AS (SELECT * FROM ins UNION ALL SELECT * FROM locked)
        SELECT f.guild_id::text, f.user_id::text, f.currency_id, f.balance::text,
               f.lifetime_earned::text, f.level, c.allow_negative
        FROM found f JOIN currencies c ON c.id = f.currency_id`,
  );
}

/** Locks existing wallets in key order (those created by a concurrent transaction meanwhile). */
export function lockExistingWallets(tx: Executor, refs: readonly WalletRef[]): Promise<StoredWallet[]> {
  return queryRows<StoredWallet>(
    tx,
    sql`SELECT w.guild_id::text, w.user_id::text, w.currency_id, w.balance::text,
               w.lifetime_earned::text, w.level, c.allow_negative
        FROM (${lockListedWallets(sql`json_to_recordset(${refsJson(refs)}::json) AS v(g bigint, u bigint, c int)`)}) AS w
        JOIN currencies c ON c.id = w.currency_id
        ORDER BY w.guild_id, w.user_id, w.currency_id`,
  );
}

/**
 * Locks the members' existing wallets in some currencies, in (member, currency) order: member by
 * member through the primary key (db/sql.ts perMember), never a scan of the guild's wallets.
 */
function lockMembersWallets(guildId: string, members: readonly string[], currencyIds: readonly number[]): SQL {
  return perMember(members, (member) => sql`SELECT guild_id, user_id, currency_id, balance, lifetime_earned, level FROM wallets
      WHERE guild_id = ${guildId} AND user_id = ${member} AND currency_id = ANY(${intArray(currencyIds)})
      ORDER BY currency_id FOR UPDATE`);
}

/** Locks the existing wallets of members in some currencies, through the primary key, in order. */
export function lockMemberWalletRows(tx: Executor, guildId: string, members: readonly string[], currencyIds: readonly number[]): Promise<StoredWallet[]> {
  return queryRows<StoredWallet>(
    tx,
    sql`SELECT guild_id::text, user_id::text, currency_id, balance::text, lifetime_earned::text, level FROM (${lockMembersWallets(guildId, members, currencyIds)}) AS w
        ORDER BY user_id, currency_id`,
  );
}

/** A member's wallet to create if it is missing, with its currency's start level. */
export interface MemberWalletSeed {
  userId: string;
  currencyId: number;
  level: number | null;
}

/**
 * Locks the existing wallets among `wanted` (through the primary key, in (member, currency) order)
 * and then creates the missing ones, in one statement: the same order as a lock followed by an
 * insert. Both parts see one snapshot, so a wallet created by a concurrent transaction after it is
 * neither locked nor inserted (ON CONFLICT skips it): the caller locks those afterwards. `created`
 * tells the inserted rows apart.
 */
export function lockOrCreateMemberWallets(tx: Executor, guildId: string, wanted: readonly MemberWalletSeed[]): Promise<(StoredWallet & { created: boolean })[]> {
  const rows = wanted.map((m) => ({ u: m.userId, c: m.currencyId, lv: m.level }));
  const members = [...new Set(wanted.map((m) => m.userId))];
  const currencies = [...new Set(wanted.map((m) => m.currencyId))];
  return queryRows<StoredWallet & { created: boolean }>(
    tx,
    sql`WITH locked AS MATERIALIZED (${lockMembersWallets(guildId, members, currencies)}), ins AS (
          -- Runs after every existing wallet is locked (the outer query reads locked first).
          INSERT INTO wallets (guild_id, user_id, currency_id, level)
          SELECT ${guildId}, v.u, v.c, v.lv FROM json_to_recordset(${JSON.stringify(rows)}::json) AS v(u bigint, c int, lv int)
          WHERE NOT EXISTS (SELECT 1 FROM locked l WHERE l.user_id = v.u AND l.currency_id = v.c)
          ORDER BY v.u, v.c
          ON CONFLICT (guild_id, user_id, currency_id) DO NOTHING
          RETURNING guild_id, user_id, currency_id, balance, lifetime_earned, level
        )
        SELECT guild_id::text, user_id::text, currency_id, balance::text, lifetime_earned::text, level, false AS created FROM locked
        UNION ALL
        SELECT guild_id::text, user_id::text, currency_id, balance::text, lifetime_earned::text, level, true AS created FROM ins`,
  );
}

/** The (guild, idempotency key) pairs among these that are already recorded. */
export async function recordedIdemKeys(tx: Executor, keyed: readonly { guildId: string; idemKey: string }[]): Promise<{ guildId: string; idemKey: string }[]> {
  if (keyed.length === 0) return [];
  const rows = await queryRows<{ g: string; k: string }>(
    tx,
    sql`SELECT t.guild_id::text AS g, t.idem_key AS k FROM transactions t
        JOIN json_to_recordset(${JSON.stringify(keyed.map((p) => ({ g: p.guildId, k: p.idemKey })))}::json) AS v(g bigint, k text)
          ON t.guild_id = v.g AND t.idem_key = v.k`,
  );
  return rows.map((r) => ({ guildId: r.g, idemKey: r.k }));
}

/** A transaction row of the JSON payload. */
interface TransactionJson {
  g: string;
  u: string;
  c: number;
  d: number;
  b: number;
  s: TransactionSource;
  e: number | null;
  r: number | null;
  rv: number | null;
  sn: number | null;
  re: string | null;
  dt: Record<string, unknown> | null;
  k: string | null;
  t: string;
}

/** A wallet's final state in the JSON payload. */
interface WalletJson {
  g: string;
  u: string;
  c: number;
  b: number;
  l: number;
  lv: number | null;
}

function payload(write: LedgerWrite): { transactions: string; wallets: string } {
  const transactions: TransactionJson[] = write.transactions.map((t) => ({
    g: t.guildId, u: t.userId, c: t.currencyId, d: t.delta, b: t.balanceAfter, s: t.source, e: t.lakeEventId ?? null, r: t.ruleId ?? null,
    rv: t.ruleVersion ?? null, sn: t.seasonId ?? null, re: t.reason ?? null, dt: t.detail ?? null, k: t.idemKey ?? null, t: t.at.toISOString(),
  }));
  const wallets: WalletJson[] = write.wallets.map((w) => ({ g: w.guildId, u: w.userId, c: w.currencyId, b: w.balance, l: w.lifetimeEarned, lv: w.level }));
  return { transactions: JSON.stringify(transactions), wallets: JSON.stringify(wallets) };
}

/**
 * The two CTEs that write a ledger batch — `ins` (new transactions, RETURNING id) and `upd` (the
 * locked wallets' final states) — for callers that add more writes to the same statement (the
 * engine's batch adds rule firings, outbox rows and milestone awards).
 */
export function ledgerCtes(write: LedgerWrite): SQL {
  const json = payload(write);
  return sql`ins AS (
      INSERT INTO transactions (guild_id, user_id, currency_id, delta, balance_after, source,
        lake_event_id, rule_id, rule_version, season_id, reason, detail, idem_key, at)
      SELECT g, u, c, d, b, s, e, r, rv, sn, re, dt, k, t
      FROM json_to_recordset(${json.transactions}::json) AS v(g bigint, u bigint, c int,
        d bigint, b bigint, s text, e bigint, r int, rv int, sn int, re text, dt jsonb, k text, t timestamptz)
      RETURNING id
    ), upd AS (
      -- Every wallet exists and is locked by this transaction (so its row cannot move): each is
      -- found through the primary key, one lookup per wallet, and updated by its row address. A join
      -- on the key itself was planned, for any list (a prepared statement's generic plan), as a scan
      -- of every wallet in the database.
      UPDATE wallets w SET balance = v.b, lifetime_earned = v.l, level = v.lv, updated_at = now()
      FROM (
        SELECT v.*, k.addr FROM json_to_recordset(${json.wallets}::json) AS v(g bigint, u bigint, c int, b bigint, l bigint, lv int)
        CROSS JOIN LATERAL (SELECT ctid AS addr FROM wallets WHERE guild_id = v.g AND user_id = v.u AND currency_id = v.c OFFSET 0) AS k
      ) AS v
      WHERE w.ctid = v.addr
      RETURNING 1
    )`;
}

/**
 * Writes a batch's transactions and the wallets' final states in one statement. The caller holds
 * the wallets' locks and computed the batch with applyPostings. Returns the new transaction ids in
 * order.
 */
export async function writeLedger(tx: Executor, write: LedgerWrite): Promise<number[]> {
  if (write.transactions.length === 0 && write.wallets.length === 0) return [];
  const ids = await queryRows<{ id: string | number }>(tx, sql`WITH ${ledgerCtes(write)} SELECT id FROM ins ORDER BY id`);
  return ids.map((r) => Number(r.id));
}

/** One credit or debit for the single-statement path (ledger.ts decides when it applies). */
export interface SimpleMove {
  guildId: string;
  userId: string;
  /** Currency key or id. */
  currency: string | number;
  delta: number;
  source: TransactionSource;
  reason: string | null;
  idemKey: string | null;
  lakeEventId: number | null;
  at: Date;
}

/**
 * The common case in one statement (one round trip, atomic on its own): a credit upserts the
 * wallet, a debit updates it only if the balance allows (re-checked after any lock wait), and the
 * transaction row takes the resulting balance. It writes only what is plainly allowed — the
 * balance and lifetime total stay within ±MAX_BALANCE (the amount was checked by the caller) — and
 * returns undefined otherwise (unknown currency, too low a balance, a limit reached, or a first
 * debit of a currency that allows negatives), for applyPostings to decide and explain. A duplicate
 * idempotency key raises the unique violation.
 */
export async function moveInOneStatement(tx: Executor, m: SimpleMove): Promise<{ transactionId: number; balance: string } | undefined> {
  const currencyMatch = typeof m.currency === 'number' ? sql`id = ${m.currency}` : sql`key = ${m.currency}`;
  const earned = m.source === 'season_roll' ? 0 : Math.max(m.delta, 0);
  const change =
    m.delta > 0
      ? sql`INSERT INTO wallets AS w (guild_id, user_id, currency_id, balance, lifetime_earned, level)
            SELECT ${m.guildId}, ${m.userId}, cur.id, ${m.delta}, ${earned}, cur.start_level FROM cur
            ON CONFLICT (guild_id, user_id, currency_id) DO UPDATE
              SET balance = w.balance + excluded.balance,
                  lifetime_earned = w.lifetime_earned + excluded.lifetime_earned, updated_at = now()
              WHERE abs(w.balance::numeric + excluded.balance) <= ${MAX_BALANCE}
                AND w.lifetime_earned::numeric + excluded.lifetime_earned <= ${MAX_BALANCE}
            RETURNING w.currency_id, w.balance`
      : sql`UPDATE wallets w SET balance = w.balance + ${m.delta}, updated_at = now()
            FROM cur
            WHERE w.guild_id = ${m.guildId} AND w.user_id = ${m.userId} AND w.currency_id = cur.id
              AND (w.balance + ${m.delta} >= 0 OR cur.allow_negative)
              AND abs(w.balance::numeric + ${m.delta}) <= ${MAX_BALANCE}
            RETURNING w.currency_id, w.balance`;
  const [row] = await queryRows<{ id: string | number; balance_after: string }>(
    tx,
    sql`WITH cur AS (
          SELECT id, allow_negative, ${START_LEVEL} AS start_level
          FROM currencies cur WHERE guild_id = ${m.guildId} AND ${currencyMatch}
        ), moved AS (${change})
        INSERT INTO transactions (guild_id, user_id, currency_id, delta, balance_after, source, reason,
                                  idem_key, lake_event_id, at)
        SELECT ${m.guildId}, ${m.userId}, moved.currency_id, ${m.delta}, moved.balance, ${m.source},
               ${m.reason}, ${m.idemKey}, ${m.lakeEventId}, ${m.at.toISOString()}
        FROM moved
        RETURNING id, balance_after::text`,
  );
  return row ? { transactionId: Number(row.id), balance: row.balance_after } : undefined;
}

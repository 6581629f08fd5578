// The one write path of the ledger: postings → locked wallets → append-only transactions.
// Every credit, debit, transfer, award and season roll goes through postEntries().
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { bigintArray, intArray } from '../db/sql.ts';

export type TransactionSource =
  | 'rule'
  | 'manual'
  | 'shop'
  | 'season_roll'
  | 'milestone'
  | 'transfer'
  | 'import';

export interface Posting {
  guildId: string;
  userId: string;
  currencyId: number;
  /** Non-zero whole number: positive credits, negative debits. */
  delta: number;
  source: TransactionSource;
  at: Date;
  reason?: string | null;
  lakeEventId?: number | null;
  ruleId?: number | null;
  ruleVersion?: number | null;
  seasonId?: number | null;
  detail?: Record<string, unknown> | null;
  /** A posting whose key was already recorded is not applied again. */
  idemKey?: string | null;
  /** Allow this debit below zero even if the currency does not. */
  allowOverdraft?: boolean;
}

/** Lifetime earnings count every credit except a season reset of a negative balance. */
export const isEarning = (p: { delta: number; source: TransactionSource }) =>
  p.delta > 0 && p.source !== 'season_roll';

export type PostingStatus = 'applied' | 'duplicate' | 'insufficient';

export interface PostingResult {
  status: PostingStatus;
  /** Balance after the posting (after the wallet's previous postings in this call). */
  balance: number;
  lifetimeEarned: number;
  transactionId?: number;
}

export interface WalletState {
  guildId: string;
  userId: string;
  currencyId: number;
  balance: number;
  lifetimeEarned: number;
  level: number | null;
  allowNegative: boolean;
}

export interface LevelChange {
  guildId: string;
  userId: string;
  currencyId: number;
  level: number;
}

export class LedgerError extends Error {
  constructor(
    readonly code: 'unknown_currency' | 'invalid_amount',
    message: string,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

export const walletKey = (guildId: string, userId: string, currencyId: number) =>
  `${guildId}:${userId}:${currencyId}`;

function compareWalletKeys(
  a: { guildId: string; userId: string; currencyId: number },
  b: { guildId: string; userId: string; currencyId: number },
): number {
  return (
    compareIds(a.guildId, b.guildId) || compareIds(a.userId, b.userId) || a.currencyId - b.currencyId
  );
}

/** Numeric order of decimal id strings, matching Postgres' bigint order. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

interface WalletLockRow {
  guild_id: string;
  user_id: string;
  currency_id: number;
  balance: string | number;
  lifetime_earned: string | number;
  level: number | null;
  allow_negative: boolean | null;
}

/**
 * Creates missing wallets and locks all of them (stable key order, so concurrent batches never
 * deadlock). Returns their state. Must run inside a transaction.
 */
export async function lockWallets(
  tx: Executor,
  keys: { guildId: string; userId: string; currencyId: number }[],
): Promise<Map<string, WalletState>> {
  const unique = new Map<string, { guildId: string; userId: string; currencyId: number }>();
  for (const k of keys) unique.set(walletKey(k.guildId, k.userId, k.currencyId), k);
  const ordered = [...unique.values()].sort(compareWalletKeys);
  const states = new Map<string, WalletState>();
  if (ordered.length === 0) return states;
  const wanted = JSON.stringify(ordered.map((k) => ({ g: k.guildId, u: k.userId, c: k.currencyId })));
  // New wallets are inserted (and so held by us); existing ones are locked in key order. The two
  // parts see the same snapshot, so no wallet appears twice. Locking with FOR UPDATE rather than a
  // no-op upsert leaves no dead row versions behind.
  const rows = await queryRows<WalletLockRow>(
    tx,
    sql`WITH v AS (
          SELECT * FROM json_to_recordset(${wanted}::json) AS v(g bigint, u bigint, c int)
        ), ins AS (
          INSERT INTO wallets (guild_id, user_id, currency_id, level)
          SELECT v.g, v.u, v.c, (cur.level_curve->>'start_level')::int
          FROM v JOIN currencies cur ON cur.id = v.c AND cur.guild_id = v.g
          ORDER BY v.g, v.u, v.c
          ON CONFLICT (guild_id, user_id, currency_id) DO NOTHING
          RETURNING guild_id, user_id, currency_id, balance, lifetime_earned, level
        ), locked AS (
          SELECT w.guild_id, w.user_id, w.currency_id, w.balance, w.lifetime_earned, w.level
          FROM wallets w JOIN v ON w.guild_id = v.g AND w.user_id = v.u AND w.currency_id = v.c
          ORDER BY w.guild_id, w.user_id, w.currency_id
          FOR UPDATE OF w
        ), found AS (SELECT * FROM ins UNION ALL SELECT * FROM locked)
        SELECT f.guild_id::text, f.user_id::text, f.currency_id, f.balance::text,
               f.lifetime_earned::text, f.level, c.allow_negative
        FROM found f JOIN currencies c ON c.id = f.currency_id`,
  );
  const found = new Set(rows.map((r) => walletKey(r.guild_id, r.user_id, r.currency_id)));
  const missing = ordered.filter((k) => !found.has(walletKey(k.guildId, k.userId, k.currencyId)));
  if (missing.length > 0) {
    // Wallets created by a concurrent transaction after our snapshot: lock them now, freshly.
    rows.push(
      ...(await queryRows<WalletLockRow>(
        tx,
        sql`SELECT w.guild_id::text, w.user_id::text, w.currency_id, w.balance::text,
                   w.lifetime_earned::text, w.level, c.allow_negative
            FROM wallets w
            JOIN json_to_recordset(${JSON.stringify(missing.map((k) => ({ g: k.guildId, u: k.userId, c: k.currencyId })))}::json)
              AS v(g bigint, u bigint, c int) ON w.guild_id = v.g AND w.user_id = v.u AND w.currency_id = v.c
            JOIN currencies c ON c.id = w.currency_id
            ORDER BY w.guild_id, w.user_id, w.currency_id
            FOR UPDATE OF w`,
      )),
    );
  }
  for (const r of rows) {
    states.set(walletKey(r.guild_id, r.user_id, r.currency_id), {
      guildId: r.guild_id,
      userId: r.user_id,
      currencyId: r.currency_id,
      balance: Number(r.balance),
      lifetimeEarned: Number(r.lifetime_earned),
      level: r.level,
      allowNegative: r.allow_negative === true,
    });
  }
  for (const k of ordered) {
    if (!states.has(walletKey(k.guildId, k.userId, k.currencyId))) {
      throw new LedgerError(
        'unknown_currency',
        `currency ${k.currencyId} does not exist in guild ${k.guildId}`,
      );
    }
  }
  return states;
}

/**
 * Locks every wallet of these members in a guild (for the given currencies), creating missing
 * ones: the engine's batch reads balances and levels under these locks. Existing wallets are
 * locked through the primary key in (member, currency) order; only missing ones are inserted.
 */
export async function lockMemberWallets(
  tx: Executor,
  guildId: string,
  memberIds: string[],
  currencies: { id: number; startLevel: number | null; allowNegative: boolean }[],
): Promise<Map<string, WalletState>> {
  const states = new Map<string, WalletState>();
  if (memberIds.length === 0 || currencies.length === 0) return states;
  const byId = new Map(currencies.map((c) => [c.id, c]));
  const members = [...new Set(memberIds)].sort(compareIds);
  const add = (rows: { user_id: string; currency_id: number; balance: string | number; lifetime_earned: string | number; level: number | null }[]) => {
    for (const r of rows) {
      const currency = byId.get(r.currency_id);
      if (!currency) continue;
      states.set(walletKey(guildId, r.user_id, r.currency_id), {
        guildId, userId: r.user_id, currencyId: r.currency_id, balance: Number(r.balance),
        lifetimeEarned: Number(r.lifetime_earned), level: r.level, allowNegative: currency.allowNegative,
      });
    }
  };
  const select = () =>
    queryRows<{ user_id: string; currency_id: number; balance: string; lifetime_earned: string; level: number | null }>(
      tx,
      sql`SELECT user_id::text, currency_id, balance::text, lifetime_earned::text, level FROM wallets
          WHERE guild_id = ${guildId} AND user_id = ANY(${bigintArray(members)}) AND currency_id = ANY(${intArray([...byId.keys()])})
          ORDER BY user_id, currency_id FOR UPDATE`,
    );
  add(await select());
  const missing = members.flatMap((u) => currencies.filter((c) => !states.has(walletKey(guildId, u, c.id))).map((c) => ({ u, c: c.id, lv: c.startLevel })));
  if (missing.length === 0) return states;
  const inserted = await queryRows<{ user_id: string; currency_id: number; balance: string; lifetime_earned: string; level: number | null }>(
    tx,
    sql`INSERT INTO wallets (guild_id, user_id, currency_id, level)
        SELECT ${guildId}, u, c, lv FROM json_to_recordset(${JSON.stringify(missing)}::json) AS v(u bigint, c int, lv int) ORDER BY u, c
        ON CONFLICT (guild_id, user_id, currency_id) DO NOTHING
        RETURNING user_id::text, currency_id, balance::text, lifetime_earned::text, level`,
  );
  add(inserted);
  if (inserted.length < missing.length) add(await select()); // created concurrently meanwhile: lock those too
  return states;
}

/**
 * Applies postings in order inside the caller's transaction. Wallets are locked first, so the
 * computed balance_after values are exact; debits never overdraw unless the currency allows it;
 * postings whose idempotency key already exists are reported as duplicates and not applied.
 * All rows are written in two statements whatever the number of postings.
 */
export async function postEntries(
  tx: Executor,
  postings: Posting[],
  options: { wallets?: Map<string, WalletState>; levels?: LevelChange[] } = {},
): Promise<PostingResult[]> {
  for (const p of postings) {
    if (!Number.isSafeInteger(p.delta)) {
      throw new LedgerError('invalid_amount', `amount must be a whole number, got ${p.delta}`);
    }
  }
  const wallets =
    options.wallets ??
    (await lockWallets(tx, [
      ...postings,
      ...(options.levels ?? []),
    ]));
  const duplicates = await existingIdemKeys(tx, postings);
  const seenInCall = new Set<string>();
  const results: PostingResult[] = [];
  const rows: LedgerRow[] = [];
  const touched = new Set<string>();
  for (const p of postings) {
    const key = walletKey(p.guildId, p.userId, p.currencyId);
    const wallet = wallets.get(key);
    if (!wallet) throw new LedgerError('unknown_currency', `wallet ${key} was not locked`);
    const idem = p.idemKey ? `${p.guildId}\u0000${p.idemKey}` : undefined;
    if (p.delta === 0 || (idem && (duplicates.has(idem) || seenInCall.has(idem)))) {
      results.push({ status: 'duplicate', balance: wallet.balance, lifetimeEarned: wallet.lifetimeEarned });
      continue;
    }
    if (p.delta < 0 && wallet.balance + p.delta < 0 && !wallet.allowNegative && !p.allowOverdraft) {
      results.push({ status: 'insufficient', balance: wallet.balance, lifetimeEarned: wallet.lifetimeEarned });
      continue;
    }
    if (idem) seenInCall.add(idem);
    wallet.balance += p.delta;
    if (isEarning(p)) wallet.lifetimeEarned += p.delta;
    touched.add(key);
    rows.push({
      g: p.guildId,
      u: p.userId,
      c: p.currencyId,
      d: p.delta,
      b: wallet.balance,
      s: p.source,
      e: p.lakeEventId ?? null,
      r: p.ruleId ?? null,
      rv: p.ruleVersion ?? null,
      sn: p.seasonId ?? null,
      re: p.reason ?? null,
      dt: p.detail ?? null,
      k: p.idemKey ?? null,
      t: p.at.toISOString(),
    });
    results.push({ status: 'applied', balance: wallet.balance, lifetimeEarned: wallet.lifetimeEarned });
  }
  for (const l of options.levels ?? []) {
    const key = walletKey(l.guildId, l.userId, l.currencyId);
    const wallet = wallets.get(key);
    if (wallet && wallet.level !== l.level) {
      wallet.level = l.level;
      touched.add(key);
    }
  }
  if (touched.size === 0) return results;
  const walletRows: WalletRow[] = [...touched].map((key) => {
    const w = wallets.get(key)!;
    return { g: w.guildId, u: w.userId, c: w.currencyId, b: w.balance, l: w.lifetimeEarned, lv: w.level };
  });
  const ids = await writeLedgerRows(tx, rows, walletRows);
  let i = 0;
  for (const r of results) if (r.status === 'applied') r.transactionId = ids[i++];
  return results;
}

/** A transaction row whose balance_after is already known (keys shortened for the JSON payload). */
export interface LedgerRow {
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

/** A wallet's final state after a batch of postings. */
export interface WalletRow {
  g: string;
  u: string;
  c: number;
  b: number;
  l: number;
  lv: number | null;
}

/**
 * Writes computed transactions and the wallets' final states in one statement. The caller holds
 * the wallets' locks (lockWallets) and computed every balance_after from the locked state.
 * Returns the new transaction ids in row order.
 */
export async function writeLedgerRows(tx: Executor, rows: LedgerRow[], walletRows: WalletRow[]): Promise<number[]> {
  if (rows.length === 0 && walletRows.length === 0) return [];
  const ids = await queryRows<{ id: string | number }>(tx, sql`WITH ${ledgerCtes(rows, walletRows)} SELECT id FROM ins ORDER BY id`);
  return ids.map((r) => Number(r.id));
}

/**
 * The two CTEs that write a ledger batch — `ins` (new transactions, RETURNING id) and `upd` (the
 * locked wallets' final states) — for callers that add more writes to the same statement.
 */
export function ledgerCtes(rows: LedgerRow[], walletRows: WalletRow[]): SQL {
  return sql`ins AS (
      INSERT INTO transactions (guild_id, user_id, currency_id, delta, balance_after, source,
        lake_event_id, rule_id, rule_version, season_id, reason, detail, idem_key, at)
      SELECT g, u, c, d, b, s, e, r, rv, sn, re, dt, k, t
      FROM json_to_recordset(${JSON.stringify(rows)}::json) AS v(g bigint, u bigint, c int,
        d bigint, b bigint, s text, e bigint, r int, rv int, sn int, re text, dt jsonb, k text, t timestamptz)
      RETURNING id
    ), upd AS (
      -- Every wallet exists and is locked by this transaction: update through the primary key.
      UPDATE wallets w SET balance = v.b, lifetime_earned = v.l, level = v.lv, updated_at = now()
      FROM json_to_recordset(${JSON.stringify(walletRows)}::json) AS v(g bigint, u bigint, c int, b bigint, l bigint, lv int)
      WHERE w.guild_id = v.g AND w.user_id = v.u AND w.currency_id = v.c
      RETURNING 1
    )`;
}

async function existingIdemKeys(tx: Executor, postings: Posting[]): Promise<Set<string>> {
  const keyed = postings.filter((p) => p.idemKey);
  if (keyed.length === 0) return new Set();
  const rows = await queryRows<{ g: string; k: string }>(
    tx,
    sql`SELECT t.guild_id::text AS g, t.idem_key AS k FROM transactions t
        JOIN json_to_recordset(${JSON.stringify(
          keyed.map((p) => ({ g: p.guildId, k: p.idemKey })),
        )}::json) AS v(g bigint, k text) ON t.guild_id = v.g AND t.idem_key = v.k`,
  );
  return new Set(rows.map((r) => `${r.g}\u0000${r.k}`));
}

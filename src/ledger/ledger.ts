// Ledger operations for callers outside the engine: credit, debit, transfer, manual award (and
// why one would be refused).
// Each runs in its own transaction unless given one, and returns expected failures as values.
import { and, eq, sql } from 'drizzle-orm';
import { amountProblem } from '../config/ranges.ts';
import { queryRows, sqlState, type Db, type Executor } from '../db/client.ts';
import { currencies, wallets } from '../db/schema.ts';
import { applyPostings, postingProblem } from './apply-postings.ts';
import { moveInOneStatement } from './ledger-sql.ts';
import type { Posting, TransactionSource } from './posting.ts';
import { postEntries, type PostingResult } from './postings.ts';
import { readStoredAmount } from './wallet.ts';
import { lockWallets } from './wallet-locks.ts';

export interface Movement {
  guildId: string;
  userId: string;
  /** Currency key (e.g. "gold") or id. */
  currency: string | number;
  /** Positive whole number, at most MAX_AMOUNT. */
  amount: number;
  reason?: string | null;
  at?: Date;
  idemKey?: string | null;
  source?: TransactionSource;
  lakeEventId?: number | null;
}

export type LedgerOutcome =
  | { ok: true; status: 'applied' | 'duplicate'; balance: number; transactionId?: number }
  | { ok: false; code: 'insufficient_funds' | 'unknown_currency' | 'invalid_amount' | 'out_of_range'; message: string };

export async function resolveCurrencyId(
  exec: Executor,
  guildId: string,
  currency: string | number,
): Promise<number | undefined> {
  const where =
    typeof currency === 'number'
      ? and(eq(currencies.guildId, guildId), eq(currencies.id, currency))
      : and(eq(currencies.guildId, guildId), eq(currencies.key, currency));
  const [row] = await exec.select({ id: currencies.id }).from(currencies).where(where).limit(1);
  return row?.id;
}

function invalidAmount(amount: number): LedgerOutcome | undefined {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    return { ok: false, code: 'invalid_amount', message: `amount must be a positive whole number, got ${amount}` };
  }
  const beyond = amountProblem(amount);
  return beyond ? { ok: false, code: 'out_of_range', message: beyond } : undefined;
}

function outcome(result: PostingResult | undefined): LedgerOutcome {
  if (!result) return { ok: false, code: 'invalid_amount', message: 'nothing was posted' };
  if (result.status === 'insufficient') {
    return { ok: false, code: 'insufficient_funds', message: `balance ${result.balance} is too low` };
  }
  if (result.status === 'out_of_range') return { ok: false, code: 'out_of_range', message: result.reason ?? 'out of range' };
  return {
    ok: true,
    status: result.status,
    balance: result.balance,
    ...(result.transactionId !== undefined ? { transactionId: result.transactionId } : {}),
  };
}

async function move(db: Db, m: Movement, sign: 1 | -1, defaultSource: TransactionSource): Promise<LedgerOutcome> {
  const bad = invalidAmount(m.amount);
  if (bad) return bad;
  const fast = await moveFast(db, m, sign, defaultSource);
  if (fast) return fast;
  // The general path: unknown currencies, first debits of a currency that allows negatives, limits.
  return db.transaction(async (tx) => {
    const currencyId = await resolveCurrencyId(tx, m.guildId, m.currency);
    if (currencyId === undefined) {
      return { ok: false, code: 'unknown_currency', message: `unknown currency "${m.currency}"` } as const;
    }
    const [result] = await postEntries(tx, [
      {
        guildId: m.guildId,
        userId: m.userId,
        currencyId,
        delta: sign * m.amount,
        source: m.source ?? defaultSource,
        at: m.at ?? new Date(),
        reason: m.reason ?? null,
        idemKey: m.idemKey ?? null,
        lakeEventId: m.lakeEventId ?? null,
      },
    ]);
    return outcome(result);
  });
}

/** The single-statement path for a plain credit or debit; undefined when the general path must decide. */
async function moveFast(db: Db, m: Movement, sign: 1 | -1, defaultSource: TransactionSource): Promise<LedgerOutcome | undefined> {
  try {
    const moved = await moveInOneStatement(db, {
      guildId: m.guildId, userId: m.userId, currency: m.currency, delta: sign * m.amount, source: m.source ?? defaultSource,
      reason: m.reason ?? null, idemKey: m.idemKey ?? null, lakeEventId: m.lakeEventId ?? null, at: m.at ?? new Date(),
    });
    if (!moved) return sign < 0 ? await insufficientOrUndecided(db, m) : undefined;
    return { ok: true, status: 'applied', balance: Number(moved.balance), transactionId: moved.transactionId };
  } catch (error) {
    if (sqlState(error) === '23505' && m.idemKey) return undefined; // duplicate: the general path reports it
    throw error;
  }
}

/**
 * A debit the fast path did not apply: plainly too low a balance in a currency that does not allow
 * negatives (answered without a transaction), or a case for the general path.
 */
async function insufficientOrUndecided(db: Db, m: Movement): Promise<LedgerOutcome | undefined> {
  const currencyId = await resolveCurrencyId(db, m.guildId, m.currency);
  if (currencyId === undefined) return undefined;
  const [wallet] = await db
    .select({ balance: wallets.balance, allowNegative: currencies.allowNegative })
    .from(wallets)
    .innerJoin(currencies, eq(currencies.id, wallets.currencyId))
    .where(and(eq(wallets.guildId, m.guildId), eq(wallets.userId, m.userId), eq(wallets.currencyId, currencyId)));
  if (!wallet || wallet.allowNegative || wallet.balance - m.amount >= 0) return undefined;
  return { ok: false, code: 'insufficient_funds', message: `balance ${wallet.balance} is too low` };
}

export const credit = (db: Db, m: Movement) => move(db, m, 1, 'manual');
export const debit = (db: Db, m: Movement) => move(db, m, -1, 'manual');

/** An admin's award (or fine, with a negative amount) to a member, recorded as source "manual". */
export async function manualAward(
  db: Db,
  m: Omit<Movement, 'amount' | 'source'> & { amount: number; awardedBy: string },
): Promise<LedgerOutcome> {
  if (!Number.isSafeInteger(m.amount) || m.amount === 0) {
    return { ok: false, code: 'invalid_amount', message: `amount must be a non-zero whole number, got ${m.amount}` };
  }
  const beyond = amountProblem(m.amount);
  if (beyond) return { ok: false, code: 'out_of_range', message: beyond };
  const reason = `${m.reason ?? 'manual award'} (by ${m.awardedBy})`;
  const movement = { ...m, amount: Math.abs(m.amount), reason, source: 'manual' as const };
  return m.amount > 0 ? credit(db, movement) : debit(db, movement);
}

/** Moves an amount between two members atomically: both postings or neither (checked before either is written). */
export async function transfer(
  db: Db,
  t: { guildId: string; fromUserId: string; toUserId: string; currency: string | number; amount: number; reason?: string; at?: Date; idemKey?: string },
): Promise<LedgerOutcome> {
  const bad = invalidAmount(t.amount);
  if (bad) return bad;
  return db.transaction(async (tx) => {
    const currencyId = await resolveCurrencyId(tx, t.guildId, t.currency);
    if (currencyId === undefined) {
      return { ok: false, code: 'unknown_currency', message: `unknown currency "${t.currency}"` } as const;
    }
    const from = { guildId: t.guildId, userId: t.fromUserId, currencyId };
    const to = { guildId: t.guildId, userId: t.toUserId, currencyId };
    const locked = await lockWallets(tx, [from, to]);
    const at = t.at ?? new Date();
    const base = { source: 'transfer' as const, at, reason: t.reason ?? null };
    const postings: Posting[] = [
      { ...from, ...base, delta: -t.amount, idemKey: t.idemKey ? `${t.idemKey}:out` : null, detail: { to: t.toUserId } },
      { ...to, ...base, delta: t.amount, idemKey: t.idemKey ? `${t.idemKey}:in` : null, detail: { from: t.fromUserId } },
    ];
    const refused = applyPostings(locked, postings).results.find((r) => r.status !== 'applied');
    if (refused) return outcome(refused);
    const [out] = await postEntries(tx, postings, { wallets: locked });
    return outcome(out);
  });
}

/**
 * Why a manual award of `amount` (negative: a fine) to this member would be refused right now, in
 * plain words, or undefined if it would apply: the same checks the engine makes (ranges, too low a
 * balance), on the wallet as stored. For answering a refused award, or checking one before it is
 * recorded; the engine decides again under the wallet's lock.
 */
export async function awardRefusal(exec: Executor, guildId: string, userId: string, currency: string | number, amount: number): Promise<Extract<LedgerOutcome, { ok: false }> | undefined> {
  const bad = amount === 0 ? 'the amount must not be 0' : amountProblem(amount);
  if (bad) return { ok: false, code: amount === 0 ? 'invalid_amount' : 'out_of_range', message: bad };
  const currencyId = await resolveCurrencyId(exec, guildId, currency);
  if (currencyId === undefined) return { ok: false, code: 'unknown_currency', message: `unknown currency "${currency}"` };
  const [row] = await queryRows<{ balance: string | null; lifetime_earned: string | null; allow_negative: boolean }>(
    exec,
    sql`SELECT w.balance::text, w.lifetime_earned::text, c.allow_negative FROM currencies c
        LEFT JOIN wallets w ON w.currency_id = c.id AND w.guild_id = ${guildId} AND w.user_id = ${userId}
        WHERE c.id = ${currencyId}`,
  );
  const balance = readStoredAmount(row?.balance ?? '0', 'balance');
  const lifetime = readStoredAmount(row?.lifetime_earned ?? '0', 'lifetime total');
  const problem = balance.problem ?? lifetime.problem;
  if (problem) return { ok: false, code: 'out_of_range', message: problem };
  if (amount < 0 && balance.value + amount < 0 && !row?.allow_negative) {
    return { ok: false, code: 'insufficient_funds', message: `the balance ${balance.value.toLocaleString('en-US')} is too low to take ${(-amount).toLocaleString('en-US')}` };
  }
  const beyond = postingProblem({ balance: balance.value, lifetimeEarned: lifetime.value }, { delta: amount, source: 'manual' });
  return beyond ? { ok: false, code: 'out_of_range', message: beyond } : undefined;
}

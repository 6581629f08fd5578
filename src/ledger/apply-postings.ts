// The ledger's arithmetic, pure: postings applied in order to the wallets' locked states. It
// decides every posting (applied, duplicate, insufficient, out of range) and produces the
// transactions and final wallet states to write; no database, so it is tested on its own and
// shared by every caller. Exactness lives here: every amount, balance and lifetime total stays a
// whole number within the documented ranges (src/config/ranges.ts), so a JS number holds it exactly.
import { amountProblem, limitProblem, MAX_AMOUNT } from '../config/ranges.ts';
import { idemOf, isEarning, LedgerError, type LevelChange, type Posting, type TransactionSource } from './posting.ts';
import { keyOf, type WalletState } from './wallet.ts';

export type PostingStatus = 'applied' | 'duplicate' | 'insufficient' | 'out_of_range';

export interface PostingOutcome {
  status: PostingStatus;
  /** Balance after the posting (after the wallet's earlier postings in this call). */
  balance: number;
  lifetimeEarned: number;
  /** Why a posting was refused as out of range, in plain words. */
  reason?: string;
}

/**
 * Sources that set a balance rather than move an amount (an import, a season reset): any exact
 * difference is allowed, as long as the balance it leaves is within range.
 */
const SETS_BALANCE: ReadonlySet<TransactionSource> = new Set(['import', 'season_roll']);

const maxDelta = (source: TransactionSource) => (SETS_BALANCE.has(source) ? Number.MAX_SAFE_INTEGER : MAX_AMOUNT);

/** Why this posting cannot be applied to this wallet within the ranges, or undefined. */
export function postingProblem(wallet: Pick<WalletState, 'balance' | 'lifetimeEarned' | 'problem'>, p: Pick<Posting, 'delta' | 'source'>): string | undefined {
  return wallet.problem ?? amountProblem(p.delta, maxDelta(p.source)) ?? limitProblem(wallet, p.delta, isEarning(p));
}

/** A transaction to record: the posting and the balance it leaves. */
export interface TransactionRecord extends Posting {
  balanceAfter: number;
}

/** What a batch of postings writes: its transactions in order, and the wallets it changed. */
export interface LedgerWrite {
  transactions: TransactionRecord[];
  wallets: WalletState[];
}

export interface AppliedPostings {
  results: PostingOutcome[];
  write: LedgerWrite;
}

export interface ApplyOptions {
  /** Idempotency keys already recorded (idemOf(guild, key)): those postings are duplicates. */
  duplicates?: ReadonlySet<string>;
  /** Levels to set once the postings are applied. */
  levels?: readonly LevelChange[];
}

/**
 * Applies postings in order to copies of the given wallets (which are left as they are). Debits
 * never overdraw unless the currency or the posting allows it; a posting whose idempotency key was
 * recorded, or seen earlier in the call, is a duplicate and not applied; one whose amount, or the
 * balance or lifetime total it would leave, is outside the ranges is refused with the reason.
 */
export function applyPostings(wallets: ReadonlyMap<string, WalletState>, postings: readonly Posting[], options: ApplyOptions = {}): AppliedPostings {
  const changed = new Map<string, WalletState>();
  const current = (key: string): WalletState | undefined => {
    const seen = changed.get(key);
    if (seen) return seen;
    const locked = wallets.get(key);
    return locked ? { ...locked } : undefined;
  };
  const seenInCall = new Set<string>();
  const results: PostingOutcome[] = [];
  const transactions: TransactionRecord[] = [];
  for (const p of postings) {
    const key = keyOf(p);
    const wallet = current(key);
    if (!wallet) throw new LedgerError('unknown_currency', `wallet ${key} was not locked`);
    const idem = p.idemKey ? idemOf(p.guildId, p.idemKey) : undefined;
    if (p.delta === 0 || (idem && (options.duplicates?.has(idem) || seenInCall.has(idem)))) {
      results.push({ status: 'duplicate', balance: wallet.balance, lifetimeEarned: wallet.lifetimeEarned });
      continue;
    }
    // A malformed amount is refused before the balance is looked at; a too-low balance is the
    // ordinary refusal; the limits on the result come last.
    const malformed = wallet.problem ?? amountProblem(p.delta, maxDelta(p.source));
    if (malformed) {
      results.push({ status: 'out_of_range', balance: wallet.balance, lifetimeEarned: wallet.lifetimeEarned, reason: malformed });
      continue;
    }
    if (p.delta < 0 && wallet.balance + p.delta < 0 && !wallet.allowNegative && !p.allowOverdraft) {
      results.push({ status: 'insufficient', balance: wallet.balance, lifetimeEarned: wallet.lifetimeEarned });
      continue;
    }
    const beyond = limitProblem(wallet, p.delta, isEarning(p));
    if (beyond) {
      results.push({ status: 'out_of_range', balance: wallet.balance, lifetimeEarned: wallet.lifetimeEarned, reason: beyond });
      continue;
    }
    if (idem) seenInCall.add(idem);
    wallet.balance += p.delta;
    if (isEarning(p)) wallet.lifetimeEarned += p.delta;
    changed.set(key, wallet);
    transactions.push({ ...p, balanceAfter: wallet.balance });
    results.push({ status: 'applied', balance: wallet.balance, lifetimeEarned: wallet.lifetimeEarned });
  }
  for (const l of options.levels ?? []) {
    const key = keyOf(l);
    const wallet = current(key);
    if (wallet && wallet.level !== l.level) {
      wallet.level = l.level;
      changed.set(key, wallet);
    }
  }
  return { results, write: { transactions, wallets: [...changed.values()] } };
}

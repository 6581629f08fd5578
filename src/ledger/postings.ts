// The one write path of the ledger: postings → locked wallets → applyPostings → append-only
// transactions. Every credit, debit, transfer, award, purchase, import and season roll goes
// through postEntries() (or, for the engine's batch, through applyPostings and ledgerCtes in one
// statement with its other writes).
import type { Executor } from '../db/client.ts';
import { applyPostings, type PostingOutcome } from './apply-postings.ts';
import { recordedIdemKeys, writeLedger } from './ledger-sql.ts';
import { idemOf, type LevelChange, type Posting } from './posting.ts';
import type { WalletState } from './wallet.ts';
import { lockWallets } from './wallet-locks.ts';

// Kept for modules that order member ids the ledger's way.
export { compareIds } from './wallet.ts';

export interface PostingResult extends PostingOutcome {
  transactionId?: number;
}

/**
 * Applies postings in order inside the caller's transaction. Wallets are locked first (unless the
 * caller locked them and passes them), so the computed balance_after values are exact; debits never
 * overdraw unless the currency allows it; postings whose idempotency key already exists are
 * reported as duplicates, and those outside the ranges as out_of_range, and neither is applied.
 * All rows are written in one statement.
 */
export async function postEntries(
  tx: Executor,
  postings: Posting[],
  options: { wallets?: Map<string, WalletState>; levels?: LevelChange[] } = {},
): Promise<PostingResult[]> {
  const levels = options.levels ?? [];
  const wallets = options.wallets ?? (await lockWallets(tx, [...postings, ...levels]));
  const keyed = postings.flatMap((p) => (p.idemKey ? [{ guildId: p.guildId, idemKey: p.idemKey }] : []));
  const duplicates = new Set((await recordedIdemKeys(tx, keyed)).map((k) => idemOf(k.guildId, k.idemKey)));
  const { results, write } = applyPostings(wallets, postings, { duplicates, levels });
  const ids = await writeLedger(tx, write);
  let i = 0;
  return results.map((r) => (r.status === 'applied' ? { ...r, transactionId: ids[i++]! } : r));
}

// Wallet locks: every change to money starts by locking the wallets it touches (creating missing
// ones) in one stable order, so concurrent batches queue instead of deadlocking, and reading their
// state under the lock, so the balances computed from it are exact. Must run inside a transaction.
import { MAX_LEVEL } from '../config/ranges.ts';
import type { Executor } from '../db/client.ts';
import { insertAndLockWallets, lockExistingWallets, lockMemberWalletRows, lockOrCreateMemberWallets, type StoredWallet } from './ledger-sql.ts';
import { LedgerError } from './posting.ts';
import { compareIds, compareWallets, keyOf, readStoredAmount, walletKey, type WalletRef, type WalletState } from './wallet.ts';

/** A stored wallet as the ledger holds it in memory: amounts parsed exactly, or flagged. */
function toWalletState(row: StoredWallet, allowNegative: boolean): WalletState {
  const balance = readStoredAmount(row.balance, 'balance');
  const lifetime = readStoredAmount(row.lifetime_earned, 'lifetime total');
  const problem = balance.problem ?? lifetime.problem;
  return {
    guildId: row.guild_id,
    userId: row.user_id,
    currencyId: row.currency_id,
    balance: balance.value,
    lifetimeEarned: lifetime.value,
    level: row.level,
    allowNegative,
    ...(problem ? { problem } : {}),
  };
}

/** A currency's start level for new wallets, if it is a level that can be stored. */
const storableLevel = (level: number | null) => (level !== null && Number.isSafeInteger(level) && level >= 0 && level <= MAX_LEVEL ? level : null);

/**
 * Creates missing wallets and locks all of them (stable key order, so concurrent batches never
 * deadlock). Returns their state by walletKey; a currency that is not the guild's is an error.
 */
export async function lockWallets(tx: Executor, refs: readonly WalletRef[]): Promise<Map<string, WalletState>> {
  const unique = new Map<string, WalletRef>();
  for (const r of refs) unique.set(keyOf(r), { guildId: r.guildId, userId: r.userId, currencyId: r.currencyId });
  const ordered = [...unique.values()].sort(compareWallets);
  const states = new Map<string, WalletState>();
  if (ordered.length === 0) return states;
  const rows = await insertAndLockWallets(tx, ordered);
  const found = new Set(rows.map((r) => walletKey(r.guild_id, r.user_id, r.currency_id)));
  const missing = ordered.filter((r) => !found.has(keyOf(r)));
  // Wallets created by a concurrent transaction after our snapshot: lock them now, freshly.
  if (missing.length > 0) rows.push(...(await lockExistingWallets(tx, missing)));
  for (const r of rows) states.set(walletKey(r.guild_id, r.user_id, r.currency_id), toWalletState(r, r.allow_negative === true));
  for (const r of ordered) {
    if (!states.has(keyOf(r))) throw new LedgerError('unknown_currency', `currency ${r.currencyId} does not exist in guild ${r.guildId}`);
  }
  return states;
}

/**
 * Locks every wallet of these members in a guild (for the given currencies), creating missing
 * ones: the engine's batch reads balances and levels under these locks. Existing wallets are
 * locked through the primary key in (member, currency) order, then the missing ones are inserted,
 * in one statement; only wallets created concurrently meanwhile take another.
 */
export async function lockMemberWallets(
  tx: Executor,
  guildId: string,
  memberIds: readonly string[],
  currencies: readonly { id: number; startLevel: number | null; allowNegative: boolean }[],
): Promise<Map<string, WalletState>> {
  return (await lockMemberWalletsTelling(tx, guildId, memberIds, currencies)).wallets;
}

/**
 * lockMemberWallets, telling whether some wallets, created concurrently, took a second statement:
 * statements the caller issued after the first one ran before those locks were held.
 */
export async function lockMemberWalletsTelling(
  tx: Executor,
  guildId: string,
  memberIds: readonly string[],
  currencies: readonly { id: number; startLevel: number | null; allowNegative: boolean }[],
): Promise<{ wallets: Map<string, WalletState>; secondStatement: boolean }> {
  const states = new Map<string, WalletState>();
  if (memberIds.length === 0 || currencies.length === 0) return { wallets: states, secondStatement: false };
  const byId = new Map(currencies.map((c) => [c.id, c]));
  const members = [...new Set(memberIds)].sort(compareIds);
  const add = (rows: StoredWallet[]) => {
    for (const r of rows) {
      const currency = byId.get(r.currency_id);
      if (currency) states.set(walletKey(guildId, r.user_id, r.currency_id), toWalletState(r, currency.allowNegative));
    }
  };
  const wanted = members.flatMap((userId) => [...byId.values()].map((c) => ({ userId, currencyId: c.id, level: storableLevel(c.startLevel) })));
  add(await lockOrCreateMemberWallets(tx, guildId, wanted));
  // Created concurrently after the statement's snapshot: neither locked nor inserted; lock them now.
  if (states.size === wanted.length) return { wallets: states, secondStatement: false };
  add(await lockMemberWalletRows(tx, guildId, members, [...byId.keys()]));
  return { wallets: states, secondStatement: true };
}

// A wallet: one member's holding of one currency in a guild — how it is named, keyed, ordered,
// and the state the ledger reads and changes under its lock.

export interface WalletRef {
  guildId: string;
  userId: string;
  currencyId: number;
}

export interface WalletState extends WalletRef {
  balance: number;
  lifetimeEarned: number;
  level: number | null;
  allowNegative: boolean;
  /**
   * Why the stored state cannot be counted exactly (a balance or lifetime total beyond 2^53, left
   * by an older version or a hand edit): the ledger then refuses every posting to the wallet rather
   * than round it. `cairn doctor` lists such wallets.
   */
  problem?: string;
}

export const walletKey = (guildId: string, userId: string, currencyId: number) => `${guildId}:${userId}:${currencyId}`;

export const keyOf = (w: WalletRef) => walletKey(w.guildId, w.userId, w.currencyId);

/** Numeric order of decimal id strings, matching Postgres' bigint order. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** The order wallets are locked in (guild, member, currency), the same in every transaction. */
export function compareWallets(a: WalletRef, b: WalletRef): number {
  return compareIds(a.guildId, b.guildId) || compareIds(a.userId, b.userId) || a.currencyId - b.currencyId;
}

/** A stored amount (bigint text) as an exact number, or the reason it cannot be one. */
export function readStoredAmount(text: string, what: string): { value: number; problem?: string } {
  const value = Number(text);
  if (Number.isSafeInteger(value)) return { value };
  return { value, problem: `the stored ${what} ${text} cannot be counted exactly, so this wallet takes no postings until it is corrected (see cairn doctor)` };
}

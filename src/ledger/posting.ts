// A posting: one change to one wallet, in the domain's words. Every caller of the ledger — rules,
// shop, imports, seasons, admins — describes money this way; only ledger-sql.ts knows the rows.
import type { WalletRef } from './wallet.ts';

export type TransactionSource =
  | 'rule'
  | 'manual'
  | 'shop'
  | 'season_roll'
  | 'milestone'
  | 'transfer'
  | 'import';

export interface Posting extends WalletRef {
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

/** A wallet's level set alongside a batch of postings (levels are not money: no transaction). */
export interface LevelChange extends WalletRef {
  level: number | null;
}

/** Lifetime earnings count every credit except a season reset of a negative balance. */
export const isEarning = (p: { delta: number; source: TransactionSource }) => p.delta > 0 && p.source !== 'season_roll';

/** Idempotency keys are unique per guild. */
export const idemOf = (guildId: string, idemKey: string) => `${guildId}\u0000${idemKey}`;

export class LedgerError extends Error {
  constructor(
    readonly code: 'unknown_currency' | 'invalid_amount',
    message: string,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

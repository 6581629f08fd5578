// What the engine reads and changes while it evaluates: wallets, roles and limit history, all in
// memory. The database layer loads it (locked) before evaluation and writes the plan after.
import type { CurrencyInfo } from './compiler.ts';
import { IdIndex, setAt } from './id-index.ts';
import { LimitHistory } from './limits.ts';

export interface WalletView {
  balance: number;
  lifetimeEarned: number;
  level: number | null;
  /** Why the ledger cannot change this wallet exactly (see WalletState.problem); rules then skip. */
  problem?: string;
}

export interface EngineState {
  readonly guildId: string;
  /** Member and channel ids interned to small integers (shared with `limits`). */
  readonly ids: IdIndex;
  /** A member's wallet, by id or by index in `ids` (what the engine holds). */
  wallet(member: string | number, currency: CurrencyInfo): WalletView;
  roles(userId: string): string[];
  setRoles(userId: string, roles: string[]): void;
  /** The member ran `/settings announcements off`: no level-up or milestone announcements name them. */
  optedOutOfAnnouncements(userId: string): boolean;
  readonly limits: LimitHistory;
}

/** The events whose rule messages are announcements a member may opt out of. */
export const ANNOUNCED_EVENTS: ReadonlySet<string> = new Set(['level_up', 'milestone_earned']);

/**
 * Wallets by currency, then member index (IdIndex): a map lookup on a small integer and an array
 * read, no key strings on the hot path.
 */
export class WalletTable<W extends WalletView = WalletView> {
  /** Currency id → its column: wallets by member index. */
  readonly #columns = new Map<number, (W | undefined)[]>();
  /** The column read last: an event's effects mostly credit one currency after another. */
  #lastCurrency = Number.NaN;
  #lastColumn: (W | undefined)[] = [];

  #column(currencyId: number): (W | undefined)[] | undefined {
    if (currencyId === this.#lastCurrency) return this.#lastColumn;
    const column = this.#columns.get(currencyId);
    if (column) {
      this.#lastCurrency = currencyId;
      this.#lastColumn = column;
    }
    return column;
  }

  get(member: number, currencyId: number): W | undefined {
    return this.#column(currencyId)?.[member];
  }

  set(member: number, currencyId: number, wallet: W): void {
    let column = this.#column(currencyId);
    if (!column) this.#columns.set(currencyId, (column = []));
    setAt(column, member, wallet);
  }
}

/** A state held entirely in memory: the simulator's, the benchmark's and a dry run's base. */
export class MemoryState implements EngineState {
  readonly ids = new IdIndex();
  readonly limits = new LimitHistory(this.ids);
  readonly #wallets = new WalletTable();
  readonly #roles = new Map<string, string[]>();
  readonly #quiet = new Set<string>();

  constructor(readonly guildId: string) {}

  wallet(member: string | number, currency: CurrencyInfo): WalletView {
    const index = typeof member === 'number' ? member : this.ids.of(member);
    let wallet = this.#wallets.get(index, currency.id);
    if (!wallet) {
      wallet = { balance: 0, lifetimeEarned: 0, level: currency.level_curve ? currency.level_curve.start_level : null };
      this.#wallets.set(index, currency.id, wallet);
    }
    return wallet;
  }

  /** Seeds a wallet (e.g. from the database). */
  setWallet(userId: string, currencyId: number, wallet: WalletView): void {
    this.#wallets.set(this.ids.of(userId), currencyId, wallet);
  }

  roles(userId: string): string[] {
    return this.#roles.get(userId) ?? [];
  }

  setRoles(userId: string, roles: string[]): void {
    this.#roles.set(userId, roles);
  }

  optedOutOfAnnouncements(userId: string): boolean {
    return this.#quiet.has(userId);
  }

  setAnnouncementOptOut(userId: string, optedOut: boolean): void {
    if (optedOut) this.#quiet.add(userId);
    else this.#quiet.delete(userId);
  }
}

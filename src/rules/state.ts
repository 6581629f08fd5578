// What the engine reads and changes while it evaluates: wallets, roles and limit history, all in
// memory. The database layer loads it (locked) before evaluation and writes the plan after.
import type { CurrencyInfo } from './compiler.ts';
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
  wallet(userId: string, currency: CurrencyInfo): WalletView;
  roles(userId: string): string[];
  setRoles(userId: string, roles: string[]): void;
  /** The member ran `/settings announcements off`: no level-up or milestone announcements name them. */
  optedOutOfAnnouncements(userId: string): boolean;
  readonly limits: LimitHistory;
}

/** The events whose rule messages are announcements a member may opt out of. */
export const ANNOUNCED_EVENTS: ReadonlySet<string> = new Set(['level_up', 'milestone_earned']);

/** Wallets by member, then currency id: two map lookups, no key strings on the hot path. */
export class WalletTable<W extends WalletView = WalletView> {
  readonly #byMember = new Map<string, Map<number, W>>();
  /**
   * The member looked up last: an event's effects ask for the same member's wallets one after
   * another (XP then Stars), so that member's map is kept at hand.
   */
  #lastUser: string | undefined;
  #lastMember: Map<number, W> | undefined;

  #member(userId: string): Map<number, W> | undefined {
    if (userId === this.#lastUser) return this.#lastMember;
    const member = this.#byMember.get(userId);
    if (member) {
      this.#lastUser = userId;
      this.#lastMember = member;
    }
    return member;
  }

  get(userId: string, currencyId: number): W | undefined {
    return this.#member(userId)?.get(currencyId);
  }

  set(userId: string, currencyId: number, wallet: W): void {
    let member = this.#member(userId);
    if (!member) {
      member = new Map();
      this.#byMember.set(userId, member);
    }
    member.set(currencyId, wallet);
  }
}

/** A state held entirely in memory: the simulator's, the benchmark's and a dry run's base. */
export class MemoryState implements EngineState {
  readonly limits = new LimitHistory();
  readonly #wallets = new WalletTable();
  readonly #roles = new Map<string, string[]>();
  readonly #quiet = new Set<string>();

  constructor(readonly guildId: string) {}

  wallet(userId: string, currency: CurrencyInfo): WalletView {
    let wallet = this.#wallets.get(userId, currency.id);
    if (!wallet) {
      wallet = { balance: 0, lifetimeEarned: 0, level: currency.level_curve ? currency.level_curve.start_level : null };
      this.#wallets.set(userId, currency.id, wallet);
    }
    return wallet;
  }

  /** Seeds a wallet (e.g. from the database). */
  setWallet(userId: string, currencyId: number, wallet: WalletView): void {
    this.#wallets.set(userId, currencyId, wallet);
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

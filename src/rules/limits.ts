// Limits that need history — cooldowns, rates, amount caps — answered from firings. The history is
// loaded from stored rule_firings for the members of a batch, so limits survive restarts.
import { MAX_WINDOW_SECONDS } from '../config/ranges.ts';
import type { Limit } from './schema.ts';

export interface FiringRecord {
  ruleId: number;
  /** Event time, ms since epoch. */
  at: number;
  actorId: string | null;
  targetId: string | null;
  channelId: string | null;
  /** Amounts credited by the firing: "actor.<currency>" / "target.<currency>" → amount. */
  amounts: Record<string, number>;
}

type Per = 'actor' | 'actor_channel' | 'actor_target' | 'guild' | 'target';

/** Whose firings a limit counts: the member, a member in a channel, a pair, or everyone. */
interface Scope {
  actorId: string | null;
  targetId: string | null;
  channelId: string | null;
}

/**
 * The two parts of a scope's key (the second empty for one-part scopes). Firings are found through
 * two map lookups on ids the event already holds, so checking a limit builds no key string.
 */
function scopeFirst(per: Per, f: Scope): string {
  switch (per) {
    case 'actor':
      return f.actorId ?? '';
    case 'target':
      return f.targetId ?? '';
    case 'actor_channel':
    case 'actor_target':
      return `${f.actorId}`;
    case 'guild':
      return '';
  }
}

function scopeSecond(per: Per, f: Scope): string {
  return per === 'actor_channel' ? `${f.channelId}` : per === 'actor_target' ? `${f.targetId}` : '';
}

/** The amounts of a firing that credited no capped currency (shared, never changed). */
export const NO_AMOUNTS: Record<string, number> = Object.freeze({}) as Record<string, number>;

/**
 * The firings of one scope, in the order they were recorded: their times, and the amounts they
 * credited (for caps), kept only once some firing credited any. Only these are kept, not the
 * firing records, so a long history holds one or two slots per firing. While the times only grow
 * (events evaluated in time order, history loaded ordered by time) a window is found by binary
 * search instead of a walk over the whole history, and a window that starts after the latest
 * firing is answered from `latest` without reading the list at all (the usual case: a cooldown
 * that has passed); once one arrives out of order, every question walks the list, as before.
 */
class Firings {
  readonly times: number[] = [];
  #amounts: Record<string, number>[] | undefined;
  sorted = true;
  /** The time of the last firing recorded (the latest while sorted); -Infinity when none. */
  latest = -Infinity;

  push(record: FiringRecord): void {
    const n = this.times.length;
    if (!(record.at === record.at) || (n > 0 && !(record.at >= this.latest))) this.sorted = false;
    this.times.push(record.at);
    this.latest = record.at;
    if (this.#amounts) this.#amounts.push(record.amounts);
    else if (record.amounts !== NO_AMOUNTS) this.#amounts = [...new Array<Record<string, number>>(n).fill(NO_AMOUNTS), record.amounts];
  }

  /** What the i-th firing credited, by "actor.<currency>" / "target.<currency>". */
  amountsAt(i: number): Record<string, number> {
    return this.#amounts?.[i] ?? NO_AMOUNTS;
  }

  /** The first index whose time is above `t` (or at least `t` when `inclusive`); times sorted. */
  index(t: number, inclusive: boolean): number {
    const times = this.times;
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (inclusive ? times[mid]! >= t : times[mid]! > t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Whether binary search answers a window ending at `at` exactly as a walk would. */
  searchable(at: number): boolean {
    return this.sorted && at === at;
  }
}

const NONE = new Firings();
/** No firing in a window (shared: callers only read it). */
const NO_FIRINGS = Object.freeze({ count: 0, last: undefined });

const DAY = 86_400_000;

/**
 * A window in ms, within the documented range whatever was stored: the schema bounds windows at
 * save, and a document saved before that (or edited by hand) must not make every event fail.
 */
export function windowMs(seconds: number): number {
  if (!(seconds > 0)) return 0;
  return Math.min(seconds, MAX_WINDOW_SECONDS) * 1000;
}

/** Start of the UTC day or ISO week (Monday) holding `at`. */
export function periodStart(at: number, period: 'day' | 'week'): number {
  const dayStart = Math.floor(at / DAY) * DAY;
  if (period === 'day') return dayStart;
  const weekday = (new Date(dayStart).getUTCDay() + 6) % 7; // Monday = 0
  return dayStart - weekday * DAY;
}

export interface LimitCheck {
  limit: Limit;
  passed: boolean;
  /** Human-readable state for traces: "last fired 12 s ago (cooldown 30 s)". */
  state: string;
  /** For caps: how much may still be credited in the period. */
  remaining?: number;
}

/** Limit scopes by position, so a rule's tables are an array indexed by scope, not a map. */
const PERS: readonly Per[] = ['actor', 'actor_channel', 'actor_target', 'guild', 'target'];
const perIndex = (per: Per): number => PERS.indexOf(per);

/**
 * The firings of one rule under one scope kind, by the scope's key parts. One-part scopes (second
 * part empty) are found with one map lookup. Pairs are filed by their second part first: for
 * actor_channel that is the channel, of which a guild has few, so the outer map and the per-channel
 * maps stay in the CPU's cache while members vary (actor_target is symmetric either way).
 */
class ScopeTable {
  readonly #single = new Map<string, Firings>();
  readonly #pairs = new Map<string, Map<string, Firings>>();

  get(first: string, second: string): Firings | undefined {
    return second === '' ? this.#single.get(first) : this.#pairs.get(second)?.get(first);
  }

  getOrCreate(first: string, second: string): Firings {
    let firings: Firings | undefined;
    if (second === '') {
      firings = this.#single.get(first);
      if (!firings) this.#single.set(first, (firings = new Firings()));
      return firings;
    }
    let byFirst = this.#pairs.get(second);
    if (!byFirst) this.#pairs.set(second, (byFirst = new Map()));
    firings = byFirst.get(first);
    if (!firings) byFirst.set(first, (firings = new Firings()));
    return firings;
  }
}

export class LimitHistory {
  /** Rule id → scope kind (by its index in PERS) → firings by scope key. */
  readonly #firings = new Map<number, (ScopeTable | undefined)[]>();

  /**
   * The firings the last check found, and whose: a rule that passes its limit check is recorded
   * right after, under the same scope, so add() need not look them up again.
   */
  #lastRule = 0;
  #lastPer: Per | undefined;
  #lastFirst = '';
  #lastSecond = '';
  #lastFirings = NONE;

  /** Records a firing under every scope the rule's limits look at. */
  add(record: FiringRecord, limits: readonly Limit[]): void {
    const per = this.#lastPer;
    if (per !== undefined && this.#lastFirings !== NONE && limits.length === 1 && this.#lastRule === record.ruleId && limits[0]!.per === per) {
      if (scopeFirst(per, record) === this.#lastFirst && scopeSecond(per, record) === this.#lastSecond) {
        this.#lastFirings.push(record);
        return;
      }
    }
    let byPer = this.#firings.get(record.ruleId);
    if (!byPer) this.#firings.set(record.ruleId, (byPer = []));
    for (let i = 0; i < limits.length; i++) {
      const per = limits[i]!.per as Per;
      let seen = false;
      for (let j = 0; j < i && !seen; j++) seen = limits[j]!.per === per;
      if (seen) continue;
      const index = perIndex(per);
      const table = (byPer[index] ??= new ScopeTable());
      table.getOrCreate(scopeFirst(per, record), scopeSecond(per, record)).push(record);
    }
  }

  #list(ruleId: number, per: Per, f: Scope): Firings {
    const first = scopeFirst(per, f);
    const second = scopeSecond(per, f);
    const firings = this.#firings.get(ruleId)?.[perIndex(per)]?.get(first, second) ?? NONE;
    this.#lastRule = ruleId;
    this.#lastPer = per;
    this.#lastFirst = first;
    this.#lastSecond = second;
    this.#lastFirings = firings;
    return firings;
  }

  /**
   * How much more the limit allows now, for the engine's hot path (check() says the same with a
   * readable state for traces): above 0 when the limit passes; for a cap, the amount left.
   */
  remaining(ruleId: number, limit: Limit, at: number, f: Scope): number {
    const firings = this.#list(ruleId, limit.per as Per, f);
    switch (limit.kind) {
      case 'cooldown':
        return this.#inWindow(firings, at, windowMs(limit.seconds)).count > 0 ? 0 : 1;
      case 'rate':
        return this.#inWindow(firings, at, windowMs(limit.window_seconds)).count < limit.max ? 1 : 0;
      case 'cap':
        return this.#capUsed(firings, limit, at).remaining;
    }
  }

  /** Firings in (at − window, at]: how many, and the latest time among them. */
  #inWindow(firings: Firings, at: number, window: number): { count: number; last: number | undefined } {
    const times = firings.times;
    if (firings.searchable(at)) {
      if (!(firings.latest > at - window)) return NO_FIRINGS;
      const lo = firings.index(at - window, false);
      const hi = firings.index(at, false);
      return hi > lo ? { count: hi - lo, last: times[hi - 1] } : { count: 0, last: undefined };
    }
    let count = 0;
    let last: number | undefined;
    for (let i = 0; i < times.length; i++) {
      const t = times[i]!;
      if (t <= at && t > at - window) {
        count++;
        if (last === undefined || t > last) last = t;
      }
    }
    return { count, last };
  }

  /** Amounts the cap's currency received in its period up to `at`, summed in recorded order. */
  #capUsed(firings: Firings, limit: Extract<Limit, { kind: 'cap' }>, at: number): { used: number; remaining: number } {
    const start = periodStart(at, limit.period);
    const field = `${limit.per}.${limit.currency}`;
    const times = firings.times;
    let used = 0;
    if (firings.searchable(at) && start === start) {
      const hi = firings.index(at, false);
      for (let i = firings.index(start, true); i < hi; i++) used += firings.amountsAt(i)[field] ?? 0;
    } else {
      for (let i = 0; i < times.length; i++) if (times[i]! >= start && times[i]! <= at) used += firings.amountsAt(i)[field] ?? 0;
    }
    return { used, remaining: Math.max(0, limit.max - used) };
  }

  check(ruleId: number, limit: Limit, at: number, f: Scope): LimitCheck {
    const firings = this.#list(ruleId, limit.per as Per, f);
    switch (limit.kind) {
      case 'cooldown': {
        const { last } = this.#inWindow(firings, at, windowMs(limit.seconds));
        if (last === undefined) return { limit, passed: true, state: `no firing in the last ${limit.seconds} s` };
        return { limit, passed: false, state: `last fired ${((at - last) / 1000).toFixed(1)} s ago; cooldown ${limit.seconds} s` };
      }
      case 'rate': {
        const { count } = this.#inWindow(firings, at, windowMs(limit.window_seconds));
        return { limit, passed: count < limit.max, state: `${count} of ${limit.max} in the last ${limit.window_seconds} s` };
      }
      case 'cap': {
        const { used, remaining } = this.#capUsed(firings, limit, at);
        return { limit, passed: remaining > 0, remaining, state: `${used} of ${limit.max} ${limit.currency} this ${limit.period}` };
      }
    }
  }
}

/** How far back stored firings must be loaded for these limits to be answered at `earliest`. */
export function lookbackStart(limits: Limit[], earliest: number): number {
  let start = earliest;
  for (const l of limits) {
    const from =
      l.kind === 'cooldown' ? earliest - windowMs(l.seconds) : l.kind === 'rate' ? earliest - windowMs(l.window_seconds) : periodStart(earliest, l.period);
    if (from < start) start = from;
  }
  return start;
}

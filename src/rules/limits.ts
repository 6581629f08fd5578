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

/**
 * The firings of one scope, in the order they were recorded, with their times beside them. While
 * the times only grow (events evaluated in time order, history loaded ordered by time) a window is
 * found by binary search instead of a walk over the whole history; once one arrives out of order,
 * every question walks the list, as before.
 */
class Firings {
  readonly records: FiringRecord[] = [];
  readonly times: number[] = [];
  sorted = true;

  push(record: FiringRecord): void {
    const n = this.times.length;
    if (!(record.at === record.at) || (n > 0 && !(record.at >= this.times[n - 1]!))) this.sorted = false;
    this.records.push(record);
    this.times.push(record.at);
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

export class LimitHistory {
  /** Rule id → scope kind → first part of the scope key → second part → firings. */
  readonly #firings = new Map<number, Map<Per, Map<string, Map<string, Firings>>>>();

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
    if (!byPer) this.#firings.set(record.ruleId, (byPer = new Map()));
    for (let i = 0; i < limits.length; i++) {
      const per = limits[i]!.per as Per;
      let seen = false;
      for (let j = 0; j < i && !seen; j++) seen = limits[j]!.per === per;
      if (seen) continue;
      let byFirst = byPer.get(per);
      if (!byFirst) byPer.set(per, (byFirst = new Map()));
      const first = scopeFirst(per, record);
      let bySecond = byFirst.get(first);
      if (!bySecond) byFirst.set(first, (bySecond = new Map()));
      const second = scopeSecond(per, record);
      let firings = bySecond.get(second);
      if (!firings) bySecond.set(second, (firings = new Firings()));
      firings.push(record);
    }
  }

  #list(ruleId: number, per: Per, f: Scope): Firings {
    const first = scopeFirst(per, f);
    const second = scopeSecond(per, f);
    const firings = this.#firings.get(ruleId)?.get(per)?.get(first)?.get(second) ?? NONE;
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
    const { records, times } = firings;
    let used = 0;
    if (firings.searchable(at) && start === start) {
      const hi = firings.index(at, false);
      for (let i = firings.index(start, true); i < hi; i++) used += records[i]!.amounts[field] ?? 0;
    } else {
      for (let i = 0; i < records.length; i++) if (times[i]! >= start && times[i]! <= at) used += records[i]!.amounts[field] ?? 0;
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

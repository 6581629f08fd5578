// Limits that need history — cooldowns, rates, amount caps — answered from firings. The history is
// loaded from stored rule_firings for the members of a batch, so limits survive restarts.
import { MAX_WINDOW_SECONDS } from '../config/ranges.ts';
import { IdIndex, NO_ID, setAt } from './id-index.ts';
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

/** Whose firings a limit counts, by id: the member, a member in a channel, a pair, or everyone. */
export interface Scope {
  actorId: string | null;
  targetId: string | null;
  channelId: string | null;
}

/** A scope as interned ids (IdIndex; NO_ID for none): what the engine holds for each event. */
export interface ScopeIds {
  readonly actor: number;
  readonly target: number;
  readonly channel: number;
}

/**
 * The two parts of a scope's key (the second -1 for one-part scopes). Firings are found through
 * array reads on ids the event already interned, so checking a limit builds and hashes nothing.
 */
function scopeFirst(per: Per, f: ScopeIds): number {
  switch (per) {
    case 'actor':
    case 'actor_channel':
    case 'actor_target':
      return f.actor;
    case 'target':
      return f.target;
    case 'guild':
      return NO_ID;
  }
}

function scopeSecond(per: Per, f: ScopeIds): number {
  return per === 'actor_channel' ? f.channel : per === 'actor_target' ? f.target : -1;
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
  /**
   * Every firing's time once there are two; a single firing (most scopes ever hold one: a member
   * in a channel, a pair of members) is only `latest`, so the history of a busy guild stays small
   * and cheap for the garbage collector to carry.
   */
  #times: number[] | undefined;
  #amounts: Record<string, number>[] | undefined;
  count = 0;
  sorted = true;
  /** The time of the last firing recorded (the latest while sorted); -Infinity when none. */
  latest = -Infinity;

  push(record: FiringRecord): void {
    const n = this.count;
    const at = record.at;
    if (!(at === at) || (n > 0 && !(at >= this.latest))) this.sorted = false;
    if (n === 1) this.#times = [this.latest, at];
    else if (n > 1) this.#times!.push(at);
    this.latest = at;
    this.count = n + 1;
    if (this.#amounts) this.#amounts.push(record.amounts);
    else if (record.amounts !== NO_AMOUNTS) this.#amounts = [...new Array<Record<string, number>>(n).fill(NO_AMOUNTS), record.amounts];
  }

  /** The time of the i-th firing (0 ≤ i < count). */
  timeAt(i: number): number {
    return this.#times === undefined ? this.latest : this.#times[i]!;
  }

  /** What the i-th firing credited, by "actor.<currency>" / "target.<currency>". */
  amountsAt(i: number): Record<string, number> {
    return this.#amounts?.[i] ?? NO_AMOUNTS;
  }

  /** The first index whose time is above `t` (or at least `t` when `inclusive`); times sorted. */
  index(t: number, inclusive: boolean): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const time = this.timeAt(mid);
      if (inclusive ? time >= t : time > t) hi = mid;
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
 * The firings of one rule under one scope kind, by the scope's key parts. One-part scopes are an
 * array by member. Pairs are filed by their second part first: a member in a channel, of which a
 * guild has few, by channel then in an array by member; a pair of members by target, then by actor
 * in a map (an array would hold a slot for every member under every target).
 */
class ScopeTable {
  readonly #single: (Firings | undefined)[] = [];
  readonly #byChannel: ((Firings | undefined)[] | undefined)[] = [];
  readonly #pairs: (Map<number, Firings> | undefined)[] = [];

  /** `perChannel`: the second part is a channel (actor_channel). */
  constructor(readonly perChannel: boolean) {}

  get(first: number, second: number): Firings | undefined {
    if (second < 0) return this.#single[first];
    return this.perChannel ? this.#byChannel[second]?.[first] : this.#pairs[second]?.get(first);
  }

  getOrCreate(first: number, second: number): Firings {
    let firings: Firings | undefined;
    if (second < 0) {
      firings = this.#single[first];
      if (!firings) setAt(this.#single, first, (firings = new Firings()));
      return firings;
    }
    if (this.perChannel) {
      let byMember = this.#byChannel[second];
      if (!byMember) setAt(this.#byChannel, second, (byMember = []));
      firings = byMember[first];
      if (!firings) setAt(byMember, first, (firings = new Firings()));
      return firings;
    }
    let byFirst = this.#pairs[second];
    if (!byFirst) setAt(this.#pairs, second, (byFirst = new Map()));
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
   * right after, under the same scope, so record() need not look them up again.
   */
  #lastRule = 0;
  #lastPer: Per | undefined;
  #lastFirst = -1;
  #lastSecond = -1;
  #lastFirings = NONE;

  /** `ids`: the index member and channel ids are interned in (the state's, shared with its wallets). */
  constructor(readonly ids: IdIndex = new IdIndex()) {}

  /** A scope by id as interned ids. */
  scopeOf(f: Scope): ScopeIds {
    return { actor: this.ids.of(f.actorId), target: this.ids.of(f.targetId), channel: this.ids.of(f.channelId) };
  }

  /** Records a firing under every scope the rule's limits look at. */
  add(record: FiringRecord, limits: readonly Limit[]): void {
    this.record(record, limits, this.scopeOf(record));
  }

  /** add() for a firing whose scope is interned already (`scope` is the record's). */
  record(record: FiringRecord, limits: readonly Limit[], scope: ScopeIds): void {
    const per = this.#lastPer;
    if (per !== undefined && this.#lastFirings !== NONE && limits.length === 1 && this.#lastRule === record.ruleId && limits[0]!.per === per) {
      if (scopeFirst(per, scope) === this.#lastFirst && scopeSecond(per, scope) === this.#lastSecond) {
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
      const table = (byPer[index] ??= new ScopeTable(per === 'actor_channel'));
      table.getOrCreate(scopeFirst(per, scope), scopeSecond(per, scope)).push(record);
    }
  }

  #list(ruleId: number, per: Per, f: ScopeIds): Firings {
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
  remaining(ruleId: number, limit: Limit, at: number, f: ScopeIds): number {
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
    if (firings.searchable(at)) {
      if (!(firings.latest > at - window)) return NO_FIRINGS;
      const lo = firings.index(at - window, false);
      const hi = firings.index(at, false);
      return hi > lo ? { count: hi - lo, last: firings.timeAt(hi - 1) } : { count: 0, last: undefined };
    }
    let count = 0;
    let last: number | undefined;
    for (let i = 0; i < firings.count; i++) {
      const t = firings.timeAt(i);
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
    let used = 0;
    if (firings.searchable(at) && start === start) {
      const hi = firings.index(at, false);
      for (let i = firings.index(start, true); i < hi; i++) used += firings.amountsAt(i)[field] ?? 0;
    } else {
      for (let i = 0; i < firings.count; i++) {
        const t = firings.timeAt(i);
        if (t >= start && t <= at) used += firings.amountsAt(i)[field] ?? 0;
      }
    }
    return { used, remaining: Math.max(0, limit.max - used) };
  }

  check(ruleId: number, limit: Limit, at: number, f: ScopeIds): LimitCheck {
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

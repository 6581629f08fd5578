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

function scopeKey(per: Per, f: { actorId: string | null; targetId: string | null; channelId: string | null }): string {
  switch (per) {
    case 'actor':
      return f.actorId ?? '';
    case 'target':
      return f.targetId ?? '';
    case 'actor_channel':
      return `${f.actorId}|${f.channelId}`;
    case 'actor_target':
      return `${f.actorId}|${f.targetId}`;
    case 'guild':
      return '';
  }
}

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
  readonly #firings = new Map<string, FiringRecord[]>();

  /** Records a firing under every scope the rule's limits look at. */
  add(record: FiringRecord, limits: Limit[]): void {
    const pers = new Set<Per>(limits.map((l) => l.per as Per));
    for (const per of pers) {
      const key = `${record.ruleId}|${per}|${scopeKey(per, record)}`;
      const list = this.#firings.get(key);
      if (list) list.push(record);
      else this.#firings.set(key, [record]);
    }
  }

  #list(ruleId: number, per: Per, f: { actorId: string | null; targetId: string | null; channelId: string | null }) {
    return this.#firings.get(`${ruleId}|${per}|${scopeKey(per, f)}`) ?? [];
  }

  check(
    ruleId: number,
    limit: Limit,
    at: number,
    f: { actorId: string | null; targetId: string | null; channelId: string | null },
  ): LimitCheck {
    const list = this.#list(ruleId, limit.per as Per, f);
    switch (limit.kind) {
      case 'cooldown': {
        const window = windowMs(limit.seconds);
        let last: number | undefined;
        for (const r of list) if (r.at <= at && r.at > at - window && (last === undefined || r.at > last)) last = r.at;
        if (last === undefined) return { limit, passed: true, state: `no firing in the last ${limit.seconds} s` };
        return { limit, passed: false, state: `last fired ${((at - last) / 1000).toFixed(1)} s ago; cooldown ${limit.seconds} s` };
      }
      case 'rate': {
        const window = windowMs(limit.window_seconds);
        let count = 0;
        for (const r of list) if (r.at <= at && r.at > at - window) count++;
        return { limit, passed: count < limit.max, state: `${count} of ${limit.max} in the last ${limit.window_seconds} s` };
      }
      case 'cap': {
        const start = periodStart(at, limit.period);
        const field = `${limit.per}.${limit.currency}`;
        let used = 0;
        for (const r of list) if (r.at >= start && r.at <= at) used += r.amounts[field] ?? 0;
        const remaining = Math.max(0, limit.max - used);
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

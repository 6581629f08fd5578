// Whether a member meets a requirement, from facts about them: wallets, event counters (lifetime,
// this season, per day). Pure; the checker supplies the facts from locked, preloaded state.
import type { Requirement } from './schema.ts';

export interface MemberFacts {
  wallet(currency: string): { balance: number; lifetimeEarned: number; level: number | null } | undefined;
  /** Lifetime total of events (count or value) on a side, optionally only in some channels. */
  lifetimeTotal(events: string[], side: 'actor' | 'target', measure: 'count' | 'value', channels?: Set<string>): number;
  /** Total since the current season started (day granularity). */
  seasonTotal(events: string[], side: 'actor' | 'target', measure: 'count' | 'value'): number;
  /** Active (any of `events`, or any event) on each of the `days` days up to the event's day. */
  streak(days: number, events?: string[]): boolean;
}

export interface ResolvedRequirementContext {
  scope: 'lifetime' | 'season';
  /** Zone key → its channel ids. */
  zoneChannels: (zone: string) => string[];
}

export function meets(r: Requirement, facts: MemberFacts, ctx: ResolvedRequirementContext): boolean {
  switch (r.type) {
    case 'wallet':
      return (facts.wallet(r.currency)?.balance ?? 0) >= r.min;
    case 'lifetime':
      return (facts.wallet(r.currency)?.lifetimeEarned ?? 0) >= r.min;
    case 'level':
      return (facts.wallet(r.currency)?.level ?? 0) >= r.min;
    case 'event_count': {
      const measure = r.measure === 'count' ? 'count' : 'value';
      let channels: Set<string> | undefined;
      if (r.channels || r.zones) channels = new Set([...(r.channels ?? []), ...(r.zones ?? []).flatMap(ctx.zoneChannels)]);
      const total = ctx.scope === 'season' && !channels ? facts.seasonTotal(r.events, r.side, measure) : facts.lifetimeTotal(r.events, r.side, measure, channels);
      return (r.measure === 'voice_minutes' ? total / 60 : total) >= r.min;
    }
    case 'streak':
      return facts.streak(r.days, r.events);
    case 'all':
      return r.of.every((x) => meets(x, facts, ctx));
    case 'any':
      return r.of.some((x) => meets(x, facts, ctx));
    case 'custom':
      return false;
  }
}

/** The calendar day of an instant in a time zone, as YYYY-MM-DD. */
export function localDay(at: Date | string, timeZone: string): string {
  const date = typeof at === 'string' ? new Date(at) : at;
  if (timeZone === 'UTC') return date.toISOString().slice(0, 10);
  return dayFormatter(timeZone).format(date);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The day before a YYYY-MM-DD day (calendar arithmetic, month and year boundaries included). */
export function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - 86_400_000).toISOString().slice(0, 10);
}

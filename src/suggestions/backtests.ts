// The proof each suggestion carries. A milestone threshold is checked against the counters of the
// window directly; a rule is replayed through the real pipeline by src/rules/backtest.ts, over a
// window shortened (from the newest day back) until it holds at most `maxEvents` lake events, so a
// guild of ten million events does not replay them all — the backtest says how many days it covered.
import type { Executor } from '../db/client.ts';
import type { BacktestSession } from '../rules/backtest.ts';
import { earningsDistribution, eventsPerDay, round3, thresholdReach, windowOf, type Metric, type Window } from './statistics.ts';
import type { CurrencyBacktest, MilestoneBacktest, RuleBacktest } from './types.ts';

/** Inside withMemberWindow: metric `index` is the window table's column of `metric`. */
export async function milestoneBacktest(
  exec: Executor,
  w: Window,
  metric: Metric,
  index: number,
  threshold: number,
  percentiles: { p50: number; p90: number; p99: number },
  alreadyQualified: number,
): Promise<MilestoneBacktest> {
  const reach = await thresholdReach(exec, index, threshold);
  return {
    kind: 'milestone',
    days: w.days,
    from: w.from.toISOString(),
    to: w.to.toISOString(),
    metric: metric.noun,
    threshold,
    active_members: reach.activeMembers,
    reached: reach.reached,
    reached_share: reach.activeMembers > 0 ? round3(reach.reached / reach.activeMembers) : 0,
    members: reach.members,
    already_qualified: alreadyQualified,
    percentiles,
  };
}

/** The most recent days, newest first, whose events fit in `maxEvents` (at least one day). */
export function boundedDays(perDay: number[], maxEvents: number): number {
  let total = 0;
  let days = 0;
  for (const n of perDay) {
    if (days > 0 && total + n > maxEvents) break;
    total += n;
    days++;
  }
  return Math.max(1, days);
}

/** `rules` replayed in `session` (one scratch database for a generation's replays). */
export async function ruleBacktest(
  session: BacktestSession,
  rules: unknown[],
  w: Window,
  currencies: { id: number; key: string }[],
  maxEvents: number,
): Promise<RuleBacktest> {
  const { source, guildId } = session;
  const days = boundedDays(await eventsPerDay(source.db, guildId, w), maxEvents);
  const window = windowOf(w.to, days);
  const result = await session.run(rules, { days, now: w.to });
  const members = Object.entries(result.members).flatMap(([user_id, byCurrency]) => Object.entries(byCurrency).map(([currency, p]) => ({ user_id, currency, ...p })));
  const effects: RuleBacktest['currencies'] = {};
  for (const [key, payout] of Object.entries(result.currencies)) {
    const currency = currencies.find((c) => c.key === key);
    if (!currency) continue;
    const changes = Object.fromEntries(members.filter((m) => m.currency === key).map((m) => [m.user_id, m.difference]));
    effects[key] = { ...payout, ...(await earningsDistribution(source.db, guildId, currency.id, window, changes)) };
  }
  members.sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference) || a.user_id.localeCompare(b.user_id));
  return {
    kind: 'rule',
    days,
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    events: result.events,
    bounded: days < w.days,
    currencies: effects,
    members_changed: Object.keys(result.members).length,
    members: members.slice(0, 100),
  };
}

export async function currencyBacktest(exec: Executor, guildId: string, w: Window, currency: { id: number; key: string; earned: number; spent: number; earners: number }): Promise<CurrencyBacktest> {
  const { before } = await earningsDistribution(exec, guildId, currency.id, w);
  return { kind: 'currency', days: w.days, from: w.from.toISOString(), to: w.to.toISOString(), currency: currency.key, earned: currency.earned, spent: currency.spent, holders: currency.earners, distribution: before };
}

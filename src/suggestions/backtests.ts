// The proof each suggestion carries. A milestone threshold is checked against the counters of the
// window directly; a rule is replayed through the real pipeline by src/rules/backtest.ts, over a
// window shortened (from the newest day back) until it holds at most `maxEvents` lake events, so a
// guild of ten million events does not replay them all — the backtest says how many days it covered.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import type { BacktestSession } from '../rules/backtest.ts';
import { earningsDistribution, round3, thresholdReach, windowOf, type Metric, type Window } from './statistics.ts';
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

/**
 * The most whole days back from the window's end whose lake events number at most `maxEvents` (at
 * least one day): a replay of D days reads the events of the last D × 24 hours, so the bound is the
 * time of the first event past `maxEvents`, newest first (found on the lake's guild–time index).
 */
export async function boundedDays(exec: Executor, guildId: string, w: Window, maxEvents: number): Promise<number> {
  const [beyond] = await queryRows<{ at: string | Date }>(
    exec,
    sql`SELECT occurred_at AS at FROM lake_events
        WHERE guild_id = ${guildId} AND occurred_at >= ${w.from.toISOString()}::timestamptz AND occurred_at <= ${w.to.toISOString()}::timestamptz
        ORDER BY occurred_at DESC OFFSET ${maxEvents} LIMIT 1`,
  );
  if (!beyond) return w.days;
  // D days leave that event out when w.to − D days is after it.
  return Math.max(1, Math.ceil((w.to.getTime() - new Date(beyond.at).getTime()) / 86_400_000) - 1);
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
  const days = await boundedDays(source.db, guildId, w, maxEvents);
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

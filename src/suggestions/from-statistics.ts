// Suggestions from statistics alone (no AI): thresholds at a percentile, rewards for frequent
// unpaid activity, caps where a few earn most, and currencies nobody spends — each with its backtest.
import { eq, sql } from 'drizzle-orm';
import { queryRows, type Database, type Db, type Executor } from '../db/client.ts';
import { milestones, rules } from '../db/schema.ts';
import { withBacktestSession, type BacktestSession } from '../rules/backtest.ts';
import { currencyBacktest, milestoneBacktest, ruleBacktest } from './backtests.ts';
import { cappedRule, PAYABLE, percentLabel, rewardRule, thresholdMilestone } from './proposals.ts';
import { currencyFigures, eventVolumes, lifetimeQualified, METRICS, metricFigures, round3, withMemberWindow, type CurrencyFigures, type Window } from './statistics.ts';
import type { Draft } from './types.ts';

export interface GenerateOptions {
  /** The percentile (0–1) milestone thresholds are placed at. */
  percentile: number;
  /** Rule backtests replay at most this many lake events (their window shrinks to fit). */
  maxBacktestEvents: number;
  /** At most this many rule suggestions (each a replay) per generation. */
  maxRuleSuggestions: number;
}

export const DefaultGenerateOptions = { percentile: 0.9, maxBacktestEvents: 20_000, maxRuleSuggestions: 3 } as const satisfies GenerateOptions;

/** Below these, a percentile or a share says nothing. */
const MIN_ACTIVE_MEMBERS = 10;
const MIN_PARTICIPANTS = 3;
const MIN_EVENTS = 50;
const MIN_EARNERS = 20;
const TOP_SHARE = 0.5;

interface RuleInfo {
  key: string;
  enabled: boolean;
  document: Record<string, unknown>;
}

const pct = (share: number) => `${Math.round(share * 1000) / 10}%`;
const fmt = (n: number) => n.toLocaleString('en-US');

async function loadRules(exec: Executor, guildId: string): Promise<RuleInfo[]> {
  return exec.select({ key: rules.key, enabled: rules.enabled, document: rules.document }).from(rules).where(eq(rules.guildId, guildId));
}

const liveRules = (all: RuleInfo[]) => all.filter((r) => r.enabled && r.document.mode !== 'shadow');
const triggers = (r: RuleInfo) => ((r.document.trigger as { events?: string[] } | undefined)?.events ?? []);
const credits = (r: RuleInfo) => ((r.document.effects as { type: string; currency?: string; amount?: unknown; to?: string }[] | undefined) ?? []).filter((e) => e.type === 'credit');

export async function milestoneDrafts(db: Db, guildId: string, w: Window, percentile: number): Promise<Draft[]> {
  const existing = new Set((await db.select({ key: milestones.key }).from(milestones).where(eq(milestones.guildId, guildId))).map((m) => m.key));
  return withMemberWindow(db, guildId, w, METRICS, async (tx) => {
    const candidates = (await metricFigures(tx, METRICS, percentile))
      .filter((f) => f.activeMembers >= MIN_ACTIVE_MEMBERS && f.participants >= MIN_PARTICIPANTS && f.chosen > 0)
      .map((f) => ({ f, threshold: Math.ceil(f.chosen), milestone: thresholdMilestone(f.metric, Math.ceil(f.chosen), percentile, w.days) }))
      .filter((c) => !existing.has(c.milestone.key));
    const qualified = await lifetimeQualified(tx, guildId, candidates.map((c) => ({ metric: c.f.metric, threshold: c.threshold })));
    const drafts: Draft[] = [];
    for (const [i, { f, threshold, milestone }] of candidates.entries()) {
      const backtest = await milestoneBacktest(tx, w, f.metric, f.index, threshold, { p50: f.p50, p90: f.p90, p99: f.p99 }, qualified[i]!);
      // Ties (many members at one value) can put far more than the intended share at the threshold:
      // such a milestone would not be the rarity it claims.
      if (backtest.reached_share > 2 * (1 - percentile)) continue;
      drafts.push({
        kind: 'milestone_threshold',
        source: 'statistics',
        fingerprint: `statistics:milestone_threshold:${f.metric.id}:p${percentLabel(percentile)}`,
        title: `Milestone: ${milestone.name}`,
        explanation:
          `${threshold === f.chosen ? '' : 'Rounded up, '}${fmt(threshold)} ${f.metric.noun} is the ${percentLabel(percentile)}th percentile of the ${fmt(f.activeMembers)} active members over the last ${w.days} days: ` +
          `${fmt(backtest.reached)} of them (${pct(backtest.reached_share)}) reached it. Half of the active members had ${fmt(f.p50)} or fewer. ` +
          `It counts for life: ${fmt(backtest.already_qualified)} members already qualify (they earn it with their next activity, or at once with a milestone recheck).`,
        applicable: true,
        proposal: { milestone: milestone as Record<string, unknown> },
        backtest,
      });
    }
    return drafts;
  });
}

/** The currency rules pay most often, and the usual literal amount they credit in it. */
function payingCurrency(all: RuleInfo[], currencies: { key: string }[]): { currency: string; amount: number } | null {
  const counts = new Map<string, number[]>();
  for (const r of liveRules(all)) for (const e of credits(r)) if (e.currency) counts.set(e.currency, [...(counts.get(e.currency) ?? []), ...(typeof e.amount === 'number' ? [e.amount] : [])]);
  const ranked = [...counts.entries()].sort((a, b) => b[1].length - a[1].length);
  const currency = ranked[0]?.[0] ?? currencies[0]?.key;
  if (!currency) return null;
  const amounts = (counts.get(currency) ?? []).sort((a, b) => a - b);
  return { currency, amount: amounts.length > 0 ? Math.max(1, Math.round(amounts[Math.floor(amounts.length / 2)]!)) : 5 };
}

export async function rewardDrafts(session: BacktestSession, w: Window, currencies: { id: number; key: string }[], options: GenerateOptions, budget: { rules: number }): Promise<Draft[]> {
  const { source: database, guildId } = session;
  const all = await loadRules(database.db, guildId);
  const paid = new Set(liveRules(all).flatMap(triggers));
  const pay = payingCurrency(all, currencies);
  if (!pay) return [];
  const drafts: Draft[] = [];
  for (const v of await eventVolumes(database.db, guildId, w)) {
    if (budget.rules <= 0) break;
    if (!PAYABLE[v.event] || paid.has(v.event) || v.events < MIN_EVENTS || v.members < MIN_PARTICIPANTS) continue;
    const dailyCap = pay.amount * Math.max(1, Math.ceil(v.dailyP90));
    const rule = rewardRule(v.event, pay.currency, pay.amount, dailyCap);
    budget.rules--;
    const backtest = await ruleBacktest(session, [rule], w, currencies, options.maxBacktestEvents);
    const effect = backtest.currencies[pay.currency];
    drafts.push({
      kind: 'reward_activity',
      source: 'statistics',
      fingerprint: `statistics:reward_activity:${v.event}`,
      title: `Reward ${PAYABLE[v.event]!.noun}`,
      explanation:
        `Members did ${fmt(v.events)} ${v.event} events in the last ${w.days} days (${fmt(v.members)} members) and no enabled rule pays for them. ` +
        `This rule pays ${pay.amount} ${pay.currency} each, capped at ${fmt(dailyCap)} a day per member (9 in 10 member-days stay under it). ` +
        (effect ? `Replayed over ${backtest.days} days it would have paid ${fmt(effect.difference)} ${pay.currency} more to ${fmt(backtest.members_changed)} members.` : `Replayed over ${backtest.days} days it paid nothing.`),
      applicable: true,
      proposal: { rule: rule as Record<string, unknown>, currency: pay.currency },
      backtest,
    });
  }
  return drafts;
}

export async function capDrafts(session: BacktestSession, w: Window, currencies: CurrencyFigures[], options: GenerateOptions, budget: { rules: number }): Promise<Draft[]> {
  const { source: database, guildId } = session;
  const all = await loadRules(database.db, guildId);
  const drafts: Draft[] = [];
  for (const c of currencies) {
    if (budget.rules <= 0) break;
    if (c.earners < MIN_EARNERS || c.top5Share <= TOP_SHARE) continue;
    // The rule that paid the most of it in the window, if it has no daily cap on it yet.
    const [top] = await queryRows<{ key: string; paid: string; p90: number | null }>(
      database.db,
      sql`WITH days AS (
            SELECT t.rule_id, t.user_id, (t.at AT TIME ZONE 'UTC')::date, sum(t.delta) AS v FROM transactions t
            WHERE t.guild_id = ${guildId} AND t.currency_id = ${c.currencyId} AND t.delta > 0 AND t.rule_id IS NOT NULL
              AND t.at > ${w.from.toISOString()}::timestamptz AND t.at <= ${w.to.toISOString()}::timestamptz
            GROUP BY 1, 2, 3)
          SELECT r.key, sum(d.v)::text AS paid, percentile_disc(0.9) WITHIN GROUP (ORDER BY d.v) AS p90
          FROM days d JOIN rules r ON r.id = d.rule_id AND r.guild_id = ${guildId} AND r.enabled
          GROUP BY r.key ORDER BY sum(d.v) DESC LIMIT 1`,
    );
    const rule = top && all.find((r) => r.key === top.key);
    if (!rule || !top.p90) continue;
    const effect = credits(rule).find((e) => e.currency === c.key);
    const per = effect?.to === 'target' ? 'target' : 'actor';
    const limits = (rule.document.limits as { kind: string; currency?: string; period?: string }[] | undefined) ?? [];
    if (limits.some((l) => l.kind === 'cap' && l.currency === c.key && l.period === 'day')) continue;
    const max = Math.max(1, Math.ceil(Number(top.p90)));
    const document = cappedRule(rule.document, c.key, per, max);
    budget.rules--;
    const backtest = await ruleBacktest(session, [document], w, currencies.map((x) => ({ id: x.currencyId, key: x.key })), options.maxBacktestEvents);
    const effectOf = backtest.currencies[c.key];
    drafts.push({
      kind: 'cap',
      source: 'statistics',
      fingerprint: `statistics:cap:${c.key}:${rule.key}`,
      title: `Cap ${c.key} from "${rule.key}" at ${fmt(max)} a day`,
      explanation:
        `The top 5% of earners took ${pct(c.top5Share)} of the ${fmt(c.earned)} ${c.key} earned in the last ${w.days} days, most of it from rule "${rule.key}". ` +
        `A daily cap of ${fmt(max)} per member (9 in 10 member-days of that rule stay under it) is its next version. ` +
        (effectOf ? `Replayed over ${backtest.days} days: ${fmt(effectOf.difference)} ${c.key} in total; the top 10% would hold ${pct(effectOf.after.top10_share)} instead of ${pct(effectOf.before.top10_share)}.` : ''),
      applicable: true,
      proposal: { rule: document, currency: c.key },
      backtest,
    });
  }
  return drafts;
}

export async function unspentDrafts(exec: Executor, guildId: string, w: Window, currencies: CurrencyFigures[]): Promise<Draft[]> {
  const drafts: Draft[] = [];
  for (const c of currencies) {
    if (!c.spendable || c.earned <= 0 || c.spent > 0) continue;
    const backtest = await currencyBacktest(exec, guildId, w, { id: c.currencyId, key: c.key, earned: c.earned, spent: c.spent, earners: c.earners });
    drafts.push({
      kind: 'unspent_currency',
      source: 'statistics',
      fingerprint: `statistics:unspent_currency:${c.key}`,
      title: `Nobody spends ${c.key}`,
      explanation:
        `${fmt(c.earners)} members earned ${fmt(c.earned)} ${c.key} in the last ${w.days} days, and nobody spent any (no shop purchase, no debit). ` +
        `A currency with nothing to buy only piles up (the top 10% of earners hold ${pct(round3(backtest.distribution.top10_share))} of it). ` +
        `Add shop items priced in ${c.key} (the Shop page), or, if it is only for ranking, mark it not spendable. There is nothing to apply automatically.`,
      applicable: false,
      proposal: { currency: c.key },
      backtest,
    });
  }
  return drafts;
}

/** Every statistics suggestion for the guild over the window. */
export async function statisticsDrafts(database: Database, guildId: string, w: Window, options: GenerateOptions): Promise<Draft[]> {
  const budget = { rules: options.maxRuleSuggestions };
  const figures = await currencyFigures(database.db, guildId, w);
  const currencies = figures.map((c) => ({ id: c.currencyId, key: c.key }));
  return withBacktestSession(database, guildId, async (session) => [
    ...(await milestoneDrafts(database.db, guildId, w, options.percentile)),
    ...(await capDrafts(session, w, figures, options, budget)),
    ...(await rewardDrafts(session, w, currencies, options, budget)),
    ...(await unspentDrafts(database.db, guildId, w, figures)),
  ]);
}

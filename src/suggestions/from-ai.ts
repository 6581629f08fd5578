// Suggestions proposed by Gemini from the guild's aggregates (percentiles, event volumes, currency
// figures, the rules and milestones as configured; never message content). The answer is checked
// by zod against the real milestone and rule schemas inside the AI call (so a malformed answer is
// an invalid_output in the cost ledger), then against the guild (currencies, zones, a trial
// evaluation); any problem refuses the whole answer and nothing is stored. Each proposal is then
// backtested like a statistics one.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AiService } from '../ai/ai-service.ts';
import type { AiFailure } from '../ai/errors.ts';
import type { Database } from '../db/client.ts';
import { milestones, rules } from '../db/schema.ts';
import { validateMilestone } from '../milestones/repository.ts';
import { MilestoneSchema, type Milestone } from '../milestones/schema.ts';
import { loadCurrencies, loadZones, validateRuleDocument, type Problem } from '../rules/repository.ts';
import { RuleSchema } from '../rules/schema.ts';
import { withBacktestSession } from '../rules/backtest.ts';
import { currencyBacktest, milestoneBacktest, ruleBacktest } from './backtests.ts';
import type { GenerateOptions } from './from-statistics.ts';
import { currencyFigures, eventVolumes, lifetimeQualified, METRICS, metricFigures, round3, withMemberWindow, type Metric, type Window } from './statistics.ts';
import type { Draft } from './types.ts';

const Words = { title: z.string().trim().min(1).max(120), explanation: z.string().trim().min(1).max(1500) };

/** A milestone the backtest can measure: one event type counted (or voice minutes), no channel filter. */
const MeasurableMilestone = MilestoneSchema.superRefine((m, ctx) => {
  const r = m.requirement;
  if (r.type !== 'event_count' || r.events.length !== 1 || r.channels || r.zones || r.measure === 'value_sum') {
    ctx.addIssue({ code: 'custom', path: ['requirement'], message: 'must be an event_count of one event type, measured as count or voice_minutes, without channel or zone filters' });
  }
});

export const AiSuggestion = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('milestone_threshold'), ...Words, milestone: MeasurableMilestone }),
  z.object({ kind: z.literal('reward_activity'), ...Words, rule: RuleSchema }),
  z.object({ kind: z.literal('cap'), ...Words, rule: RuleSchema }),
  z.object({ kind: z.literal('unspent_currency'), ...Words, currency: z.string().min(1).max(32) }),
]);
export const AiAnswer = z.object({ suggestions: z.array(AiSuggestion).min(1).max(6) });
export type AiAnswer = z.output<typeof AiAnswer>;

const Words_ = { title: { type: 'STRING' }, explanation: { type: 'STRING', description: 'Two to four plain sentences for a server admin: what, why, from which figures.' } };
const ResponseSchema = {
  type: 'OBJECT',
  properties: {
    suggestions: {
      type: 'ARRAY',
      items: {
        type: 'OBJECT',
        properties: {
          kind: { type: 'STRING', enum: ['milestone_threshold', 'reward_activity', 'cap', 'unspent_currency'] },
          ...Words_,
          milestone: {
            type: 'OBJECT',
            description: 'for milestone_threshold: a Cairn milestone; requirement {type: "event_count", events: [one event type], side: "actor"|"target", min, measure: "count"|"voice_minutes"}',
            properties: { key: { type: 'STRING' }, name: { type: 'STRING' }, description: { type: 'STRING' }, icon: { type: 'STRING' }, rarity: { type: 'STRING' }, requirement: { type: 'OBJECT', properties: { type: { type: 'STRING' }, events: { type: 'ARRAY', items: { type: 'STRING' } }, side: { type: 'STRING' }, min: { type: 'NUMBER' }, measure: { type: 'STRING' } } } },
          },
          rule: {
            type: 'OBJECT',
            description: 'for reward_activity and cap: a Cairn rule (for a cap, the existing rule with the same key and a cap limit added)',
            properties: {
              key: { type: 'STRING' }, name: { type: 'STRING' }, description: { type: 'STRING' },
              trigger: { type: 'OBJECT', properties: { events: { type: 'ARRAY', items: { type: 'STRING' } }, exclude_self: { type: 'BOOLEAN' }, has_target: { type: 'BOOLEAN' } } },
              limits: { type: 'ARRAY', items: { type: 'OBJECT', properties: { kind: { type: 'STRING' }, currency: { type: 'STRING' }, max: { type: 'NUMBER' }, period: { type: 'STRING' }, per: { type: 'STRING' }, seconds: { type: 'NUMBER' } } } },
              effects: { type: 'ARRAY', items: { type: 'OBJECT', properties: { type: { type: 'STRING' }, to: { type: 'STRING' }, currency: { type: 'STRING' }, amount: { type: 'NUMBER' } } } },
            },
          },
          currency: { type: 'STRING', description: 'for unspent_currency: the currency key' },
        },
        required: ['kind', 'title', 'explanation'],
      },
    },
  },
  required: ['suggestions'],
} as const;

const SYSTEM = [
  'You advise the admins of a Discord community on its gamification (Cairn): milestones, rules that pay currencies, caps, currencies to spend.',
  'You see only aggregate figures of the last days, never messages. Propose at most five changes the figures support, each explained in plain words,',
  'with numbers taken from the figures. Use only the event types, currencies and rule keys given. Answer in the JSON shape requested.',
].join(' ');

/** The answer could not be used: invalid for the guild (problems by path), or the AI call failed. */
export class AiSuggestionError extends Error {
  constructor(
    message: string,
    readonly failure: AiFailure | null,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}

/** What the model is told: aggregates only. */
export async function aiFigures(database: Database, guildId: string, w: Window, percentile: number) {
  const db = database.db;
  const metrics = await withMemberWindow(db, guildId, w, METRICS, (tx) => metricFigures(tx, METRICS, percentile));
  const ruleRows = await db.select({ key: rules.key, enabled: rules.enabled, document: rules.document }).from(rules).where(eq(rules.guildId, guildId));
  const milestoneRows = await db.select({ key: milestones.key, document: milestones.document }).from(milestones).where(eq(milestones.guildId, guildId));
  return {
    window_days: w.days,
    active_members: metrics[0]?.activeMembers ?? 0,
    metrics: metrics.map((m) => ({ measure: m.metric.noun, event: m.metric.event, side: m.metric.side, unit: m.metric.measure, participants: m.participants, p50: m.p50, p90: m.p90, p99: m.p99 })),
    events: (await eventVolumes(db, guildId, w)).map((v) => ({ event: v.event, count: v.events, members: v.members, daily_p90_per_member: v.dailyP90 })),
    currencies: (await currencyFigures(db, guildId, w)).map((c) => ({ key: c.key, spendable: c.spendable, earned: c.earned, spent: c.spent, earners: c.earners, top5_share: round3(c.top5Share) })),
    rules: ruleRows.map((r) => ({ key: r.key, enabled: r.enabled, trigger: r.document.trigger, limits: r.document.limits, effects: r.document.effects })),
    milestones: milestoneRows.map((m) => ({ key: m.key, requirement: m.document.requirement })),
  };
}

/** Asks Gemini, checks its answer against the guild, and backtests each proposal. */
export async function aiDrafts(ai: AiService, database: Database, guildId: string, w: Window, options: GenerateOptions): Promise<Draft[]> {
  const figures = await aiFigures(database, guildId, w, options.percentile);
  const result = await ai.structured({
    feature: 'suggestions',
    guildId,
    system: SYSTEM,
    prompt: `Figures of the last ${w.days} days:\n${JSON.stringify(figures)}\nPropose at most ${options.maxRuleSuggestions} rules (reward_activity or cap).`,
    responseSchema: ResponseSchema,
    parse: AiAnswer,
    maxOutputTokens: 4096,
  });
  if (!result.ok) throw new AiSuggestionError(result.failure.message, result.failure, result.failure.kind === 'invalid_output' && result.failure.detail ? [{ path: '(answer)', message: result.failure.detail }] : []);
  const answer = result.value;

  // Every proposal valid for this guild, or none is stored.
  const currencies = await loadCurrencies(database.db, guildId);
  const zones = await loadZones(database.db, guildId);
  const problems: Problem[] = [];
  for (const [i, s] of answer.suggestions.entries()) {
    const at = (p: Problem, field: string) => ({ path: `suggestions[${i}].${field}${p.path && p.path !== '(root)' ? `.${p.path}` : ''}`, message: p.message });
    if (s.kind === 'milestone_threshold') {
      const checked = await validateMilestone(database.db, guildId, s.milestone);
      if (!checked.ok) problems.push(...checked.problems.map((p) => at(p, 'milestone')));
    } else if (s.kind === 'unspent_currency') {
      if (!currencies.some((c) => c.key === s.currency)) problems.push({ path: `suggestions[${i}].currency`, message: `unknown currency "${s.currency}"` });
    } else {
      const checked = validateRuleDocument(s.rule, currencies, zones, guildId);
      if (!checked.ok) problems.push(...checked.problems.map((p) => at(p, 'rule')));
    }
  }
  if (problems.length > 0) throw new AiSuggestionError('Gemini proposed changes that are not valid for this server; nothing was stored.', null, problems);

  const figuresByCurrency = await currencyFigures(database.db, guildId, w);
  const drafts: Draft[] = [];
  let replays = options.maxRuleSuggestions;
  return withBacktestSession(database, guildId, async (session) => {
    for (const s of answer.suggestions) {
      const base = { source: 'ai' as const, title: s.title, explanation: s.explanation };
      if (s.kind === 'milestone_threshold') {
        const m: Milestone = s.milestone;
        const r = m.requirement as Extract<Milestone['requirement'], { type: 'event_count' }>;
        const metric: Metric = { id: `${r.events[0]}_${r.side}`, event: r.events[0]!, side: r.side, measure: r.measure === 'voice_minutes' ? 'voice_minutes' : 'count', noun: `${r.events[0]} (${r.side}${r.measure === 'voice_minutes' ? ', voice minutes' : ''})`, icon: m.icon };
        const backtest = await withMemberWindow(database.db, guildId, w, [metric], async (tx) => {
          const [f] = await metricFigures(tx, [metric], options.percentile);
          const [qualified] = await lifetimeQualified(tx, guildId, [{ metric, threshold: r.min }]);
          return milestoneBacktest(tx, w, metric, 0, r.min, { p50: f?.p50 ?? 0, p90: f?.p90 ?? 0, p99: f?.p99 ?? 0 }, qualified ?? 0);
        });
        drafts.push({ ...base, kind: s.kind, fingerprint: `ai:milestone_threshold:${m.key}`, applicable: true, proposal: { milestone: m as unknown as Record<string, unknown> }, backtest });
      } else if (s.kind === 'unspent_currency') {
        const c = figuresByCurrency.find((x) => x.key === s.currency)!;
        const backtest = await currencyBacktest(database.db, guildId, w, { id: c.currencyId, key: c.key, earned: c.earned, spent: c.spent, earners: c.earners });
        drafts.push({ ...base, kind: s.kind, fingerprint: `ai:unspent_currency:${c.key}`, applicable: false, proposal: { currency: c.key }, backtest });
      } else if (replays-- > 0) {
        // Rules beyond the replays asked for are left out: every suggestion carries its backtest.
        const backtest = await ruleBacktest(session, [s.rule], w, currencies, options.maxBacktestEvents);
        drafts.push({ ...base, kind: s.kind, fingerprint: `ai:${s.kind}:${s.rule.key}`, applicable: true, proposal: { rule: s.rule as unknown as Record<string, unknown> }, backtest });
      }
    }
    return drafts;
  });
}

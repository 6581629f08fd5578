// What a suggestion is and what its backtest says, as zod schemas: the API documents them, the
// repository stores them, the panel reads them.
import { z } from 'zod';

export const SUGGESTION_KINDS = ['milestone_threshold', 'reward_activity', 'cap', 'unspent_currency'] as const;
export type SuggestionKind = (typeof SUGGESTION_KINDS)[number];
export const SUGGESTION_SOURCES = ['statistics', 'ai'] as const;
export type SuggestionSource = (typeof SUGGESTION_SOURCES)[number];
export const SUGGESTION_STATUSES = ['open', 'dismissed', 'applied', 'rolled_back'] as const;
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];

/** How earnings of one currency spread over the members who earned any (whole window). */
export const Distribution = z
  .object({
    members: z.number().meta({ description: 'members who earned any of it in the window' }),
    total: z.number(),
    p50: z.number(),
    p90: z.number(),
    p99: z.number(),
    top10_share: z.number().meta({ description: 'share of the total earned by the top 10% of those members (0–1)' }),
  })
  .meta({ id: 'SuggestionDistribution' });
export type Distribution = z.output<typeof Distribution>;

const Window = {
  days: z.number().meta({ description: 'days of history the backtest covers (ending at `to`)' }),
  from: z.string(),
  to: z.string(),
};

/** A milestone threshold: who among the active members would have reached it in the window. */
export const MilestoneBacktest = z
  .object({
    kind: z.literal('milestone'),
    ...Window,
    metric: z.string().meta({ description: 'what is measured, in words (e.g. "messages sent")' }),
    threshold: z.number(),
    active_members: z.number().meta({ description: 'members who did anything in the window (joins and leaves aside)' }),
    reached: z.number().meta({ description: 'active members whose window total meets the threshold' }),
    reached_share: z.number().meta({ description: 'reached / active_members (0–1)' }),
    members: z.array(z.object({ user_id: z.string(), value: z.number() })).meta({ description: 'who would have reached it, highest first (at most 100)' }),
    already_qualified: z.number().meta({ description: 'members whose lifetime total already meets it: applying awards it to them at once' }),
    percentiles: z.object({ p50: z.number(), p90: z.number(), p99: z.number() }).meta({ description: 'of the window total over active members' }),
  })
  .meta({ id: 'SuggestionMilestoneBacktest' });
export type MilestoneBacktest = z.output<typeof MilestoneBacktest>;

export const CurrencyEffect = z.object({
  live: z.number().meta({ description: 'what the current rules paid in the replay' }),
  candidate: z.number().meta({ description: 'what the rules with the suggestion paid' }),
  difference: z.number(),
  before: Distribution,
  after: Distribution,
});

/** A rule change replayed through the real pipeline (src/rules/backtest.ts) over the window. */
export const RuleBacktest = z
  .object({
    kind: z.literal('rule'),
    ...Window,
    events: z.number().meta({ description: 'lake events replayed' }),
    bounded: z.boolean().meta({ description: 'true when the window was shortened to keep the replay within the event bound' }),
    currencies: z.record(z.string(), CurrencyEffect).meta({ description: 'per currency key: totals of both replays, and the distribution of earnings before and after' }),
    members_changed: z.number(),
    members: z.array(z.object({ user_id: z.string(), currency: z.string(), live: z.number(), candidate: z.number(), difference: z.number() }))
      .meta({ description: 'who would have earned what differently, largest change first (at most 100)' }),
  })
  .meta({ id: 'SuggestionRuleBacktest' });
export type RuleBacktest = z.output<typeof RuleBacktest>;

/** Advice with nothing to replay: the currency's figures over the window. */
export const CurrencyBacktest = z
  .object({ kind: z.literal('currency'), ...Window, currency: z.string(), earned: z.number(), spent: z.number(), holders: z.number(), distribution: Distribution })
  .meta({ id: 'SuggestionCurrencyBacktest' });
export type CurrencyBacktest = z.output<typeof CurrencyBacktest>;

export const SuggestionBacktest = z.discriminatedUnion('kind', [MilestoneBacktest, RuleBacktest, CurrencyBacktest]);
export type SuggestionBacktest = z.output<typeof SuggestionBacktest>;

/** What applying creates: a milestone document, or a rule document (a new rule or a rule's next version). */
export const Proposal = z
  .object({
    milestone: z.record(z.string(), z.unknown()).optional().meta({ description: 'valid for the milestone schema (PUT …/milestones/{key})' }),
    rule: z.record(z.string(), z.unknown()).optional().meta({ description: 'valid for the rule schema (PUT …/rules/{key})' }),
    currency: z.string().optional(),
  })
  .meta({ id: 'SuggestionProposal' });
export type Proposal = z.output<typeof Proposal>;

/** A suggestion before it is stored. */
export interface Draft {
  kind: SuggestionKind;
  source: SuggestionSource;
  fingerprint: string;
  title: string;
  explanation: string;
  applicable: boolean;
  proposal: Proposal;
  backtest: SuggestionBacktest;
}

export const SuggestionOut = z
  .object({
    id: z.number(),
    kind: z.enum(SUGGESTION_KINDS),
    source: z.enum(SUGGESTION_SOURCES),
    status: z.enum(SUGGESTION_STATUSES),
    title: z.string(),
    explanation: z.string().meta({ description: 'in plain words: what, why, and what the backtest shows' }),
    applicable: z.boolean().meta({ description: 'false for advice that apply cannot carry out (say what to do instead)' }),
    proposal: Proposal,
    backtest: SuggestionBacktest,
    applied: z.record(z.string(), z.unknown()).nullable().meta({ description: 'what apply created (and a rollback undid)' }),
    created_at: z.string(),
    updated_at: z.string(),
    decided_at: z.string().nullable(),
    decided_by: z.string().nullable(),
  })
  .meta({ id: 'Suggestion' });
export type SuggestionOut = z.output<typeof SuggestionOut>;

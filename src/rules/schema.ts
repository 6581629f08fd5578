// The rule document: trigger → conditions → limits → effects. This zod schema is the documentation;
// it is exported as JSON Schema for the panel and for editors (ruleJsonSchema()).
import { z } from 'zod';
import { Amount as AmountRange, MAX_AMOUNT, MAX_COUNT, WindowSeconds, wholeNumber } from '../config/ranges.ts';
import { DisplayName } from '../config/text.ts';
import { EVENT_TYPES } from '../events/lake-event.ts';
import { checkLogic } from './logic/validate.ts';

const Key = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'must be lowercase letters, digits, and _ . - (e.g. "classic.message_xp")');

/** A channel or role id, or a recipe placeholder such as {{channel:announcements}}. */
export const IdOrPlaceholder = z
  .string()
  .regex(/^([0-9]{1,20}|\{\{(channel|role):[a-z0-9_-]+\}\})$/, 'must be an id (digits) or a placeholder like {{channel:name}}');

/** A JSON Logic expression (json-logic-js semantics plus Cairn's custom operations). */
const refineLogic = (value: unknown, ctx: z.RefinementCtx) => {
  if (value === undefined) {
    ctx.addIssue({ code: 'custom', message: 'is required' });
    return;
  }
  for (const problem of checkLogic(value)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
};

export const Logic = z
  .unknown()
  .superRefine(refineLogic)
  .meta({ description: 'JSON Logic expression (https://jsonlogic.com) with Cairn operations: pow, floor, ceil, trunc, round, abs, clamp, div, coalesce, quality_modifier, multiplier, random_int. Variables: event, actor, target, zone, channel_type, time, chain, vars, and ai_quality (0–1, the AI quality of a message\'s text; null when AI is off, the budget is spent or the call fails — {"var": ["ai_quality", 0.5]} gives a default)' });

/**
 * How much a credit, debit or transfer moves: a whole number from 1 to MAX_AMOUNT, or a JSON Logic
 * expression whose result is rounded by `round` and checked against the same range when it runs.
 * `negative` says what to write instead of a negative literal (a debit for a credit, …).
 */
const MoveAmount = (negative: string) =>
  z.union(
    [
      z.number().superRefine((n, ctx) => {
        if (n < 0) ctx.addIssue({ code: 'custom', message: `must be positive: ${negative}` });
        else for (const issue of AmountRange().safeParse(n).error?.issues ?? []) ctx.addIssue({ code: 'custom', message: issue.message });
      }),
      z.record(z.string(), z.unknown()).superRefine(refineLogic),
    ],
    { error: 'must be a number or a JSON Logic expression (an object)' },
  ).meta({ description: `a whole number from 1 to ${MAX_AMOUNT.toLocaleString('en-US')}, or a JSON Logic expression (its result is rounded, and skipped as a rule error if beyond that range)` });

/** An amount of any move (the JSON Schema and callers that do not know the effect). */
export const Amount = MoveAmount('to take currency away, use a debit effect');

export const Rounding = z.enum(['trunc', 'floor', 'ceil', 'round']).default('trunc').meta({
  description: 'How a computed amount becomes a whole number: trunc (toward zero, the default), floor, ceil, round (half up)',
});

const Member = z.enum(['actor', 'target']);

const Trigger = z.object({
  events: z.array(z.enum(EVENT_TYPES as [string, ...string[]])).min(1),
  channels: z.array(IdOrPlaceholder).optional().meta({ description: 'fire only in these channels' }),
  zones: z.array(Key).optional().meta({ description: 'fire only in channels of these zones' }),
  exclude_channels: z.array(IdOrPlaceholder).optional(),
  exclude_zones: z.array(Key).optional(),
  roles: z
    .object({
      any: z.array(IdOrPlaceholder).optional(),
      all: z.array(IdOrPlaceholder).optional(),
      none: z.array(IdOrPlaceholder).optional(),
    })
    .optional()
    .meta({ description: "filters on the actor's roles" }),
  /** For internal events: only for this currency (currency_credited, level_up, …), milestone or shop item. */
  currency: z.string().optional(),
  milestone: z.string().optional(),
  item: z.string().optional(),
  /** Skip events whose actor is also their target (e.g. reacting to one's own message). */
  exclude_self: z.boolean().optional(),
  /** Require (true) or forbid (false) a target member. */
  has_target: z.boolean().optional(),
});

const Condition = z.object({
  name: z.string().max(100).optional(),
  if: Logic,
});

const Limit = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('cooldown'),
    seconds: WindowSeconds(),
    per: z.enum(['actor', 'actor_channel', 'actor_target', 'guild']).default('actor'),
  }),
  z.object({
    kind: z.literal('rate'),
    max: wholeNumber(1, MAX_COUNT),
    window_seconds: WindowSeconds(),
    per: z.enum(['actor', 'actor_channel', 'actor_target', 'guild']).default('actor'),
  }),
  z.object({
    kind: z.literal('cap'),
    currency: z.string().min(1),
    max: AmountRange(),
    period: z.enum(['day', 'week']),
    per: z.enum(['actor', 'target']).default('actor').meta({ description: 'whose credits count: the member credited' }),
  }),
]);

const Embed = z.object({
  title: z.string().max(256).optional(),
  description: z.string().max(4096).optional(),
  color: wholeNumber(0, 0xffffff).optional(),
  fields: z.array(z.object({ name: z.string().max(256), value: z.string().max(1024), inline: z.boolean().optional() })).max(25).optional(),
});

const Effect = z.discriminatedUnion('type', [
  z.object({ type: z.literal('credit'), to: Member.default('actor'), currency: z.string().min(1), amount: Amount, round: Rounding, reason: z.string().max(200).optional() }),
  z.object({ type: z.literal('debit'), from: Member.default('actor'), currency: z.string().min(1), amount: MoveAmount('to give currency, use a credit effect'), round: Rounding, reason: z.string().max(200).optional() }),
  z.object({ type: z.literal('transfer'), from: Member, to: Member, currency: z.string().min(1), amount: MoveAmount('to move currency the other way, swap from and to'), round: Rounding, reason: z.string().max(200).optional() }),
  z.object({ type: z.literal('role_add'), to: Member.default('actor'), role: IdOrPlaceholder, replace: z.array(IdOrPlaceholder).optional().meta({ description: 'roles removed when this one is given (to set one of a group)' }) }),
  z.object({ type: z.literal('role_remove'), from: Member.default('actor'), role: IdOrPlaceholder }),
  z.object({ type: z.literal('message'), channel: z.union([IdOrPlaceholder, z.literal('event_channel')]), template: z.string().max(2000).default(''), embed: Embed.optional() }),
  z.object({ type: z.literal('dm'), to: Member.default('actor'), template: z.string().max(2000).default(''), embed: Embed.optional() }),
  z.object({ type: z.literal('milestone_check'), member: z.enum(['actor', 'target', 'both']).default('actor'), milestones: z.array(z.string()).optional() }),
  z.object({
    type: z.literal('emit'),
    event: z.enum(['currency_credited', 'currency_debited', 'level_up', 'milestone_earned', 'season_roll', 'shop_purchase']),
    member: Member.default('actor'),
    data: z.record(z.string(), Logic).default({}).meta({ description: 'the internal event\'s data: each value a JSON Logic expression evaluated when the rule fires' }),
  }),
]);

export const RuleSchema = z
  .object({
    key: Key,
    name: DisplayName(100),
    description: z.string().max(1000).optional(),
    module: z.string().min(1).max(48).default('general'),
    enabled: z.boolean().default(true),
    mode: z.enum(['live', 'shadow']).default('live'),
    priority: wholeNumber(-1000, 1000).default(0).meta({ description: 'higher runs first' }),
    stop_processing: z.boolean().default(false).meta({ description: 'when this rule fires, lower-priority rules do not run for the event' }),
    trigger: Trigger,
    /** Named values computed once per evaluation, usable as {"var": "vars.name"} afterwards. */
    vars: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/), Logic).optional(),
    conditions: z.array(Condition).default([]),
    limits: z.array(Limit).default([]),
    effects: z.array(Effect).min(1),
  })
  .strict();

export type RuleInput = z.input<typeof RuleSchema>;
export type Rule = z.output<typeof RuleSchema>;
export type Effect = Rule['effects'][number];
export type Limit = Rule['limits'][number];
export type Trigger = Rule['trigger'];

export function ruleJsonSchema(): unknown {
  return z.toJSONSchema(RuleSchema, { io: 'input', unrepresentable: 'any' });
}

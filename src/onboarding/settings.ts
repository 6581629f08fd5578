// A guild's onboarding flow (settings.onboarding): the welcome (DM or channel) from a template, an
// optional questionnaire whose answers grant roles, a checklist of steps each completed by an
// event, and what completing them all gives (roles here; rewards through rules on
// onboarding_completed).
import { z } from 'zod';
import { EVENT_TYPES, Snowflake } from '../events/lake-event.ts';
import { checkFlow, checkWhen, uniqueKeys } from './flow-checks.ts';

const Key = z.string().min(1).max(48).regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _');

export const QuestionOption = z
  .object({
    key: Key,
    label: z.string().min(1).max(80),
    emoji: z.string().max(64).optional(),
    description: z.string().max(100).optional(),
    role_ids: z.array(Snowflake).max(10).default([]),
  })
  .strict();

export const Question = z
  .object({
    key: Key,
    prompt: z.string().min(1).max(300),
    /** Buttons for a few options, a select menu for more. */
    style: z.enum(['buttons', 'select']).default('buttons'),
    multiple: z.boolean().default(false),
    required: z.boolean().default(true),
    options: z.array(QuestionOption).min(1).max(25).superRefine(uniqueKeys('option')),
  })
  .strict();

/** What completes a step: a lake event of this type by the member, optionally in given channels. */
export const StepTrigger = z
  .object({
    type: z.enum(EVENT_TYPES as [string, ...string[]]),
    channel_ids: z.array(Snowflake).max(25).optional(),
    /** Extra json-logic condition over the event (as in rules). */
    when: z.unknown().optional(),
    /** How many such events complete it (default 1). */
    count: z.number().int().min(1).max(1000).default(1),
  })
  .strict();

export const OnboardingStep = z
  .object({
    key: Key,
    label: z.string().min(1).max(80),
    description: z.string().max(300).default(''),
    /** `questionnaire` completes when the questionnaire is answered; `event` by its trigger. */
    kind: z.enum(['event', 'questionnaire']).default('event'),
    trigger: StepTrigger.optional(),
  })
  .strict()
  .refine((s) => s.kind !== 'event' || s.trigger !== undefined, { error: 'an event step needs a trigger', path: ['trigger'] });

const OnboardingShape = z
  .object({
    enabled: z.boolean().default(false),
    welcome: z
      .object({
        enabled: z.boolean().default(true),
        /** A DM, falling back to the channel when Discord refuses it; or the channel only. */
        where: z.enum(['dm', 'channel']).default('dm'),
        channel_id: Snowflake.nullable().default(null),
        /** {member}, {server}, {checklist} are filled in. */
        template: z.string().min(1).max(2000).default('Welcome to {server}, {member}! Here is how to get started:\n{checklist}'),
      })
      .strict()
      .default({ enabled: true, where: 'dm', channel_id: null, template: 'Welcome to {server}, {member}! Here is how to get started:\n{checklist}' }),
    questionnaire: z
      .object({
        enabled: z.boolean().default(false),
        where: z.enum(['dm', 'channel']).default('dm'),
        channel_id: Snowflake.nullable().default(null),
        questions: z.array(Question).max(5).default([]).superRefine(uniqueKeys('question')),
      })
      .strict()
      .default({ enabled: false, where: 'dm', channel_id: null, questions: [] }),
    steps: z.array(OnboardingStep).max(15).default([]).superRefine(uniqueKeys('step')),
    completion_role_ids: z.array(Snowflake).max(10).default([]),
    /** A member with no progress for this long is "stuck" in the panel. */
    stuck_after_hours: z.number().int().min(1).max(24 * 60).default(72),
  })
  .strict();

/**
 * What a change is validated by: the shape, each step's `when` checked as a rule condition is at
 * save (known operations, var paths from the documented roots, size and nesting limits), and the
 * parts that need each other (flow-checks.ts).
 */
export const OnboardingSettings = OnboardingShape.superRefine((flow, ctx) => {
  checkFlow(flow, ctx);
  flow.steps.forEach((step, i) => checkWhen(step.trigger?.when, ctx, ['steps', i, 'trigger', 'when']));
});
export type OnboardingSettings = z.output<typeof OnboardingShape>;

/**
 * The guild's onboarding flow, with defaults for anything unset or malformed (then it is off). A
 * stored `when` is not re-checked here: a bad one costs only its own step (see flow.ts).
 */
export function onboardingSettings(settings: Record<string, unknown>): OnboardingSettings {
  const parsed = OnboardingShape.safeParse(settings.onboarding ?? {});
  return parsed.success ? parsed.data : OnboardingShape.parse({});
}

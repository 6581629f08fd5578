// A rule template: a rule body with typed placeholders, a description in plain words, and an
// example dry run (sample events, the outcome in words and as data) that the tests hold it to.
import { z } from 'zod';
import { EVENT_TYPES } from '../../events/lake-event.ts';
import { namesUsed, PlaceholderSchema } from './placeholders.ts';

export const TemplateKey = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lowercase letters, digits, _ and - (e.g. "daily-first-message")');

/** The members of an example, by name (their ids are fixed: see EXAMPLE_MEMBERS). */
export const ExampleMember = z.enum(['alice', 'bob', 'carol']);
export type ExampleMember = z.output<typeof ExampleMember>;

const ExampleEvent = z
  .object({
    type: z.enum(EVENT_TYPES as [string, ...string[]]),
    actor: ExampleMember.default('alice'),
    target: ExampleMember.optional(),
    /** A channel id; absent: the example channel. */
    channel: z.string().regex(/^[0-9]{1,20}$/).optional(),
    at: z.iso.datetime({ offset: true }),
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const ExampleSchema = z
  .object({
    /** Values for the placeholders that have no default (and any the example wants different). */
    values: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
    events: z.array(ExampleEvent).min(1).max(20),
    /** The outcome in plain words. */
    outcome: z.string().min(1).max(500),
    /** The same as data: whether the rule fired on each event, and the balances after the last. */
    expected: z
      .object({
        fired: z.array(z.boolean()),
        balances: z.partialRecord(ExampleMember, z.record(z.string(), z.number().int())).default({}),
        roles_added: z.partialRecord(ExampleMember, z.array(z.string())).optional(),
      })
      .strict(),
  })
  .strict()
  .refine((e) => e.expected.fired.length === e.events.length, { error: 'expected.fired must have one entry per event', path: ['expected', 'fired'] });

export const RuleTemplateSchema = z
  .object({
    key: TemplateKey,
    name: z.string().min(1).max(100),
    description: z.string().min(1).max(1000),
    /** Gallery grouping: rewards, limits, voice, events, onboarding, … */
    category: z.string().min(1).max(32).default('general'),
    placeholders: z.array(PlaceholderSchema).max(20).default([]),
    /** The rule document with {{name}} placeholders (checked by the rule schema once filled). */
    rule: z.record(z.string(), z.unknown()),
    example: ExampleSchema.optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    const declared = t.placeholders.map((p) => p.name);
    const used = namesUsed(t.rule);
    declared.forEach((name, i) => {
      if (declared.indexOf(name) !== i) ctx.addIssue({ code: 'custom', path: ['placeholders', i, 'name'], message: `"${name}" is declared twice` });
      if (!used.has(name)) ctx.addIssue({ code: 'custom', path: ['placeholders', i, 'name'], message: `"${name}" is declared but the rule never uses {{${name}}}` });
    });
    for (const name of used) if (!declared.includes(name)) ctx.addIssue({ code: 'custom', path: ['rule'], message: `uses {{${name}}}, which is not a declared placeholder` });
  });

export type RuleTemplateInput = z.input<typeof RuleTemplateSchema>;
export type RuleTemplate = z.output<typeof RuleTemplateSchema>;
export type TemplateExample = z.output<typeof ExampleSchema>;

// An FAQ entry as admins write it and presets, versions and the API carry it: a stable key, the
// question, a Markdown answer, tags and the other ways members ask the same thing.
import { z } from 'zod';
import { DisplayName } from '../config/text.ts';
import { unstorableText } from '../db/storable.ts';

export const MAX_ANSWER = 4000;
export const MAX_QUESTION = 200;

/** Markdown text: line breaks are welcome, text Postgres cannot store is not. */
const Markdown = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(MAX_ANSWER, { error: `must be at most ${MAX_ANSWER} characters` })
  .superRefine((s, ctx) => {
    const why = unstorableText(s);
    if (why) ctx.addIssue({ code: 'custom', message: why, abort: true });
  });

export const FaqKey = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _ (a slug such as "reset-password")');

const Tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, { error: 'must not be empty' })
  .max(32, { error: 'must be at most 32 characters' })
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]*$/u, 'letters, digits, spaces, - and _');

const unique = <T extends z.ZodType<string>>(item: T, max: number, what: string) =>
  z
    .array(item)
    .max(max, { error: `at most ${max} ${what}` })
    .default([])
    .refine((list) => new Set(list.map((x) => x.toLowerCase())).size === list.length, { error: `${what} must not repeat` });

export const FaqEntrySchema = z
  .object({
    key: FaqKey,
    question: DisplayName(MAX_QUESTION),
    answer: Markdown,
    tags: unique(Tag, 10, 'tags'),
    alternatives: unique(DisplayName(MAX_QUESTION), 10, 'alternative phrasings'),
  })
  .strict()
  .meta({ id: 'FaqEntryInput' });
export type FaqEntry = z.output<typeof FaqEntrySchema>;

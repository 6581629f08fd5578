// The guild's taxonomy: what its currencies and a few of Cairn's own words are called wherever
// members read them (bot replies, rank cards, the panel). Stored as `settings.labels`, a map from
// a key to the text shown:
//   - a currency key ("xp", "gold") → the name shown for that currency, in place of its `name`;
//   - a term ("milestones", "level") → the word shown for that concept ("Achievements", "Rank").
// A term wins over a currency with the same key. Keys the guild no longer has (a deleted currency)
// are kept but ignored; a change may only name currencies that exist and the terms below.
import { z } from 'zod';
import { unstorableText } from '../db/storable.ts';

/** Cairn's words a guild may rename, with the word used when it does not. */
export const LABEL_TERMS = {
  milestones: { default: 'Milestones', effect: 'what milestones are called: the /milestones reply, /profile, the panel menu and pages' },
  level: { default: 'Level', effect: 'the word before a level number: /profile, rank cards, the leaderboard' },
} as const satisfies Record<string, { default: string; effect: string }>;
export type LabelTerm = keyof typeof LABEL_TERMS;

export const MAX_LABEL_LENGTH = 64;
const MAX_LABELS = 100;

// Control characters would break embeds and the card's single-line text; NUL cannot be stored.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export const LabelText = z
  .string()
  .trim()
  .min(1, 'must not be empty (remove the label to use the default)')
  .max(MAX_LABEL_LENGTH, `must be at most ${MAX_LABEL_LENGTH} characters`)
  .superRefine((text, ctx) => {
    const why = unstorableText(text);
    if (why) ctx.addIssue({ code: 'custom', message: why });
    else if (CONTROL.test(text)) ctx.addIssue({ code: 'custom', message: 'must be one line of text without control characters' });
  });

/** The shape of `settings.labels`; which keys are allowed depends on the guild (see labelProblems). */
export const LabelsSetting = z
  .record(z.string().min(1).max(32).regex(/^[a-z][a-z0-9_]*$/, 'must be a currency key or a term such as milestones'), LabelText)
  .refine((labels) => Object.keys(labels).length <= MAX_LABELS, `at most ${MAX_LABELS} labels`)
  .meta({ description: 'what currencies (by key) and terms (milestones, level) are called; a currency label replaces its name' });

/** Keys of a change that are neither a term nor one of the guild's currencies, as field problems. */
export function labelProblems(labels: Record<string, string>, currencyKeys: Iterable<string>): { path: string; message: string }[] {
  const known = new Set([...Object.keys(LABEL_TERMS), ...currencyKeys]);
  const terms = Object.keys(LABEL_TERMS).join(', ');
  return Object.keys(labels)
    .filter((key) => !known.has(key))
    .map((key) => ({ path: `labels.${key}`, message: `is neither a currency of this server nor a term (${terms})` }));
}

/** What a guild calls things; every reader goes through this rather than `settings.labels`. */
export interface Labels {
  /** The name shown for a currency: its label, else its own name. */
  currency(currency: { key: string; name: string }): string;
  /** A currency label with its symbol in front ("⭐ Stars"). */
  currencyWithSymbol(currency: { key: string; name: string; symbol?: string | null }): string;
  term(term: LabelTerm): string;
}

function storedLabels(settings: Record<string, unknown> | null | undefined): Record<string, string> {
  const raw = settings?.labels;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const out: Record<string, string> = {};
  // Stored documents predate this validation (presets wrote labels as given): keep only good text.
  for (const [key, value] of Object.entries(raw)) if (LabelText.safeParse(value).success) out[key] = (value as string).trim();
  return out;
}

/** The labels of a guild from its settings (a label shows only where its currency is shown). */
export function labelsFor(settings: Record<string, unknown> | null | undefined): Labels {
  const stored = storedLabels(settings);
  const isTerm = (key: string) => Object.hasOwn(LABEL_TERMS, key);
  const currency = (c: { key: string; name: string }) => (isTerm(c.key) ? undefined : stored[c.key]) ?? c.name;
  return {
    currency,
    currencyWithSymbol: (c) => `${c.symbol ? `${c.symbol} ` : ''}${currency(c)}`,
    term: (term) => stored[term] ?? LABEL_TERMS[term].default,
  };
}

// Text an admin types that members then see: the display names of rules, currencies, zones,
// milestones and shop items. One helper so every schema trims, refuses blank names and control
// characters the same way, with messages a person can read at the field.
import { z } from 'zod';

// Line breaks, tabs, NUL and the other C0/C1 controls: invisible, and they break embeds and tables.
const CONTROL = /\p{Cc}/u;

/** A display name: trimmed, 1–max characters after trimming, no control characters. */
export function DisplayName(max: number) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` })
    .refine((s) => !CONTROL.test(s), { error: 'must not contain line breaks, tabs or other control characters', abort: true });
}

// What a normalizer returns: an event, a deliberate skip (bots, DMs, system messages) with its
// reason, or the problems of a payload that lacks what Cairn needs.
import type { z } from 'zod';
import { unstorableStrings } from '../../db/storable.ts';
import type { LakeEvent } from '../../events/lake-event.ts';

export type Normalized =
  | { ok: true; event: LakeEvent }
  | { ok: true; event: null; skipped: string }
  | { ok: false; problems: string[] };

/** An event to ingest, unless it holds text Postgres cannot store (a NUL in a thread name, say). */
export function accept(event: LakeEvent): Normalized {
  const unstorable = unstorableStrings(event);
  return unstorable.length > 0 ? { ok: false, problems: unstorable.map((p) => `${p.path}: ${p.message}`) } : { ok: true, event };
}
export const skip = (reason: string): Normalized => ({ ok: true, event: null, skipped: reason });

/** Field-level problems of a payload that failed its schema, as "path: message" lines. */
export function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(payload)'}: ${i.message}`);
}

/** Parses a gateway payload against the fields a normalizer reads. */
export function parsePayload<T extends z.ZodType>(schema: T, data: unknown): { ok: true; value: z.output<T> } | { ok: false; problems: string[] } {
  const parsed = schema.safeParse(data);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problems: problemsOf(parsed.error) };
}

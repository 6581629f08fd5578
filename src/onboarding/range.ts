// The period the panel's onboarding views cover: members who joined between two local days of the
// guild (inclusive), by default the last 12 weeks (this week and the 11 full weeks before it).
import { localDay } from '../milestones/requirements.ts';
import { localMidnight, weekOf } from '../analytics/time.ts';

export const DEFAULT_WEEKS = 12;
/** The longest period one question may cover (a year and a bit): bounds the work of one answer. */
export const MAX_RANGE_DAYS = 371;

export interface JoinRange {
  /** First and last local day (YYYY-MM-DD), inclusive. */
  from: string;
  to: string;
  /** The instants bounding joined_at: [start, end). */
  start: Date;
  end: Date;
  timeZone: string;
}

export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00.000Z`) + n * 86_400_000).toISOString().slice(0, 10);
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

export type RangeResult = { ok: true; range: JoinRange } | { ok: false; problems: { path: string; message: string }[] };

/** The range from optional `from`/`to` local days, checked (from ≤ to, at most MAX_RANGE_DAYS). */
export function joinRange(timeZone: string, now: Date, from?: string, to?: string): RangeResult {
  const last = to ?? localDay(now, timeZone);
  const first = from ?? addDays(weekOf(last), -7 * (DEFAULT_WEEKS - 1));
  if (first > last) return { ok: false, problems: [{ path: 'from', message: `must be on or before "to" (${last})` }] };
  if (daysBetween(first, last) + 1 > MAX_RANGE_DAYS) return { ok: false, problems: [{ path: 'from', message: `the period is ${daysBetween(first, last) + 1} days; at most ${MAX_RANGE_DAYS}` }] };
  return { ok: true, range: { from: first, to: last, start: new Date(localMidnight(first, timeZone)), end: new Date(localMidnight(addDays(last, 1), timeZone)), timeZone } };
}

/** The Mondays of the local weeks a range touches, oldest first. */
export function weeksOf(range: JoinRange): string[] {
  const out: string[] = [];
  for (let w = weekOf(range.from); w <= range.to; w = addDays(w, 7)) out.push(w);
  return out;
}

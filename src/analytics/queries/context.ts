// What every Community question is asked with (the guild, its time zone, now) and the calendar
// arithmetic they share. Days are the guild's local days.
import { localDay, previousDay } from '../../milestones/requirements.ts';
import { weekOf } from '../time.ts';

export interface AnalyticsContext {
  guildId: string;
  timeZone: string;
  now: Date;
}

export function daysBack(ctx: AnalyticsContext, days: number): string[] {
  const out: string[] = [];
  let day = localDay(ctx.now, ctx.timeZone);
  for (let i = 0; i < days; i++) {
    out.unshift(day);
    day = previousDay(day);
  }
  return out;
}

export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00.000Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** This local week's Monday and the Mondays of the full weeks before it (oldest first). */
export function weeksBack(ctx: AnalyticsContext, weeks: number): { current: string; weeks: string[] } {
  const current = weekOf(localDay(ctx.now, ctx.timeZone));
  return { current, weeks: Array.from({ length: weeks }, (_, i) => addDays(current, -7 * (weeks - 1 - i))) };
}

// Words for scheduled events on the Community pages.
import type { ScheduledEventSummary } from '$api/contract';

export const STATUS_LABEL: Record<NonNullable<ScheduledEventSummary['status']>, string> = {
  scheduled: 'Scheduled',
  active: 'Happening now',
  completed: 'Ended',
  canceled: 'Canceled',
};

export const TYPE_LABEL: Record<NonNullable<ScheduledEventSummary['entityType']>, string> = { stage: 'Stage', voice: 'Voice', external: 'Elsewhere' };

/** The event's name; one Cairn saw only in attendance (before it stored events) is "An earlier event" with its start. */
export const eventTitle = (e: Pick<ScheduledEventSummary, 'name' | 'firstAt'>) =>
  e.name ?? `An earlier event${e.firstAt ? ` (${new Date(e.firstAt).toLocaleDateString('en-GB', { dateStyle: 'medium' })})` : ''}`;

export const pct = (r: number) => `${Math.round(r * 100)}%`;

// The Community page's numbers, read from the aggregates (never the lake), one file per question.
export { weekOf } from '../time.ts';
export type { AnalyticsContext } from './context.ts';
export { growth } from './growth.ts';
export { voice } from './voice.ts';
export { PEAK_ACTIVITY, peakHours } from './peak-hours.ts';
export { scheduledEvent, scheduledEvents, type ScheduledEventSummary } from './scheduled-events.ts';
export { ENGAGEMENT_BUCKETS, engagement, topEngaged, type EngagedMember } from './engagement.ts';
export { engagementCsv } from './engagement-csv.ts';
export { retention } from './retention.ts';
export { DEFAULT_STAR_SETTINGS, stars, type StarSettings } from './stars.ts';
export { clearAnalyticsCache } from './signature.ts';
export { pulse, type PulseMember } from './pulse.ts';
export { presence } from './presence.ts';

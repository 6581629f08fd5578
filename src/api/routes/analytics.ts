// /api/guilds/:guildId/analytics/* — the Community page: growth, voice, peak hours, scheduled
// events (and one event's attendance), presence, weekly engagement and the impact pulse under the
// guild's configured score, retention, rising stars and churn risks. Each reads the aggregates
// (never the raw lake) and answers JSON, or CSV with ?format=csv.
import { eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { engagementWeightsOf } from '../../analytics/engagement-score.ts';
import * as q from '../../analytics/queries/index.ts';
import { Snowflake } from '../../events/lake-event.ts';
import { guilds } from '../../db/schema.ts';
import { AnalyticsSettings } from '../../guilds/settings.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith } from '../validate.ts';
import { guildOf } from './helpers.ts';

const Format = z.enum(['json', 'csv']).default('json');
const DaysQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(30), format: Format });
const PeakQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(28), format: Format });
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-11-16').refine((d) => !Number.isNaN(Date.parse(d)), 'not a calendar date');
const WeeksQuery = z.object({ weeks: z.coerce.number().int().min(1).max(52).default(8), week: Day.optional(), format: Format });
const MonthsQuery = z.object({ months: z.coerce.number().int().min(1).max(36).default(6), format: Format });
const FormatQuery = z.object({ format: Format });
const PulseQuery = z.object({ member: Snowflake.optional(), limit: z.coerce.number().int().min(1).max(200).default(25), format: Format });
const EventParams = z.object({ eventId: Snowflake });


// Response shapes (JSON; ?format=csv answers text/csv instead).
const LocalDay = z.string().meta({ description: 'YYYY-MM-DD, a local day of the guild' });
const Member = { userId: z.string(), name: z.string().nullable() };
const GrowthOut = z
  .object({
    days: z.array(z.object({ day: LocalDay, joins: z.number(), leaves: z.number(), net: z.number() })),
    members: z.object({ now: z.number(), thirtyDaysAgo: z.number(), netLast30Days: z.number() }),
  })
  .meta({ id: 'AnalyticsGrowth' });
const VoiceOut = z
  .object({
    days: z.array(z.object({ day: LocalDay, minutes: z.number(), afkMinutes: z.number(), sessions: z.number() })),
    averageSessionMinutes: z.number().nullable(),
    top: z.array(z.object({ ...Member, minutes: z.number() })),
  })
  .meta({ id: 'AnalyticsVoice' });
const PeakOut = z.object({ timeZone: z.string(), grid: z.array(z.array(z.number()).length(24)).length(7).meta({ description: 'grid[weekday 0 = Sunday][hour]' }) }).meta({ id: 'AnalyticsPeakHours' });
const ScheduledEventSummary = z
  .object({
    scheduledEventId: z.string(),
    name: z.string().nullable().meta({ description: 'null for an event Cairn saw only in attendance (before it stored events)' }),
    description: z.string().nullable(),
    entityType: z.enum(['stage', 'voice', 'external']).nullable(),
    channelId: z.string().nullable(),
    channelName: z.string().nullable(),
    location: z.string().nullable().meta({ description: 'where an external event happens' }),
    hostId: z.string().nullable(),
    hostName: z.string().nullable(),
    scheduledStart: z.string().nullable(),
    scheduledEnd: z.string().nullable(),
    status: z.enum(['scheduled', 'active', 'completed', 'canceled']).nullable(),
    interested: z.number(),
    deleted: z.boolean(),
    attendees: z.number().meta({ description: 'members present in the event\'s channel while it ran' }),
    minutesPresent: z.number(),
    averageMinutes: z.number(),
    onTimeRate: z.number().meta({ description: 'share of attendees who joined within 5 minutes of the start' }),
    firstAt: z.string().nullable(),
    lastAt: z.string().nullable(),
  })
  .meta({ id: 'ScheduledEventSummary' });
export const EventsOut = z.array(ScheduledEventSummary).meta({ id: 'AnalyticsScheduledEvents' });
export const EventOut = ScheduledEventSummary.extend({
  attendance: z.array(z.object({ ...Member, minutesPresent: z.number(), sessions: z.number(), onTime: z.boolean(), firstAt: z.string(), lastAt: z.string() })),
}).meta({ id: 'AnalyticsScheduledEvent' });
const Scoring = z.object({
  weights: z.object({ message: z.number(), reaction: z.number(), voice_minute: z.number(), event_attended: z.number() }),
  formula: z.string().meta({ description: 'the formula in words' }),
});
export const PresenceOut = z
  .object({
    intentEnabled: z.boolean().meta({ description: 'the bot asks Discord for presences (DISCORD_PRIVILEGED_INTENTS lists GuildPresences)' }),
    since: LocalDay,
    timeZone: z.string(),
    sessions: z.number(),
    onlineMinutes: z.number(),
    averageSessionMinutes: z.number().nullable(),
    grid: z.array(z.array(z.number()).length(24)).length(7).meta({ description: 'online minutes, grid[weekday 0 = Sunday][hour] in the guild\'s time zone' }),
    top: z.array(z.object({ ...Member, minutes: z.number(), sessions: z.number() })),
  })
  .meta({ id: 'AnalyticsPresence' });
export const PulseOut = z
  .object({
    thisWeek: LocalDay.meta({ description: 'Monday of this local week (in progress)' }),
    lastWeek: LocalDay,
    scoring: Scoring,
    guild: z.object({
      thisWeek: z.number(), lastWeek: z.number(), change: z.number(), changeRate: z.number().nullable(),
      activeMembers: z.object({ thisWeek: z.number(), lastWeek: z.number() }),
    }),
    members: z.array(z.object({ ...Member, thisWeek: z.number(), lastWeek: z.number(), change: z.number() })),
  })
  .meta({ id: 'AnalyticsPulse' });
export const EngagementOut = z
  .object({
    weeks: z.array(z.object({ week: LocalDay, partial: z.boolean(), activeMembers: z.number(), messages: z.number(), reactions: z.number(), eventsAttended: z.number(), voiceMinutes: z.number() })),
    week: LocalDay.meta({ description: 'the Monday of the week the distribution and top are for' }),
    scoring: Scoring,
    distribution: z.array(z.object({ min: z.number(), max: z.number().nullable(), members: z.number() })),
    top: z.array(z.object({ ...Member, messages: z.number(), reactions: z.number(), eventsAttended: z.number(), voiceMinutes: z.number(), score: z.number() })),
  })
  .meta({ id: 'AnalyticsEngagement' });
const RetentionOut = z
  .object({
    monthlyActive: z.array(z.object({ month: LocalDay, members: z.number() })),
    cohorts: z.array(z.object({ cohort: LocalDay, size: z.number(), active: z.array(z.number()), rates: z.array(z.number()) })),
  })
  .meta({ id: 'AnalyticsRetention' });
const Star = { ...Member, recent: z.number(), prior: z.number() };
const StarsOut = z
  .object({
    windowWeeks: z.number(),
    thresholds: z.object({ windowWeeks: z.number(), risingMinEvents: z.number(), churnMinEvents: z.number() }),
    since: LocalDay,
    recentFrom: LocalDay,
    until: LocalDay,
    risingStars: z.array(z.object({ ...Star, growth: z.number().nullable() })),
    churnRisks: z.array(z.object(Star)),
  })
  .meta({ id: 'AnalyticsStars' });

const A = '/api/guilds/{guildId}/analytics';
const csvNote = '; ?format=csv for a CSV file';
export const analyticsDocs: RouteDoc[] = [
  { method: 'get', path: `${A}/growth`, summary: `Joins, leaves and net growth per local day; members now and 30 days ago${csvNote}`, tag: 'analytics', query: DaysQuery, response: GrowthOut },
  { method: 'get', path: `${A}/voice`, summary: `Voice minutes per day (AFK apart), average session, top members${csvNote}`, tag: 'analytics', query: DaysQuery, response: VoiceOut },
  { method: 'get', path: `${A}/peak-hours`, summary: `Activity by weekday (0 = Sunday) and hour in the guild's time zone${csvNote}`, tag: 'analytics', query: PeakQuery, response: PeakOut },
  { method: 'get', path: `${A}/events`, summary: `Scheduled events: attendees, minutes present, on-time rate${csvNote}`, tag: 'analytics', query: FormatQuery, response: EventsOut },
  { method: 'get', path: `${A}/events/{eventId}`, summary: 'One scheduled event and who attended it (minutes present, on time)', tag: 'analytics', response: EventOut },
  { method: 'get', path: `${A}/presence`, summary: `Online time (presence intent only): average session, minutes by weekday and hour in the guild's time zone, top members${csvNote}`, tag: 'analytics', query: DaysQuery, response: PresenceOut },
  { method: 'get', path: `${A}/pulse`, summary: `Impact pulse: engagement score this week against last week, for the guild and per member (?member= for one)${csvNote}`, tag: 'analytics', query: PulseQuery, response: PulseOut },
  { method: 'get', path: `${A}/engagement`, summary: `Weekly engagement: totals and active members per week, the distribution of members' scores and the most engaged members of one week (?week=, default the last full week)${csvNote} (every member of that week)`, tag: 'analytics', query: WeeksQuery, response: EngagementOut },
  { method: 'get', path: `${A}/retention`, summary: `Monthly active members and cohort retention (cohort: the first month Cairn saw a member)${csvNote}`, tag: 'analytics', query: MonthsQuery, response: RetentionOut },
  { method: 'get', path: `${A}/stars`, summary: `Rising stars and churn risks (thresholds in settings.analytics)${csvNote}`, tag: 'analytics', query: FormatQuery, response: StarsOut },
];

type Row = Record<string, string | number | boolean | null>;

function csv(c: Context<AppEnv>, name: string, rows: Row[], columns: string[]) {
  const body = stringify(rows, { header: true, columns });
  return c.body(body, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}-${guildOf(c)}.csv"` });
}

export function analyticsRoutes() {
  const app = new Hono<AppEnv>();

  const context = async (c: Context<AppEnv>) => {
    const services = c.get('services');
    const [g] = await services.database.db.select({ timezone: guilds.timezone, settings: guilds.settings }).from(guilds).where(eq(guilds.id, guildOf(c)));
    if (!g) throw new ApiError('not_found', 'this guild is not known to Cairn');
    return { ctx: { guildId: guildOf(c), timeZone: g.timezone, now: services.clock.now() }, settings: g.settings, exec: services.database.db };
  };

  app.get('/growth', async (c) => {
    const query = parseWith(DaysQuery, c.req.query(), 'query');
    const { ctx, exec } = await context(c);
    const result = await q.growth(exec, ctx, query.days);
    if (query.format === 'csv') return csv(c, 'growth', result.days, ['day', 'joins', 'leaves', 'net']);
    return c.json(result);
  });

  app.get('/voice', async (c) => {
    const query = parseWith(DaysQuery, c.req.query(), 'query');
    const { ctx, exec } = await context(c);
    const result = await q.voice(exec, ctx, query.days);
    if (query.format === 'csv') return csv(c, 'voice', result.days, ['day', 'minutes', 'afkMinutes', 'sessions']);
    return c.json(result);
  });

  app.get('/peak-hours', async (c) => {
    const query = parseWith(PeakQuery, c.req.query(), 'query');
    const { ctx, exec } = await context(c);
    const result = await q.peakHours(exec, ctx, query.days);
    if (query.format === 'csv') return csv(c, 'peak-hours', result.grid.flatMap((hours, weekday) => hours.map((count, hour) => ({ weekday, hour, count }))), ['weekday', 'hour', 'count']);
    return c.json(result);
  });

  app.get('/events', async (c) => {
    const query = parseWith(FormatQuery, c.req.query(), 'query');
    const { ctx, exec } = await context(c);
    const result = await q.scheduledEvents(exec, ctx);
    if (query.format === 'csv') {
      const columns = ['scheduledEventId', 'name', 'status', 'scheduledStart', 'hostName', 'interested', 'attendees', 'minutesPresent', 'averageMinutes', 'onTimeRate', 'firstAt', 'lastAt'];
      return csv(c, 'scheduled-events', result, columns);
    }
    return c.json(result);
  });

  app.get('/events/:eventId', async (c) => {
    const { eventId } = parseWith(EventParams, c.req.param(), 'params');
    const { ctx, exec } = await context(c);
    const result = await q.scheduledEvent(exec, ctx, eventId);
    if (!result) throw new ApiError('not_found', 'Cairn knows no such scheduled event in this guild');
    return c.json(result);
  });

  app.get('/presence', async (c) => {
    const query = parseWith(DaysQuery, c.req.query(), 'query');
    const { ctx, exec } = await context(c);
    const result = { intentEnabled: c.get('services').env.DISCORD_PRIVILEGED_INTENTS.includes('GuildPresences'), ...(await q.presence(exec, ctx, query.days)) };
    if (query.format === 'csv') return csv(c, 'presence', result.top, ['userId', 'name', 'minutes', 'sessions']);
    return c.json(result);
  });

  app.get('/pulse', async (c) => {
    const query = parseWith(PulseQuery, c.req.query(), 'query');
    const { ctx, exec, settings } = await context(c);
    const result = await q.pulse(exec, ctx, engagementWeightsOf(settings), { limit: query.limit, ...(query.member ? { member: query.member } : {}) });
    if (query.format === 'csv') return csv(c, 'pulse', result.members.map((m) => ({ ...m })), ['userId', 'name', 'thisWeek', 'lastWeek', 'change']);
    return c.json(result);
  });

  app.get('/engagement', async (c) => {
    const query = parseWith(WeeksQuery, c.req.query(), 'query');
    const { ctx, exec, settings } = await context(c);
    const weights = engagementWeightsOf(settings);
    const result = await q.engagement(exec, ctx, query.weeks, query.week, weights);
    if (query.format === 'csv') {
      return c.body(await q.engagementCsv(exec, ctx, result.week, weights), 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="engagement-${result.week}-${guildOf(c)}.csv"`,
      });
    }
    return c.json(result);
  });

  app.get('/retention', async (c) => {
    const query = parseWith(MonthsQuery, c.req.query(), 'query');
    const { ctx, exec } = await context(c);
    const result = await q.retention(exec, ctx, query.months);
    if (query.format === 'csv') {
      const width = Math.max(0, ...result.cohorts.map((r) => r.active.length));
      const columns = ['cohort', 'size', ...Array.from({ length: width }, (_, i) => `month_${i}`)];
      return csv(c, 'retention', result.cohorts.map((r) => ({ cohort: r.cohort, size: r.size, ...Object.fromEntries(r.active.map((n, i) => [`month_${i}`, n])) })), columns);
    }
    return c.json(result);
  });

  app.get('/stars', async (c) => {
    const query = parseWith(FormatQuery, c.req.query(), 'query');
    const { ctx, exec, settings } = await context(c);
    const configured = AnalyticsSettings.safeParse(settings.analytics ?? {});
    const s = configured.success ? configured.data : {};
    const result = await q.stars(exec, ctx, {
      windowWeeks: s.window_weeks ?? q.DEFAULT_STAR_SETTINGS.windowWeeks,
      risingMinEvents: s.rising_min_events ?? q.DEFAULT_STAR_SETTINGS.risingMinEvents,
      churnMinEvents: s.churn_min_events ?? q.DEFAULT_STAR_SETTINGS.churnMinEvents,
    });
    if (query.format === 'csv') {
      const rows = [...result.risingStars.map((m) => ({ list: 'rising_star', ...m })), ...result.churnRisks.map((m) => ({ list: 'churn_risk', ...m, growth: null }))];
      return csv(c, 'stars', rows, ['list', 'userId', 'name', 'recent', 'prior', 'growth']);
    }
    return c.json(result);
  });

  return app;
}

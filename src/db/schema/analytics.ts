// Analytics aggregates, kept current in each event's transaction (src/analytics/aggregator.ts) so
// charts never scan the lake. Days and hours are the guild's local calendar. The rollups serve the
// 50,000-member guild: every Community chart reads a few hundred rows at most.
import { date, index, integer, pgTable, primaryKey, varchar } from 'drizzle-orm/pg-core';
import { amount, at } from './columns.ts';
import { snowflake } from '../snowflake.ts';

/** Activity per UTC hour and event type (peak-hours heatmaps convert to the guild's zone). */
export const activityHourly = pgTable(
  'activity_hourly',
  {
    guildId: snowflake('guild_id').notNull(),
    hour: at('hour').notNull(),
    eventType: varchar('event_type', { length: 40 }).notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.hour, t.eventType] })],
);

/** Voice time per member and local day, sessions split at midnight; AFK time kept apart. */
export const voiceDaily = pgTable(
  'voice_daily',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    seconds: amount('seconds').notNull().default(0),
    afkSeconds: amount('afk_seconds').notNull().default(0),
    /** Sessions that ended on this day (non-AFK and AFK). */
    sessions: integer('sessions').notNull().default(0),
    afkSessions: integer('afk_sessions').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId, t.day] }), index('voice_daily_day').on(t.guildId, t.day)],
);

/** Attendance of each scheduled event. */
export const scheduledEventStats = pgTable(
  'scheduled_event_stats',
  {
    guildId: snowflake('guild_id').notNull(),
    scheduledEventId: snowflake('scheduled_event_id').notNull(),
    attendees: integer('attendees').notNull().default(0),
    minutesPresent: amount('minutes_present').notNull().default(0),
    onTime: integer('on_time').notNull().default(0),
    firstAt: at('first_at').notNull(),
    lastAt: at('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.scheduledEventId] })],
);

/** Months in which a member did anything (as actor): monthly actives and cohort retention. */
export const memberActivityMonthly = pgTable(
  'member_activity_monthly',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    events: integer('events').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId, t.month] }), index('member_activity_month').on(t.guildId, t.month)],
);

/** Events per guild, local day and type (growth chart; survives the lake's retention). */
export const activityDaily = pgTable(
  'activity_daily',
  {
    guildId: snowflake('guild_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    eventType: varchar('event_type', { length: 40 }).notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.day, t.eventType] })],
);

/** Voice time per guild and local day (the voice chart without reading every member's day). */
export const voiceGuildDaily = pgTable(
  'voice_guild_daily',
  {
    guildId: snowflake('guild_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    seconds: amount('seconds').notNull().default(0),
    afkSeconds: amount('afk_seconds').notNull().default(0),
    sessions: integer('sessions').notNull().default(0),
    afkSessions: integer('afk_sessions').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.day] })],
);

/** Engagement per member and local ISO week (Monday): what the member did, joins and leaves aside. */
export const memberWeekly = pgTable(
  'member_weekly',
  {
    guildId: snowflake('guild_id').notNull(),
    week: date('week', { mode: 'string' }).notNull(),
    userId: snowflake('user_id').notNull(),
    messages: integer('messages').notNull().default(0),
    reactions: integer('reactions').notNull().default(0),
    eventsAttended: integer('events_attended').notNull().default(0),
    voiceSeconds: amount('voice_seconds').notNull().default(0),
    /** Every event the member did that week, joins and leaves aside (rising stars, churn risks). */
    activity: integer('activity').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.week, t.userId] })],
);

/** Per guild and week: members active and the sums of member_weekly (the engagement chart). */
export const guildWeekly = pgTable(
  'guild_weekly',
  {
    guildId: snowflake('guild_id').notNull(),
    week: date('week', { mode: 'string' }).notNull(),
    activeMembers: integer('active_members').notNull().default(0),
    messages: integer('messages').notNull().default(0),
    reactions: integer('reactions').notNull().default(0),
    eventsAttended: integer('events_attended').notNull().default(0),
    voiceSeconds: amount('voice_seconds').notNull().default(0),
    /** Sum of member_weekly.activity: it changes whenever any member's week does. */
    activity: integer('activity').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.week] })],
);

/** A member's cohort: the first local month Cairn saw them (joining or doing anything). */
export const memberCohorts = pgTable(
  'member_cohorts',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    cohortMonth: date('cohort_month', { mode: 'string' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId] })],
);

/** Members of a cohort active in a month (the retention table, and monthly actives by summing). */
export const cohortActivity = pgTable(
  'cohort_activity',
  {
    guildId: snowflake('guild_id').notNull(),
    cohortMonth: date('cohort_month', { mode: 'string' }).notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    members: integer('members').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.cohortMonth, t.month] })],
);

/** Online time (online, idle or do-not-disturb; presence intent only) per guild and UTC hour: the presence heatmap. */
export const presenceHourly = pgTable(
  'presence_hourly',
  {
    guildId: snowflake('guild_id').notNull(),
    hour: at('hour').notNull(),
    seconds: amount('seconds').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.hour] })],
);

/** Online time per member and local day (sessions split at local midnight; a session counts on the day it ended). */
export const presenceDaily = pgTable(
  'presence_daily',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    seconds: amount('seconds').notNull().default(0),
    sessions: integer('sessions').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId, t.day] }), index('presence_daily_day').on(t.guildId, t.day)],
);

// Discord scheduled events as Cairn keeps them (from the gateway, backfilled on connect), the
// members interested in each, and who attended (kept by the aggregator from scheduled_event_attend).
import { index, integer, numeric, pgTable, primaryKey, text, varchar, boolean } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { snowflake } from '../snowflake.ts';

/** A scheduled event as last seen on the gateway; a deleted one keeps its row (and its name). */
export const scheduledEvents = pgTable(
  'scheduled_events',
  {
    guildId: snowflake('guild_id').notNull(),
    scheduledEventId: snowflake('scheduled_event_id').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    /** stage, voice or external */
    entityType: varchar('entity_type', { length: 8 }).notNull(),
    channelId: snowflake('channel_id'),
    /** Where an external event happens. */
    location: text('location'),
    /** Who created (hosts) it. */
    creatorId: snowflake('creator_id'),
    scheduledStart: at('scheduled_start').notNull(),
    scheduledEnd: at('scheduled_end'),
    /** scheduled, active, completed or canceled */
    status: varchar('status', { length: 10 }).notNull(),
    /** Members interested (Discord's user_count, kept by USER_ADD / USER_REMOVE). */
    userCount: integer('user_count').notNull().default(0),
    deletedAt: at('deleted_at'),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.scheduledEventId] }), index('scheduled_events_start').on(t.guildId, t.scheduledStart)],
);

/** Members who said they are interested, so a USER_ADD replayed on RESUME counts once. */
export const scheduledEventInterest = pgTable(
  'scheduled_event_interest',
  {
    guildId: snowflake('guild_id').notNull(),
    scheduledEventId: snowflake('scheduled_event_id').notNull(),
    userId: snowflake('user_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.scheduledEventId, t.userId] })],
);

/** Attendance per member of a scheduled event: minutes present and whether they came on time. */
export const scheduledEventAttendance = pgTable(
  'scheduled_event_attendance',
  {
    guildId: snowflake('guild_id').notNull(),
    scheduledEventId: snowflake('scheduled_event_id').notNull(),
    userId: snowflake('user_id').notNull(),
    minutesPresent: numeric('minutes_present', { precision: 14, scale: 1, mode: 'number' }).notNull().default(0),
    /** Voice sessions that overlapped the event. */
    sessions: integer('sessions').notNull().default(0),
    /** Any of those sessions began within the on-time grace of the start. */
    onTime: boolean('on_time').notNull().default(false),
    firstAt: at('first_at').notNull(),
    lastAt: at('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.scheduledEventId, t.userId] })],
);

// The event lake, its counters, and events that could not be ingested.
import { bigserial, date, index, integer, jsonb, pgTable, primaryKey, serial, text, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { amount, at } from './columns.ts';
import { snowflake } from '../snowflake.ts';

/** The event lake. Content is never stored: only derived metadata in `data`. */
export const lakeEvents = pgTable(
  'lake_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    guildId: snowflake('guild_id').notNull(),
    sourceId: varchar('source_id', { length: 128 }).notNull(),
    type: varchar('type', { length: 40 }).notNull(),
    actorId: snowflake('actor_id'),
    targetId: snowflake('target_id'),
    channelId: snowflake('channel_id'),
    occurredAt: at('occurred_at').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    origin: varchar('origin', { length: 16 }).notNull().default('api'),
    receivedAt: at('received_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('lake_events_source').on(t.guildId, t.sourceId),
    // Few indexes: every event pays for each. Time-ordered inserts make BRIN a good fit for the
    // retention job and time-range reads; per-member questions go to the counters.
    index('lake_events_time').using('brin', t.occurredAt),
  ],
);

/** Per member, per event type, per side (actor|target), per UTC day: how many, and a summed value. */
export const eventCountersDaily = pgTable(
  'event_counters_daily',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    eventType: varchar('event_type', { length: 40 }).notNull(),
    side: varchar('side', { length: 6 }).notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    count: integer('count').notNull().default(0),
    valueSum: amount('value_sum').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.userId, t.eventType, t.side, t.day] }),
    index('event_counters_daily_day').on(t.guildId, t.day),
  ],
);

/** Lifetime totals per member, event type, side and channel (channel 0 = none), for milestones. */
export const eventCountersTotal = pgTable(
  'event_counters_total',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    eventType: varchar('event_type', { length: 40 }).notNull(),
    side: varchar('side', { length: 6 }).notNull(),
    channelId: snowflake('channel_id').notNull(),
    count: amount('count').notNull().default(0),
    valueSum: amount('value_sum').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.userId, t.eventType, t.side, t.channelId] }),
  ],
);

/**
 * Events whose processing failed on its own (not for the database's availability), set aside so
 * nothing is lost: none of it was written; the operator sees them on the health page and retries.
 */
export const ingestFailures = pgTable(
  'ingest_failures',
  {
    id: serial('id').primaryKey(),
    guildId: snowflake('guild_id').notNull(),
    sourceId: varchar('source_id', { length: 128 }).notNull(),
    type: varchar('type', { length: 40 }).notNull(),
    origin: varchar('origin', { length: 16 }).notNull(),
    event: jsonb('event').$type<Record<string, unknown>>().notNull(),
    error: text('error').notNull(),
    attempts: integer('attempts').notNull().default(1),
    firstFailedAt: at('first_failed_at').notNull().defaultNow(),
    lastFailedAt: at('last_failed_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('ingest_failures_source').on(t.guildId, t.sourceId)],
);

export type LakeEventRow = typeof lakeEvents.$inferSelect;

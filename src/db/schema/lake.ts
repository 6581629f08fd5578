// The event lake, its counters, and events that could not be ingested.
import { bigint, bigserial, date, index, integer, jsonb, pgTable, primaryKey, serial, text, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { amount, at } from './columns.ts';
import { snowflake } from '../snowflake.ts';

/**
 * The event lake. Content is never stored: only derived metadata in `data`.
 *
 * Partitioned by month of `occurred_at` (declared in drizzle/0033_lake_partitions.sql, which
 * drizzle-kit cannot express): retention drops whole months instead of deleting rows, so pruning a
 * big guild neither stalls ingest nor leaves dead tuples behind (src/lake/partitions.ts). A primary
 * key on a partitioned table must hold the partition key, hence (id, occurred_at); ids still come
 * from one sequence and stay unique. Exactly-once lives in `lake_event_keys`, not here.
 */
export const lakeEvents = pgTable(
  'lake_events',
  {
    id: bigserial('id', { mode: 'number' }).notNull(),
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
    primaryKey({ name: 'lake_events_pkey', columns: [t.id, t.occurredAt] }),
    // Few indexes: every event pays for each. A guild's time range (backtests, onboarding counts,
    // per-guild retention in a month that cannot be dropped whole) reads this one.
    index('lake_events_guild_time').on(t.guildId, t.occurredAt),
  ],
);

/**
 * Exactly-once across the lake's partitions: one row per (guild, source id) ever accepted and not
 * yet pruned. A unique index on the partitioned lake would have to include occurred_at, and then a
 * replay with another time would be paid twice; this table is the unique index instead. A key
 * outlives its event until the sweep in src/lake/keys.ts removes keys older than the guild's
 * `lake_pruned_before`, from which point the lake writer refuses such events anyway.
 */
export const lakeEventKeys = pgTable(
  'lake_event_keys',
  {
    guildId: snowflake('guild_id').notNull(),
    sourceId: varchar('source_id', { length: 128 }).notNull(),
    occurredAt: at('occurred_at').notNull(),
    /** The lake row's id (lake_events.id), for lookups by source id without a lake index. */
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'lake_event_keys_pkey', columns: [t.guildId, t.sourceId] }),
    // Keys arrive in time order, so BRIN finds a pruned day's keys for the sweep at almost no cost
    // per insert (src/lake/keys.ts).
    index('lake_event_keys_time').using('brin', t.occurredAt),
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
    // A batch's members' days since a streak's start (milestones/checker.ts), member by member: the
    // key above holds a member's days under each type, so it would read the member's whole history.
    index('event_counters_daily_member_day').on(t.guildId, t.userId, t.day),
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

// Operations: events held while a guild is paused, the per-guild error log, scheduled jobs' last
// runs, and the small counters the health page reads instead of scanning the lake.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, pgTable, primaryKey, text, timestamp, varchar } from 'drizzle-orm/pg-core';
import { amount, at } from './columns.ts';
import { snowflake } from '../snowflake.ts';

/**
 * Lake events of a paused guild that the engine has not processed yet, replayed in `seq` order
 * (the order they arrived in) when the guild is unpaused; a row goes in the transaction that pays it.
 */
export const pausedEvents = pgTable(
  'paused_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    guildId: snowflake('guild_id').notNull(),
    lakeEventId: bigint('lake_event_id', { mode: 'number' }).notNull(),
  },
  (t) => [index('paused_events_guild').on(t.guildId, t.seq)],
);

/** What went wrong in a guild, newest last, bounded per guild: the health page lists it. */
export const opsErrors = pgTable(
  'ops_errors',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    guildId: snowflake('guild_id').notNull(),
    kind: varchar('kind', { length: 32 }).notNull(),
    level: varchar('level', { length: 8 }).notNull().default('error'),
    message: text('message').notNull(),
    /** How many occurrences this row stands for (the throttled ones it sums up). */
    count: integer('count').notNull().default(1),
    at: at('at').notNull().defaultNow(),
  },
  (t) => [index('ops_errors_guild').on(t.guildId, t.id)],
);

/** Each scheduled job's last run (any process): the health page shows age and outcome. */
export const jobRuns = pgTable('job_runs', {
  name: varchar('name', { length: 48 }).primaryKey(),
  lastStartedAt: at('last_started_at'),
  lastFinishedAt: at('last_finished_at'),
  lastOutcome: varchar('last_outcome', { length: 12 }),
  lastError: text('last_error'),
  lastDurationMs: integer('last_duration_ms'),
  runs: integer('runs').notNull().default(0),
  failures: integer('failures').notNull().default(0),
  /** Which process ran the last run (its CAIRN instance id: host, pid, random). */
  lastHolder: varchar('last_holder', { length: 128 }),
});

/**
 * One row per scheduled run of a job across the cluster (ops/job-leases.ts): the process that
 * inserts it runs it, and keeps pushing expires_at forward while it does. A run whose holder died
 * (lease expired, not finished) is taken over by another process.
 */
export const jobLeases = pgTable(
  'job_leases',
  {
    job: varchar('job', { length: 48 }).notNull(),
    scheduledFor: at('scheduled_for').notNull(),
    holder: varchar('holder', { length: 128 }).notNull(),
    claimedAt: at('claimed_at').notNull().defaultNow(),
    expiresAt: at('expires_at').notNull(),
    finishedAt: at('finished_at'),
    /** ok | failed | superseded (a later run of the job made this one moot) */
    outcome: varchar('outcome', { length: 12 }),
    /** Claims so far: more than 1 means a holder died and another took the run over. */
    attempts: integer('attempts').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.job, t.scheduledFor] }), index('job_leases_unfinished').on(t.expiresAt).where(sql`finished_at IS NULL`)],
);

/** Lake rows per guild, kept by the pipeline and the retention job: row counts without a scan. */
export const lakeGuildStats = pgTable('lake_guild_stats', {
  guildId: snowflake('guild_id').primaryKey(),
  rows: amount('rows').notNull().default(0),
});

/** Events per UTC hour and channel (0 = none): events per hour by zone, mapped at read time. */
export const activityHourlyChannel = pgTable(
  'activity_hourly_channel',
  {
    guildId: snowflake('guild_id').notNull(),
    hour: timestamp('hour', { withTimezone: true, mode: 'date' }).notNull(),
    channelId: snowflake('channel_id').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.hour, t.channelId] })],
);

// Zones, rules with their versions, errors and firings.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, serial, smallint, text, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { snowflake } from '../snowflake.ts';
import { guilds } from './guilds.ts';

export const zones = pgTable(
  'zones',
  {
    id: serial('id').primaryKey(),
    guildId: snowflake('guild_id')
      .notNull()
      .references(() => guilds.id, { onDelete: 'cascade' }),
    key: varchar('key', { length: 48 }).notNull(),
    name: text('name').notNull(),
    /** Channel ids in this zone (strings). */
    channelIds: text('channel_ids').array().notNull().default(sql`'{}'::text[]`),
    /** Channel types (text, voice, …) this zone is the default for, when no zone names a channel. */
    defaultFor: text('default_for').array().notNull().default(sql`'{}'::text[]`),
    /** Multipliers per currency key and event type: { xp: { message_create: 1.5, '*': 1 } }. */
    multipliers: jsonb('multipliers').$type<Record<string, Record<string, number>>>().notNull().default({}),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('zones_guild_key').on(t.guildId, t.key)],
);

export const rules = pgTable(
  'rules',
  {
    id: serial('id').primaryKey(),
    guildId: snowflake('guild_id')
      .notNull()
      .references(() => guilds.id, { onDelete: 'cascade' }),
    key: varchar('key', { length: 64 }).notNull(),
    version: integer('version').notNull().default(1),
    enabled: boolean('enabled').notNull().default(true),
    /** The whole rule document (validated by the rule schema). */
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    /** Set when Cairn disabled the rule because it kept failing at run time; cleared when an admin enables it. */
    quarantinedAt: at('quarantined_at'),
    quarantineReason: text('quarantine_reason'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('rules_guild_key').on(t.guildId, t.key)],
);

/**
 * A rule that failed at run time on an event: the rule was skipped for it, the event and the other
 * rules went on. Shown on the rule and the health page; old rows go with the lake's retention.
 */
export const ruleErrors = pgTable(
  'rule_errors',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    guildId: snowflake('guild_id').notNull(),
    ruleId: integer('rule_id')
      .notNull()
      .references(() => rules.id, { onDelete: 'cascade' }),
    ruleVersion: integer('rule_version').notNull(),
    lakeEventId: bigint('lake_event_id', { mode: 'number' }),
    /** The event's source id (a chained event's carries its root's and a suffix). */
    sourceId: text('source_id').notNull(),
    message: text('message').notNull(),
    at: at('at').notNull().defaultNow(),
  },
  (t) => [index('rule_errors_rule').on(t.guildId, t.ruleId, t.id), index('rule_errors_time').using('brin', t.at)],
);

export const ruleVersions = pgTable(
  'rule_versions',
  {
    ruleId: integer('rule_id')
      .notNull()
      .references(() => rules.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    changedBy: text('changed_by').notNull(),
    changedAt: at('changed_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.version] })],
);

/**
 * Applied rule firings that the ledger does not already record: every firing of a rule with limits
 * (cooldowns, rates and caps are derived from these rows) and firings that moved no currency.
 * A firing that credited or debited is recorded by its transactions (rule, version, lake event).
 */
export const ruleFirings = pgTable(
  'rule_firings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    guildId: snowflake('guild_id').notNull(),
    ruleId: integer('rule_id').notNull(),
    ruleVersion: integer('rule_version').notNull(),
    lakeEventId: bigint('lake_event_id', { mode: 'number' }),
    actorId: snowflake('actor_id'),
    targetId: snowflake('target_id'),
    channelId: snowflake('channel_id'),
    depth: smallint('depth').notNull().default(0),
    /** Amount credited by this firing per currency key, for amount caps. */
    amounts: jsonb('amounts').$type<Record<string, number>>().notNull().default({}),
    at: at('at').notNull(),
  },
  (t) => [
    index('rule_firings_actor').on(t.guildId, t.ruleId, t.actorId, t.at),
    // Caps per target (the member credited) read a member's firings as a target.
    index('rule_firings_target').on(t.guildId, t.ruleId, t.targetId, t.at).where(sql`${t.targetId} IS NOT NULL`),
    index('rule_firings_event').on(t.lakeEventId),
  ],
);

export type ZoneRow = typeof zones.$inferSelect;
export type RuleRow = typeof rules.$inferSelect;

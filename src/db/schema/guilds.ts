// Guilds and the audit log of their configuration changes.
import { bigserial, boolean, index, integer, jsonb, pgTable, text, varchar } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { snowflake } from '../snowflake.ts';

export const guilds = pgTable('guilds', {
  id: snowflake('id').primaryKey(),
  name: text('name').notNull(),
  /** The guild's icon as a full CDN URL (from GUILD_CREATE and GUILD_UPDATE); null draws initials. */
  iconUrl: text('icon_url'),
  isDemo: boolean('is_demo').notNull().default(false),
  timezone: text('timezone').notNull().default('UTC'),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  /** Bumped by a trigger whenever rules, zones, currencies or milestones change. */
  configVersion: integer('config_version').notNull().default(0),
  /**
   * The lake of this guild was pruned of everything before this time: an event from before it may
   * have been received and deleted, so it is refused (exactly once does not rest on the raw event).
   */
  lakePrunedBefore: at('lake_pruned_before'),
  createdAt: at('created_at').notNull().defaultNow(),
});

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    guildId: snowflake('guild_id').notNull(),
    actor: text('actor').notNull(),
    action: varchar('action', { length: 48 }).notNull(),
    entityType: varchar('entity_type', { length: 24 }).notNull(),
    entityKey: text('entity_key'),
    before: jsonb('before'),
    after: jsonb('after'),
    at: at('at').notNull().defaultNow(),
  },
  (t) => [index('audit_log_guild').on(t.guildId, t.id)],
);

export type GuildRow = typeof guilds.$inferSelect;

// Versions of every configured entity but rules (rules keep rule_versions): currencies, zones,
// milestones, shop items, guild settings. See src/config-history/record.ts for why a table of its own.
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, varchar } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { snowflake } from '../snowflake.ts';
import { guilds } from './guilds.ts';

export const configVersions = pgTable(
  'config_versions',
  {
    guildId: snowflake('guild_id')
      .notNull()
      .references(() => guilds.id, { onDelete: 'cascade' }),
    /** The kind of entity (src/config-history/kinds.ts): currency, zone, milestone, shop_item, settings. */
    kind: varchar('kind', { length: 24 }).notNull(),
    key: text('key').notNull(),
    version: integer('version').notNull(),
    /** baseline (the state found when history began), create, update, delete, restore. */
    action: varchar('action', { length: 16 }).notNull(),
    /** The whole document as its save function takes it; null for a deletion. */
    document: jsonb('document').$type<Record<string, unknown>>(),
    actor: text('actor').notNull(),
    /** The audit entry written with this version (null for a baseline). */
    auditId: bigint('audit_id', { mode: 'number' }),
    /** For a restore: the version it brought back. */
    restoredFrom: integer('restored_from'),
    at: at('at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.kind, t.key, t.version] }), index('config_versions_audit').on(t.auditId)],
);

export type ConfigVersionRow = typeof configVersions.$inferSelect;

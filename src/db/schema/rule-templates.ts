// A guild's own rule templates (the gallery's live in src/rules/templates/gallery.ts): any rule
// saved with placeholders for reuse, carried in presets.
import { integer, jsonb, pgTable, serial, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { snowflake } from '../snowflake.ts';
import { guilds } from './guilds.ts';

export const ruleTemplates = pgTable(
  'rule_templates',
  {
    id: serial('id').primaryKey(),
    guildId: snowflake('guild_id')
      .notNull()
      .references(() => guilds.id, { onDelete: 'cascade' }),
    key: varchar('key', { length: 64 }).notNull(),
    /** The whole template document (src/rules/templates/rule-template.ts). */
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    version: integer('version').notNull().default(1),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('rule_templates_guild_key').on(t.guildId, t.key)],
);

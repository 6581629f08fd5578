// Custom slash commands a guild declares, and when each member last used each (cooldowns).
import { jsonb, pgTable, primaryKey, serial, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { snowflake } from '../snowflake.ts';
import { guilds } from './guilds.ts';

export const customCommands = pgTable(
  'custom_commands',
  {
    id: serial('id').primaryKey(),
    guildId: snowflake('guild_id')
      .notNull()
      .references(() => guilds.id, { onDelete: 'cascade' }),
    name: varchar('name', { length: 32 }).notNull(),
    module: varchar('module', { length: 48 }).notNull().default('general'),
    /** The whole command document (validated by the custom command schema). */
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('custom_commands_guild_name').on(t.guildId, t.name)],
);

/** The last accepted use per member and command: a cooldown survives restarts and holds across processes. */
export const commandUses = pgTable(
  'command_uses',
  {
    guildId: snowflake('guild_id').notNull(),
    name: varchar('name', { length: 32 }).notNull(),
    userId: snowflake('user_id').notNull(),
    lastUsedAt: at('last_used_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.name, t.userId] })],
);

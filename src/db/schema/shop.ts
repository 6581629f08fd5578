// The shop: items and purchases.
import { bigserial, boolean, index, integer, jsonb, pgTable, serial, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { amount, at } from './columns.ts';
import { snowflake } from '../snowflake.ts';
import { guilds } from './guilds.ts';

export const shopItems = pgTable(
  'shop_items',
  {
    id: serial('id').primaryKey(),
    guildId: snowflake('guild_id')
      .notNull()
      .references(() => guilds.id, { onDelete: 'cascade' }),
    key: varchar('key', { length: 48 }).notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Remaining stock; null = unlimited. Decremented atomically on purchase. */
    stock: integer('stock'),
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('shop_items_guild_key').on(t.guildId, t.key)],
);

export const purchases = pgTable(
  'purchases',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    guildId: snowflake('guild_id').notNull(),
    itemId: integer('item_id').notNull(),
    userId: snowflake('user_id').notNull(),
    price: amount('price').notNull(),
    currencyId: integer('currency_id').notNull(),
    at: at('at').notNull().defaultNow(),
  },
  (t) => [index('purchases_member').on(t.guildId, t.itemId, t.userId)],
);

// The ledger: currencies, wallets, append-only transactions, seasons and their snapshots.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, serial, text, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { amount, at } from './columns.ts';
import { snowflake } from '../snowflake.ts';
import { guilds } from './guilds.ts';

export const currencies = pgTable(
  'currencies',
  {
    id: serial('id').primaryKey(),
    guildId: snowflake('guild_id')
      .notNull()
      .references(() => guilds.id, { onDelete: 'cascade' }),
    key: varchar('key', { length: 32 }).notNull(),
    name: text('name').notNull(),
    symbol: text('symbol').notNull().default(''),
    spendable: boolean('spendable').notNull().default(false),
    seasonal: boolean('seasonal').notNull().default(false),
    allowNegative: boolean('allow_negative').notNull().default(false),
    levelCurve: jsonb('level_curve'),
    displayOrder: integer('display_order').notNull().default(0),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('currencies_guild_key').on(t.guildId, t.key)],
);

export const wallets = pgTable(
  'wallets',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    currencyId: integer('currency_id')
      .notNull()
      .references(() => currencies.id, { onDelete: 'cascade' }),
    balance: amount('balance').notNull().default(0),
    lifetimeEarned: amount('lifetime_earned').notNull().default(0),
    /** Level on the currency's curve; null when the currency has none. */
    level: integer('level'),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.userId, t.currencyId] }),
    // Currency ids are unique across guilds, so the leaderboard index needs no guild column.
    index('wallets_leaderboard').on(t.currencyId, t.balance.desc(), t.userId),
  ],
);

/** Append-only: a trigger refuses UPDATE and DELETE. */
export const transactions = pgTable(
  'transactions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    currencyId: integer('currency_id').notNull(),
    delta: amount('delta').notNull(),
    balanceAfter: amount('balance_after').notNull(),
    source: varchar('source', { length: 16 }).notNull(),
    lakeEventId: bigint('lake_event_id', { mode: 'number' }),
    ruleId: integer('rule_id'),
    ruleVersion: integer('rule_version'),
    seasonId: integer('season_id'),
    reason: text('reason'),
    /** Detail for explanations: computed amount, effect index, counterpart of a transfer. */
    detail: jsonb('detail'),
    idemKey: text('idem_key'),
    /** Logical time: the event's occurred_at, or the moment of a manual change. */
    at: at('at').notNull(),
    recordedAt: at('recorded_at').notNull().defaultNow(),
  },
  (t) => [
    // Kept lean: every index is paid on each of the ledger's inserts.
    index('transactions_member').on(t.guildId, t.userId, t.currencyId, t.id),
    index('transactions_time').using('brin', t.at),
    uniqueIndex('transactions_idem').on(t.guildId, t.idemKey).where(sql`${t.idemKey} IS NOT NULL`),
  ],
);

export const seasons = pgTable(
  'seasons',
  {
    id: serial('id').primaryKey(),
    guildId: snowflake('guild_id')
      .notNull()
      .references(() => guilds.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    name: text('name').notNull(),
    startedAt: at('started_at').notNull(),
    endedAt: at('ended_at'),
  },
  (t) => [uniqueIndex('seasons_guild_number').on(t.guildId, t.number)],
);

/** Balances of seasonal wallets at the moment their season was rolled. */
export const seasonSnapshots = pgTable(
  'season_snapshots',
  {
    seasonId: integer('season_id')
      .notNull()
      .references(() => seasons.id, { onDelete: 'cascade' }),
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    currencyId: integer('currency_id').notNull(),
    balance: amount('balance').notNull(),
    lifetimeEarned: amount('lifetime_earned').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.seasonId, t.userId, t.currencyId] }),
    index('season_snapshots_board').on(t.seasonId, t.currencyId, t.balance.desc(), t.userId),
  ],
);

export type CurrencyRow = typeof currencies.$inferSelect;
export type WalletRow = typeof wallets.$inferSelect;
export type TransactionRow = typeof transactions.$inferSelect;

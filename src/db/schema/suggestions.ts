// Suggestions (src/suggestions/): a milestone, a rule version or a piece of advice computed from a
// guild's aggregates (or proposed by the AI from them), stored with the backtest that proves it.
import { boolean, index, jsonb, pgTable, serial, text, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { snowflake } from '../snowflake.ts';
import { guilds } from './guilds.ts';

export const suggestions = pgTable(
  'suggestions',
  {
    id: serial('id').primaryKey(),
    guildId: snowflake('guild_id')
      .notNull()
      .references(() => guilds.id, { onDelete: 'cascade' }),
    /** milestone_threshold | reward_activity | cap | unspent_currency */
    kind: varchar('kind', { length: 32 }).notNull(),
    /** statistics | ai */
    source: varchar('source', { length: 16 }).notNull(),
    /** open | dismissed | applied | rolled_back */
    status: varchar('status', { length: 16 }).notNull().default('open'),
    /** What the suggestion is about, not its numbers: a dismissed one stays dismissed when regenerated. */
    fingerprint: text('fingerprint').notNull(),
    title: text('title').notNull(),
    explanation: text('explanation').notNull(),
    /** False for advice that has nothing to apply (e.g. a currency nobody spends). */
    applicable: boolean('applicable').notNull().default(true),
    /** What applying creates: { milestone } or { rule }, each a document valid for its schema; {} for advice. */
    proposal: jsonb('proposal').$type<Record<string, unknown>>().notNull(),
    /** The stored backtest over the window (src/suggestions/types.ts). */
    backtest: jsonb('backtest').$type<Record<string, unknown>>().notNull(),
    /** What apply created (entity, key, version, audit entry), and what a rollback did. */
    applied: jsonb('applied').$type<Record<string, unknown>>(),
    decidedBy: text('decided_by'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    decidedAt: at('decided_at'),
  },
  (t) => [
    uniqueIndex('suggestions_guild_fingerprint').on(t.guildId, t.fingerprint),
    index('suggestions_guild_status').on(t.guildId, t.status, t.id),
  ],
);

export type SuggestionRow = typeof suggestions.$inferSelect;

// The FAQ: entries per guild (searchable through a weighted tsvector and trigram text that a
// trigger keeps up to date, see the faq_search migration), searches that found nothing, and the
// "this helped" votes, one per member per entry.
import { customType, index, integer, pgTable, primaryKey, serial, text, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { at } from './columns.ts';
import { snowflake } from '../snowflake.ts';
import { guilds } from './guilds.ts';

/** Written by the trigger only; Cairn never reads it as a value. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const faqEntries = pgTable(
  'faq_entries',
  {
    id: serial('id').primaryKey(),
    guildId: snowflake('guild_id')
      .notNull()
      .references(() => guilds.id, { onDelete: 'cascade' }),
    /** A stable slug: what /faq show, the API and presets name the entry by. */
    key: varchar('key', { length: 64 }).notNull(),
    question: text('question').notNull(),
    /** Markdown, at most 4,000 characters. */
    answer: text('answer').notNull(),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    /** Other ways members ask the same question. */
    alternatives: text('alternatives').array().notNull().default(sql`'{}'::text[]`),
    /** Who wrote it (a Discord user; null for presets and the operator): faq_helpful's target. */
    authorId: snowflake('author_id'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    views: integer('views').notNull().default(0),
    helpful: integer('helpful').notNull().default(0),
    /** question (A), alternatives and tags (B), answer (C); set by the faq_entries_search trigger. */
    search: tsvector('search'),
    /** Lower-cased question, alternatives and tags, for trigram similarity; set by the same trigger. */
    searchText: text('search_text'),
  },
  (t) => [uniqueIndex('faq_entries_guild_key').on(t.guildId, t.key), index('faq_entries_search').using('gin', t.search)],
);

/** Searches that found no good answer, by normalised query: what the FAQ is missing. */
export const faqUnanswered = pgTable(
  'faq_unanswered',
  {
    id: serial('id').primaryKey(),
    guildId: snowflake('guild_id')
      .notNull()
      .references(() => guilds.id, { onDelete: 'cascade' }),
    query: varchar('query', { length: 200 }).notNull(),
    count: integer('count').notNull().default(1),
    firstAskedAt: at('first_asked_at').notNull().defaultNow(),
    lastAskedAt: at('last_asked_at').notNull().defaultNow(),
    lastAskedBy: snowflake('last_asked_by'),
  },
  (t) => [uniqueIndex('faq_unanswered_guild_query').on(t.guildId, t.query), index('faq_unanswered_recent').on(t.guildId, t.lastAskedAt)],
);

/** "This helped": once per member per entry (the entry's key, so a vote survives an edit). */
export const faqVotes = pgTable(
  'faq_votes',
  {
    guildId: snowflake('guild_id')
      .notNull()
      .references(() => guilds.id, { onDelete: 'cascade' }),
    entryKey: varchar('entry_key', { length: 64 }).notNull(),
    userId: snowflake('user_id').notNull(),
    votedAt: at('voted_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.entryKey, t.userId] })],
);

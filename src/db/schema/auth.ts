// Panel sessions, API tokens and rate-limit buckets.
import { type AnyPgColumn, index, integer, pgTable, serial, text, varchar } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';

/** Panel sessions (cookie `cairn_session`): the cookie holds a random id; only its hash is stored. */
export const sessions = pgTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    kind: varchar('kind', { length: 12 }).notNull(),
    subject: text('subject').notNull(),
    name: text('name').notNull(),
    /** Guilds this session may manage; null = every guild (the operator). */
    guildIds: text('guild_ids').array(),
    csrf: text('csrf').notNull(),
    /** The guild token the session was opened with: revoking the token deletes the session. */
    apiTokenId: integer('api_token_id').references((): AnyPgColumn => apiTokens.id, { onDelete: 'cascade' }),
    /**
     * An operator session's fingerprint of the CAIRN_ADMIN_TOKEN it was opened with (a slow hash,
     * never the token): after a restart with another token it no longer matches and is refused.
     */
    adminFingerprint: text('admin_fingerprint'),
    createdAt: at('created_at').notNull().defaultNow(),
    expiresAt: at('expires_at').notNull(),
  },
  (t) => [index('sessions_expiry').on(t.expiresAt), index('sessions_api_token').on(t.apiTokenId)],
);

/** Guild-scoped API tokens an operator hands to a guild's admins (only the hash is stored). */
export const apiTokens = pgTable('api_tokens', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  guildIds: text('guild_ids').array().notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
  lastUsedAt: at('last_used_at'),
});

/**
 * The API's rate-limit counters (fixed windows), one row per credential or guild and bucket, shared
 * by every process serving the database; each hit is one atomic upsert.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  hits: integer('hits').notNull(),
  resetAt: at('reset_at').notNull(),
});

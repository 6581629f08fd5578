// What Cairn keeps from Discord: the directory (members, channels, roles), sessions in progress,
// and the outbox of side effects.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, smallint, text, varchar } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { snowflake } from '../snowflake.ts';

/**
 * What Cairn knows of a member: the directory entry (names, avatar) the panel, rank cards and the
 * public leaderboard show, roles (for rule filters), join state and preferences.
 */
export const members = pgTable(
  'members',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    /** What the guild shows: the server nickname, else the global display name, else the username. */
    displayName: text('display_name'),
    /** The account's unique username (no discriminator). */
    username: text('username'),
    /** Full CDN URL of the guild avatar, else the user avatar; null draws initials. */
    avatarUrl: text('avatar_url'),
    roles: text('roles').array().notNull().default(sql`'{}'::text[]`),
    isBot: boolean('is_bot').notNull().default(false),
    joinedAt: at('joined_at'),
    leftAt: at('left_at'),
    announceOptOut: boolean('announce_opt_out').notNull().default(false),
    /** The member asked not to be listed by name on the guild's public leaderboard. */
    publicOptOut: boolean('public_opt_out').notNull().default(false),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.userId] }),
    // Search by name prefix (lower-cased) in the members list and the pickers.
    index('members_name').on(t.guildId, sql`lower(${t.displayName})`),
  ],
);

/** The guild's channels and categories as last seen on the gateway; a deleted one keeps its name. */
export const guildChannels = pgTable(
  'guild_channels',
  {
    guildId: snowflake('guild_id').notNull(),
    channelId: snowflake('channel_id').notNull(),
    name: text('name').notNull(),
    /** Discord's channel type number (0 text, 2 voice, 4 category, 5 announcement, 13 stage, 15 forum, 16 media). */
    type: smallint('type').notNull(),
    parentId: snowflake('parent_id'),
    position: integer('position').notNull().default(0),
    deletedAt: at('deleted_at'),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.channelId] })],
);

/** The guild's roles as last seen on the gateway; a deleted one keeps its name. */
export const guildRoles = pgTable(
  'guild_roles',
  {
    guildId: snowflake('guild_id').notNull(),
    roleId: snowflake('role_id').notNull(),
    name: text('name').notNull(),
    /** RGB as an integer; 0 is "no colour". */
    color: integer('color').notNull().default(0),
    position: integer('position').notNull().default(0),
    /** Owned by an integration or a bot: Discord does not let Cairn give it. */
    managed: boolean('managed').notNull().default(false),
    deletedAt: at('deleted_at'),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.roleId] })],
);

/** Presence sessions in progress (only with the presence intent): one status per member at a time. */
export const presenceSessions = pgTable(
  'presence_sessions',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    status: varchar('status', { length: 8 }).notNull(),
    startedAt: at('started_at').notNull(),
    lastSeenAt: at('last_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId] })],
);

/**
 * Voice sessions in progress, so a restart can close them (as voice_session_end) instead of
 * losing them. `lastSeenAt` is refreshed while the bot runs: a crashed session ends there.
 */
export const voiceSessions = pgTable(
  'voice_sessions',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    channelId: snowflake('channel_id').notNull(),
    sessionId: text('session_id'),
    startedAt: at('started_at').notNull(),
    lastSeenAt: at('last_seen_at').notNull(),
    /** Muted and deafened for the whole session so far (an idle session). */
    idleWholeSession: boolean('idle_whole_session').notNull().default(true),
    /** Spent time in the guild's AFK channel or an admin-excluded channel. */
    inAfkChannel: boolean('in_afk_channel').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId] })],
);

/** Discord side effects, written in the event's transaction and dispatched after commit. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    guildId: snowflake('guild_id').notNull(),
    kind: varchar('kind', { length: 24 }).notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: varchar('status', { length: 12 }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    availableAt: at('available_at').notNull().defaultNow(),
    lastError: text('last_error'),
    lakeEventId: bigint('lake_event_id', { mode: 'number' }),
    ruleId: integer('rule_id'),
    createdAt: at('created_at').notNull().defaultNow(),
    sentAt: at('sent_at'),
  },
  (t) => [index('outbox_pending').on(t.status, t.availableAt)],
);

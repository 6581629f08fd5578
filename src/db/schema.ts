// The one schema module: every table Cairn stores, shared by PGlite and postgres.js.
// Discord ids are `snowflake` (bigint in SQL, string in TypeScript). Amounts are whole numbers.
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';
import { snowflake } from './snowflake.ts';

const amount = (name: string) => bigint(name, { mode: 'number' });
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

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

/** The event lake. Content is never stored: only derived metadata in `data`. */
export const lakeEvents = pgTable(
  'lake_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    guildId: snowflake('guild_id').notNull(),
    sourceId: varchar('source_id', { length: 128 }).notNull(),
    type: varchar('type', { length: 40 }).notNull(),
    actorId: snowflake('actor_id'),
    targetId: snowflake('target_id'),
    channelId: snowflake('channel_id'),
    occurredAt: at('occurred_at').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    origin: varchar('origin', { length: 16 }).notNull().default('api'),
    receivedAt: at('received_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('lake_events_source').on(t.guildId, t.sourceId),
    // Few indexes: every event pays for each. Time-ordered inserts make BRIN a good fit for the
    // retention job and time-range reads; per-member questions go to the counters.
    index('lake_events_time').using('brin', t.occurredAt),
  ],
);

/** Per member, per event type, per side (actor|target), per UTC day: how many, and a summed value. */
export const eventCountersDaily = pgTable(
  'event_counters_daily',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    eventType: varchar('event_type', { length: 40 }).notNull(),
    side: varchar('side', { length: 6 }).notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    count: integer('count').notNull().default(0),
    valueSum: amount('value_sum').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.userId, t.eventType, t.side, t.day] }),
    index('event_counters_daily_day').on(t.guildId, t.day),
  ],
);

/** Lifetime totals per member, event type, side and channel (channel 0 = none), for milestones. */
export const eventCountersTotal = pgTable(
  'event_counters_total',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    eventType: varchar('event_type', { length: 40 }).notNull(),
    side: varchar('side', { length: 6 }).notNull(),
    channelId: snowflake('channel_id').notNull(),
    count: amount('count').notNull().default(0),
    valueSum: amount('value_sum').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.userId, t.eventType, t.side, t.channelId] }),
  ],
);

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

export const zones = pgTable(
  'zones',
  {
    id: serial('id').primaryKey(),
    guildId: snowflake('guild_id')
      .notNull()
      .references(() => guilds.id, { onDelete: 'cascade' }),
    key: varchar('key', { length: 48 }).notNull(),
    name: text('name').notNull(),
    /** Channel ids in this zone (strings). */
    channelIds: text('channel_ids').array().notNull().default(sql`'{}'::text[]`),
    /** Channel types (text, voice, …) this zone is the default for, when no zone names a channel. */
    defaultFor: text('default_for').array().notNull().default(sql`'{}'::text[]`),
    /** Multipliers per currency key and event type: { xp: { message_create: 1.5, '*': 1 } }. */
    multipliers: jsonb('multipliers').$type<Record<string, Record<string, number>>>().notNull().default({}),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('zones_guild_key').on(t.guildId, t.key)],
);

export const rules = pgTable(
  'rules',
  {
    id: serial('id').primaryKey(),
    guildId: snowflake('guild_id')
      .notNull()
      .references(() => guilds.id, { onDelete: 'cascade' }),
    key: varchar('key', { length: 64 }).notNull(),
    version: integer('version').notNull().default(1),
    enabled: boolean('enabled').notNull().default(true),
    /** The whole rule document (validated by the rule schema). */
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    /** Set when Cairn disabled the rule because it kept failing at run time; cleared when an admin enables it. */
    quarantinedAt: at('quarantined_at'),
    quarantineReason: text('quarantine_reason'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('rules_guild_key').on(t.guildId, t.key)],
);

/**
 * A rule that failed at run time on an event: the rule was skipped for it, the event and the other
 * rules went on. Shown on the rule and the health page; old rows go with the lake's retention.
 */
export const ruleErrors = pgTable(
  'rule_errors',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    guildId: snowflake('guild_id').notNull(),
    ruleId: integer('rule_id')
      .notNull()
      .references(() => rules.id, { onDelete: 'cascade' }),
    ruleVersion: integer('rule_version').notNull(),
    lakeEventId: bigint('lake_event_id', { mode: 'number' }),
    /** The event's source id (a chained event's carries its root's and a suffix). */
    sourceId: text('source_id').notNull(),
    message: text('message').notNull(),
    at: at('at').notNull().defaultNow(),
  },
  (t) => [index('rule_errors_rule').on(t.guildId, t.ruleId, t.id), index('rule_errors_time').using('brin', t.at)],
);

/**
 * Events whose processing failed on its own (not for the database's availability), set aside so
 * nothing is lost: none of it was written; the operator sees them on the health page and retries.
 */
export const ingestFailures = pgTable(
  'ingest_failures',
  {
    id: serial('id').primaryKey(),
    guildId: snowflake('guild_id').notNull(),
    sourceId: varchar('source_id', { length: 128 }).notNull(),
    type: varchar('type', { length: 40 }).notNull(),
    origin: varchar('origin', { length: 16 }).notNull(),
    event: jsonb('event').$type<Record<string, unknown>>().notNull(),
    error: text('error').notNull(),
    attempts: integer('attempts').notNull().default(1),
    firstFailedAt: at('first_failed_at').notNull().defaultNow(),
    lastFailedAt: at('last_failed_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('ingest_failures_source').on(t.guildId, t.sourceId)],
);

export const ruleVersions = pgTable(
  'rule_versions',
  {
    ruleId: integer('rule_id')
      .notNull()
      .references(() => rules.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    changedBy: text('changed_by').notNull(),
    changedAt: at('changed_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.version] })],
);

/**
 * Applied rule firings that the ledger does not already record: every firing of a rule with limits
 * (cooldowns, rates and caps are derived from these rows) and firings that moved no currency.
 * A firing that credited or debited is recorded by its transactions (rule, version, lake event).
 */
export const ruleFirings = pgTable(
  'rule_firings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    guildId: snowflake('guild_id').notNull(),
    ruleId: integer('rule_id').notNull(),
    ruleVersion: integer('rule_version').notNull(),
    lakeEventId: bigint('lake_event_id', { mode: 'number' }),
    actorId: snowflake('actor_id'),
    targetId: snowflake('target_id'),
    channelId: snowflake('channel_id'),
    depth: smallint('depth').notNull().default(0),
    /** Amount credited by this firing per currency key, for amount caps. */
    amounts: jsonb('amounts').$type<Record<string, number>>().notNull().default({}),
    at: at('at').notNull(),
  },
  (t) => [
    index('rule_firings_actor').on(t.guildId, t.ruleId, t.actorId, t.at),
    index('rule_firings_event').on(t.lakeEventId),
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

export const milestones = pgTable(
  'milestones',
  {
    id: serial('id').primaryKey(),
    guildId: snowflake('guild_id')
      .notNull()
      .references(() => guilds.id, { onDelete: 'cascade' }),
    key: varchar('key', { length: 64 }).notNull(),
    version: integer('version').notNull().default(1),
    enabled: boolean('enabled').notNull().default(true),
    /** The whole milestone template (validated by the milestone schema). */
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('milestones_guild_key').on(t.guildId, t.key)],
);

/** Awards: at most once per member per milestone per season (season 0 = lifetime scope). */
export const memberMilestones = pgTable(
  'member_milestones',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    milestoneId: integer('milestone_id')
      .notNull()
      .references(() => milestones.id, { onDelete: 'cascade' }),
    seasonId: integer('season_id').notNull().default(0),
    lakeEventId: bigint('lake_event_id', { mode: 'number' }),
    awardedBy: text('awarded_by'),
    earnedAt: at('earned_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.userId, t.milestoneId, t.seasonId] }),
    index('member_milestones_recent').on(t.guildId, t.earnedAt),
  ],
);

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
export type CurrencyRow = typeof currencies.$inferSelect;
export type WalletRow = typeof wallets.$inferSelect;
export type TransactionRow = typeof transactions.$inferSelect;
export type LakeEventRow = typeof lakeEvents.$inferSelect;
export type RuleRow = typeof rules.$inferSelect;
export type ZoneRow = typeof zones.$inferSelect;
export type MilestoneRow = typeof milestones.$inferSelect;

/**
 * Voice sessions in progress, so a restart can close them (as voice_session_end) instead of
 * losing them. `lastSeenAt` is refreshed while the bot runs: a crashed session ends there.
 */
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

/** Every call to the AI model: what for, how big, how long, what it cost, how it ended. */
export const aiCalls = pgTable(
  'ai_calls',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    guildId: snowflake('guild_id'),
    feature: varchar('feature', { length: 32 }).notNull(),
    model: text('model').notNull(),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    responseTokens: integer('response_tokens').notNull().default(0),
    latencyMs: integer('latency_ms').notNull().default(0),
    /** Estimated cost in millionths of a US dollar (from the configured price table). */
    costMicros: bigint('cost_micros', { mode: 'number' }).notNull().default(0),
    /** ok | timeout | rate_limited | error | invalid_output | budget_exhausted | cached */
    outcome: varchar('outcome', { length: 20 }).notNull(),
    error: text('error'),
    at: at('at').notNull().defaultNow(),
  },
  (t) => [index('ai_calls_guild_time').on(t.guildId, t.at)],
);

// ---- Analytics aggregates: kept current in each event's transaction (src/analytics/aggregator.ts)
// so charts never scan the lake. Days and hours are the guild's local calendar.

/** Activity per UTC hour and event type (peak-hours heatmaps convert to the guild's zone). */
export const activityHourly = pgTable(
  'activity_hourly',
  {
    guildId: snowflake('guild_id').notNull(),
    hour: at('hour').notNull(),
    eventType: varchar('event_type', { length: 40 }).notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.hour, t.eventType] })],
);

/** Voice time per member and local day, sessions split at midnight; AFK time kept apart. */
export const voiceDaily = pgTable(
  'voice_daily',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    seconds: amount('seconds').notNull().default(0),
    afkSeconds: amount('afk_seconds').notNull().default(0),
    /** Sessions that ended on this day (non-AFK and AFK). */
    sessions: integer('sessions').notNull().default(0),
    afkSessions: integer('afk_sessions').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId, t.day] }), index('voice_daily_day').on(t.guildId, t.day)],
);

/** Attendance of each scheduled event. */
export const scheduledEventStats = pgTable(
  'scheduled_event_stats',
  {
    guildId: snowflake('guild_id').notNull(),
    scheduledEventId: snowflake('scheduled_event_id').notNull(),
    attendees: integer('attendees').notNull().default(0),
    minutesPresent: amount('minutes_present').notNull().default(0),
    onTime: integer('on_time').notNull().default(0),
    firstAt: at('first_at').notNull(),
    lastAt: at('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.scheduledEventId] })],
);

/** Months in which a member did anything (as actor): monthly actives and cohort retention. */
export const memberActivityMonthly = pgTable(
  'member_activity_monthly',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    events: integer('events').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId, t.month] }), index('member_activity_month').on(t.guildId, t.month)],
);

// ---- Rollups for the 50,000-member guild: every Community chart reads a few hundred rows at most.

/** Events per guild, local day and type (growth chart; survives the lake's retention). */
export const activityDaily = pgTable(
  'activity_daily',
  {
    guildId: snowflake('guild_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    eventType: varchar('event_type', { length: 40 }).notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.day, t.eventType] })],
);

/** Voice time per guild and local day (the voice chart without reading every member's day). */
export const voiceGuildDaily = pgTable(
  'voice_guild_daily',
  {
    guildId: snowflake('guild_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    seconds: amount('seconds').notNull().default(0),
    afkSeconds: amount('afk_seconds').notNull().default(0),
    sessions: integer('sessions').notNull().default(0),
    afkSessions: integer('afk_sessions').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.day] })],
);

/** Engagement per member and local ISO week (Monday): what the member did, joins and leaves aside. */
export const memberWeekly = pgTable(
  'member_weekly',
  {
    guildId: snowflake('guild_id').notNull(),
    week: date('week', { mode: 'string' }).notNull(),
    userId: snowflake('user_id').notNull(),
    messages: integer('messages').notNull().default(0),
    reactions: integer('reactions').notNull().default(0),
    eventsAttended: integer('events_attended').notNull().default(0),
    voiceSeconds: amount('voice_seconds').notNull().default(0),
    /** Every event the member did that week, joins and leaves aside (rising stars, churn risks). */
    activity: integer('activity').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.week, t.userId] })],
);

/** Per guild and week: members active and the sums of member_weekly (the engagement chart). */
export const guildWeekly = pgTable(
  'guild_weekly',
  {
    guildId: snowflake('guild_id').notNull(),
    week: date('week', { mode: 'string' }).notNull(),
    activeMembers: integer('active_members').notNull().default(0),
    messages: integer('messages').notNull().default(0),
    reactions: integer('reactions').notNull().default(0),
    eventsAttended: integer('events_attended').notNull().default(0),
    voiceSeconds: amount('voice_seconds').notNull().default(0),
    /** Sum of member_weekly.activity: it changes whenever any member's week does. */
    activity: integer('activity').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.week] })],
);

/** A member's cohort: the first local month Cairn saw them (joining or doing anything). */
export const memberCohorts = pgTable(
  'member_cohorts',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    cohortMonth: date('cohort_month', { mode: 'string' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId] })],
);

/** Members of a cohort active in a month (the retention table, and monthly actives by summing). */
export const cohortActivity = pgTable(
  'cohort_activity',
  {
    guildId: snowflake('guild_id').notNull(),
    cohortMonth: date('cohort_month', { mode: 'string' }).notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    members: integer('members').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.cohortMonth, t.month] })],
);

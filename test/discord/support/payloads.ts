// Gateway payloads in Discord's real shapes (API v10), built from small overridable defaults.
import { BOT_USER_ID } from '../../support/fake-discord.ts';
import { ALICE, BOB, CAROL, CHANNEL, GUILD } from '../../support/factories.ts';

export { ALICE, BOB, CAROL, CHANNEL, GUILD };
export const VOICE_CHANNEL = '1111111111111111112';
export const AFK_CHANNEL = '1111111111111111113';
export const ANNOUNCE_CHANNEL = '1111111111111111114';
export const THREAD_ID = '1111111111111111115';
export const STAGE_CHANNEL = '1111111111111111116';
export const MOD_ROLE = '2222222222222222221';
export const LEVEL_ROLE = '2222222222222222222';

let counter = 0n;
/** A snowflake for `at` (its timestamp bits), unique per call. */
export function snowflakeAt(at: Date | string = new Date()): string {
  const ms = BigInt(new Date(at).getTime()) - 1420070400000n;
  return String((ms << 22n) | (++counter & 0x3fffffn));
}

export function user(id: string, overrides: Record<string, unknown> = {}) {
  return { id, username: `user${id.slice(-4)}`, discriminator: '0', global_name: null, avatar: null, bot: false, flags: 0, ...overrides };
}

export function member(id: string, overrides: Record<string, unknown> = {}) {
  const { user: userOverrides, ...rest } = overrides as { user?: Record<string, unknown> };
  return {
    user: user(id, userOverrides),
    nick: null,
    avatar: null,
    roles: [] as string[],
    joined_at: '2026-01-01T00:00:00.000000+00:00',
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    ...rest,
  };
}

export function textChannel(id: string, overrides: Record<string, unknown> = {}) {
  return { id, type: 0, guild_id: GUILD, name: `text-${id.slice(-3)}`, position: 0, permission_overwrites: [], parent_id: null, nsfw: false, topic: null, rate_limit_per_user: 0, last_message_id: null, ...overrides };
}

/** A category (channel type 4) that other channels name as their parent. */
export function category(id: string, overrides: Record<string, unknown> = {}) {
  return { id, type: 4, guild_id: GUILD, name: `category-${id.slice(-3)}`, position: 0, permission_overwrites: [], parent_id: null, nsfw: false, flags: 0, ...overrides };
}

/** A role as GUILD_CREATE lists it and GUILD_ROLE_CREATE / UPDATE carry it (in `{ guild_id, role }`). */
export function role(id: string, overrides: Record<string, unknown> = {}) {
  const color = (overrides.color as number | undefined) ?? 0;
  return {
    id,
    name: `role-${id.slice(-3)}`,
    color,
    colors: { primary_color: color, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: 1,
    permissions: '0',
    managed: false,
    mentionable: false,
    flags: 0,
    ...overrides,
  };
}

/** A CDN image hash (32 hex digits) derived from a seed, as Discord sends for avatars and icons. */
export function imageHash(seed: string): string {
  let h = '';
  for (let i = 0; h.length < 32; i++) h += ((seed.charCodeAt(i % seed.length) * 31 + i * 7) % 256).toString(16).padStart(2, '0');
  return h.slice(0, 32);
}

export function voiceChannel(id: string, overrides: Record<string, unknown> = {}) {
  return { id, type: 2, guild_id: GUILD, name: `voice-${id.slice(-3)}`, position: 1, permission_overwrites: [], parent_id: null, bitrate: 64000, user_limit: 0, rtc_region: null, ...overrides };
}

/** A GUILD_CREATE payload with the bot and the given members. */
export function guild(overrides: Record<string, unknown> = {}) {
  const id = (overrides.id as string | undefined) ?? GUILD;
  return {
    id,
    name: 'Test Guild',
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: CAROL,
    afk_channel_id: AFK_CHANNEL,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    joined_at: '2026-01-01T00:00:00.000000+00:00',
    large: false,
    unavailable: false,
    member_count: 4,
    roles: [
      { id, name: '@everyone', color: 0, hoist: false, position: 0, permissions: '1071698660929', managed: false, mentionable: false, flags: 0 },
      { id: MOD_ROLE, name: 'Moderator', color: 0, hoist: false, position: 1, permissions: '0', managed: false, mentionable: false, flags: 0 },
      { id: LEVEL_ROLE, name: 'Regular', color: 0, hoist: false, position: 2, permissions: '0', managed: false, mentionable: false, flags: 0 },
    ],
    emojis: [],
    stickers: [],
    channels: [textChannel(CHANNEL), textChannel(ANNOUNCE_CHANNEL), voiceChannel(VOICE_CHANNEL), voiceChannel(AFK_CHANNEL, { name: 'afk' }), voiceChannel(STAGE_CHANNEL, { name: 'stage' })],
    threads: [],
    members: [member(BOT_USER_ID, { user: { bot: true, username: 'cairn' } }), member(ALICE), member(BOB), member(CAROL, { roles: [MOD_ROLE] })],
    voice_states: [] as Record<string, unknown>[],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [] as Record<string, unknown>[],
    soundboard_sounds: [],
    ...overrides,
  };
}

export interface MessageOptions {
  id?: string;
  author?: string;
  content?: string;
  channel?: string;
  guild?: string | null;
  bot?: boolean;
  attachments?: number;
  replyTo?: { id: string; author: string; bot?: boolean } | null;
  at?: string;
  /** The author's server nickname and guild avatar hash (MESSAGE_CREATE's `member`). */
  nick?: string | null;
  memberAvatar?: string | null;
  /** Fields of the author's user object (global_name, avatar, username…). */
  authorUser?: Record<string, unknown>;
}

/** A MESSAGE_CREATE payload. */
export function message(options: MessageOptions = {}) {
  const at = options.at ?? new Date().toISOString();
  const id = options.id ?? snowflakeAt(at);
  const author = options.author ?? ALICE;
  const reply = options.replyTo ?? null;
  const payload: Record<string, unknown> = {
    id,
    type: reply ? 19 : 0,
    channel_id: options.channel ?? CHANNEL,
    author: user(author, { bot: options.bot ?? false, ...options.authorUser }),
    content: options.content ?? 'hello there',
    timestamp: at,
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: Array.from({ length: options.attachments ?? 0 }, (_, i) => ({ id: snowflakeAt(at), filename: `f${i}.png`, size: 10, url: 'https://cdn.example/f.png', proxy_url: 'https://cdn.example/f.png' })),
    embeds: [],
    pinned: false,
    flags: 0,
    components: [],
    nonce: null,
  };
  if (options.guild !== null) {
    payload.guild_id = options.guild ?? GUILD;
    payload.member = { nick: options.nick ?? null, avatar: options.memberAvatar ?? null, roles: [], joined_at: '2026-01-01T00:00:00.000000+00:00', premium_since: null, deaf: false, mute: false, flags: 0, pending: false };
  }
  if (reply) {
    payload.message_reference = { type: 0, message_id: reply.id, channel_id: options.channel ?? CHANNEL, guild_id: GUILD };
    payload.referenced_message = { id: reply.id, type: 0, channel_id: options.channel ?? CHANNEL, author: user(reply.author, { bot: reply.bot ?? false }), content: '', timestamp: at, edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [], attachments: [], embeds: [], pinned: false, flags: 0, components: [] };
  }
  return payload;
}

export interface ReactionOptions {
  user?: string;
  messageId: string;
  messageAuthor?: string | null;
  emoji?: { id: string | null; name: string; animated?: boolean };
  channel?: string;
  bot?: boolean;
}

/** A MESSAGE_REACTION_ADD payload (MESSAGE_REACTION_REMOVE has no member nor message author). */
export function reaction(options: ReactionOptions, kind: 'add' | 'remove' = 'add') {
  const reactor = options.user ?? BOB;
  const base = {
    user_id: reactor,
    channel_id: options.channel ?? CHANNEL,
    message_id: options.messageId,
    guild_id: GUILD,
    emoji: options.emoji ?? { id: null, name: '👍' },
    burst: false,
    type: 0,
  };
  if (kind === 'remove') return base;
  return {
    ...base,
    member: member(reactor, { user: { bot: options.bot ?? false } }),
    ...(options.messageAuthor ? { message_author_id: options.messageAuthor } : {}),
    burst_colors: [],
  };
}

/** A THREAD_CREATE payload for a thread a member just started. */
export function thread(options: { id?: string; owner?: string; parent?: string; name?: string; newly?: boolean } = {}) {
  const id = options.id ?? snowflakeAt();
  return {
    id,
    guild_id: GUILD,
    parent_id: options.parent ?? CHANNEL,
    owner_id: options.owner ?? ALICE,
    type: 11,
    name: options.name ?? 'a new thread',
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
    member_count: 1,
    message_count: 0,
    total_message_sent: 0,
    thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false, create_timestamp: new Date().toISOString() },
    ...(options.newly === false ? {} : { newly_created: true }),
  };
}

/** A VOICE_STATE_UPDATE payload (channel null = left voice). */
export function voiceState(userId: string, channelId: string | null, overrides: Record<string, unknown> = {}) {
  return {
    guild_id: GUILD,
    channel_id: channelId,
    user_id: userId,
    member: member(userId),
    session_id: `voice-session-${userId}`,
    deaf: false,
    mute: false,
    self_deaf: false,
    self_mute: false,
    self_video: false,
    suppress: false,
    request_to_speak_timestamp: null,
    ...overrides,
  };
}

/** A voice-channel scheduled event (GUILD_CREATE's guild_scheduled_events, GUILD_SCHEDULED_EVENT_*). */
export function scheduledEvent(options: { id?: string; channel?: string; start: string; end?: string | null; status?: number }) {
  return {
    id: options.id ?? snowflakeAt(options.start),
    guild_id: GUILD,
    channel_id: options.channel ?? STAGE_CHANNEL,
    creator_id: CAROL,
    name: 'Community call',
    description: null,
    scheduled_start_time: options.start,
    scheduled_end_time: options.end ?? null,
    privacy_level: 2,
    status: options.status ?? 2,
    entity_type: 2,
    entity_id: null,
    entity_metadata: null,
    user_count: 0,
    image: null,
    recurrence_rule: null,
  };
}

export interface OptionInput {
  name: string;
  type: number;
  value?: unknown;
  /** Autocomplete: the option being typed. */
  focused?: boolean;
  /** A subcommand's own options. */
  options?: OptionInput[];
}

/** An INTERACTION_CREATE payload for a slash command. */
export function slashCommand(name: string, options: OptionInput[] = [], invoker: { id?: string; roles?: string[]; permissions?: string } = {}) {
  const id = snowflakeAt();
  const invokerId = invoker.id ?? ALICE;
  const users: Record<string, unknown> = {};
  const members: Record<string, unknown> = {};
  for (const option of options) {
    if (option.type === 6) {
      users[String(option.value)] = user(String(option.value));
      const { user: _user, ...rest } = member(String(option.value));
      members[String(option.value)] = { ...rest, permissions: '0' };
    }
  }
  return {
    id,
    application_id: '900000000000000001',
    type: 2,
    data: {
      id: '1500000000000000000',
      name,
      type: 1,
      guild_id: GUILD,
      options,
      ...(Object.keys(users).length > 0 ? { resolved: { users, members } } : {}),
    },
    guild_id: GUILD,
    guild: { id: GUILD, locale: 'en-US', features: [] },
    channel_id: CHANNEL,
    channel: { id: CHANNEL, type: 0, guild_id: GUILD, name: 'general', permissions: '1071698660929', flags: 0 },
    member: { ...member(invokerId, { roles: invoker.roles ?? [] }), permissions: invoker.permissions ?? '1071698660929' },
    token: `token-${id}`,
    version: 1,
    app_permissions: '1071698660929',
    locale: 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': GUILD },
    context: 0,
    attachment_size_limit: 10485760,
  };
}

/** Permissions of a member who is not an admin (send messages, read, …; no Manage Guild). */
export const MEMBER_PERMISSIONS = String((1n << 10n) | (1n << 11n) | (1n << 6n) | (1n << 31n));
/** Manage Guild. */
export const MANAGE_GUILD = String(1n << 5n);

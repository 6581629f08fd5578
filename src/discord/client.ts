// The discord.js client Cairn runs: its REST base (DISCORD_API_URL), intents, partials for uncached
// reactions, and caches bounded so memory stays flat on large guilds (members live in the database).
import { Client, Events, Options, Partials, type ClientOptions, type GuildMember, type User } from 'discord.js';
import { GatewayPacketError } from './errors.ts';
import { resolveIntents } from './intents.ts';

export type GatewayStatus = 'connecting' | 'ready';

export interface DiscordClientOptions {
  /** REST base, e.g. http://127.0.0.1:8080/api; the gateway URL then comes from GET /gateway/bot. */
  apiUrl?: string | undefined;
  privilegedIntents: readonly string[];
  /** The shards this client holds and the total (one client, several shards: no child processes). */
  shards?: { ids: readonly number[]; count: number } | undefined;
  /** discord.js's identify throttler factory (the cluster-wide claim, see shards-identify.ts). */
  buildIdentifyThrottler?: NonNullable<ClientOptions['ws']>['buildIdentifyThrottler'];
  /** Extra discord.js options (tests remove the identify throttle, for instance). */
  overrides?: Partial<ClientOptions>;
}

const isSelf = (entity: GuildMember | User) => entity.id === entity.client.user?.id;

/** Cache sizes: enough for reaction counts on recent messages; members and users are not kept. */
export const DefaultCacheLimits = {
  MessageManager: 50,
  GuildMessageManager: 50,
  GuildMemberManager: { maxSize: 100, keepOverLimit: isSelf },
  UserManager: { maxSize: 500, keepOverLimit: isSelf },
  PresenceManager: 0,
  ReactionUserManager: 0,
  ThreadMemberManager: 0,
  GuildInviteManager: 0,
  GuildBanManager: 0,
  GuildStickerManager: 0,
  AutoModerationRuleManager: 0,
  ApplicationCommandManager: 0,
} as const;

/** Sweeps in seconds: old messages and archived threads leave the cache. */
export const DefaultSweepers = {
  ...Options.DefaultSweeperSettings,
  messages: { interval: 300, lifetime: 900 },
  threads: { interval: 3600, lifetime: 3600 },
} as const;

export function createDiscordClient(options: DiscordClientOptions): Client {
  const client = new Client({
    intents: resolveIntents(options.privilegedIntents),
    partials: [Partials.Message, Partials.Channel, Partials.Reaction, Partials.User, Partials.GuildMember],
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, ...DefaultCacheLimits }),
    sweepers: DefaultSweepers,
    allowedMentions: { parse: ['users'] },
    failIfNotExists: false,
    ...(options.shards ? { shards: [...options.shards.ids], shardCount: options.shards.count } : {}),
    ...options.overrides,
    rest: { ...(options.apiUrl ? { api: options.apiUrl } : {}), ...options.overrides?.rest },
    ws: {
      large_threshold: 250,
      ...(options.buildIdentifyThrottler ? { buildIdentifyThrottler: options.buildIdentifyThrottler } : {}),
      ...options.overrides?.ws,
    },
  });
  return client;
}

/** Follows the gateway connection: 'ready' once ClientReady fired (every shard ready) and while a shard is up. */
export function trackGatewayStatus(client: Client): () => GatewayStatus {
  let status: GatewayStatus = 'connecting';
  client.once(Events.ClientReady, () => (status = 'ready'));
  client.on(Events.ShardReconnecting, () => (status = 'connecting'));
  client.on(Events.ShardDisconnect, () => (status = 'connecting'));
  client.on(Events.ShardResume, () => client.isReady() && (status = 'ready'));
  client.on(Events.ShardReady, () => client.isReady() && (status = 'ready'));
  return () => status;
}

interface PacketHandling {
  handlePacket(packet?: { t?: string } | null, shard?: unknown): boolean;
}

/**
 * discord.js throws from its packet handlers on some malformed payloads (a member without a user,
 * an interaction without data), which becomes an unhandled rejection. Such a packet is reported
 * and skipped instead; the connection carries on.
 */
export function guardPacketHandling(client: Client, onError: (error: GatewayPacketError) => void): void {
  const ws = client.ws as unknown as PacketHandling;
  const handle = ws.handlePacket.bind(ws);
  ws.handlePacket = (packet, shard) => {
    try {
      return handle(packet, shard);
    } catch (error) {
      onError(new GatewayPacketError(packet?.t ?? '(no type)', error));
      return true;
    }
  };
}

// The Discord bot: a discord.js client whose gateway events become LakeEvents (in micro-batches
// through the ingest pipeline), slash commands, voice sessions, the members table, and the outbox
// dispatcher that sends the engine's side effects, and the directory of channel, role and guild names. start() logs in; stop() shuts down gracefully.
import { InviteTracker } from './invites.ts';
import { GuildScheduledEventStatus, Routes, type APIGatewayBotInfo, type Client, type ClientOptions } from 'discord.js';
import type { AiService } from '../ai/ai-service.ts';
import { systemClock, type Clock } from '../app/clock.ts';
import type { Database } from '../db/client.ts';
import type { Logger } from '../log/logger.ts';
import type { IngestPipeline } from '../pipeline/ingest.ts';
import type { ManualAwards } from '../pipeline/manual-awards.ts';
import type { ConfigStore } from '../rules/config-store.ts';
import { createDiscordClient, guardPacketHandling, trackGatewayStatus, type GatewayStatus } from './client.ts';
import type { SlashCommand } from './commands/command.ts';
import { GuildCommandRegistrar } from './commands/register.ts';
import { COMMANDS } from './commands/registry.ts';
import type { BotContext } from './context.ts';
import { DirectorySync } from './directory-sync.ts';
import { EventBatcher, type BatchOptions } from './event-batcher.ts';
import { ListenerHost } from './listener-host.ts';
import { LISTENERS } from './listeners/registry.ts';
import { MemberSync } from './member-sync.ts';
import type { ScheduledStatus, ScheduledWindow } from './normalize/scheduled-event.ts';
import type { VoiceSettings } from './normalize/voice.ts';
import { deliver } from './outbox-delivery.ts';
import { deliverOnboarding } from './onboarding/delivery.ts';
import { ONBOARDING_OUTBOX_KIND } from '../onboarding/welcome.ts';
import { OutboxDispatcher, type OutboxOptions } from './outbox-dispatcher.ts';
import { PresenceSessions } from './presence-sessions.ts';
import { ScheduledEventSync } from './scheduled-event-sync.ts';
import { DefaultVoiceOptions, VoiceSessions } from './voice-sessions.ts';
import { resolveShardIds, ShardSet, SingleShard, type ShardPlan } from './shards.ts';
import { identifyThrottlerFor, type IdentifyOptions } from './shards-identify.ts';
import { ShardBoard } from './shards-status.ts';

export interface DiscordBotOptions {
  token: string;
  /** DISCORD_API_URL: REST base; the gateway URL comes from it. */
  apiUrl?: string | undefined;
  privilegedIntents: readonly string[];
  database: Database;
  pipeline: IngestPipeline;
  /** The manual-award processor of that pipeline (/award). */
  awards: ManualAwards;
  configs: ConfigStore;
  logger: Logger;
  clock?: Clock;
  clientOverrides?: Partial<ClientOptions>;
  batch?: Partial<BatchOptions>;
  outbox?: Partial<OutboxOptions>;
  voice?: { refreshMs: number };
  presence?: { refreshMs: number };
  commands?: readonly SlashCommand[];
  /** Gemini features for /audit. */
  ai?: AiService;
  shutdown?: Partial<typeof DefaultShutdown>;
  /** DISCORD_SHARD_COUNT and DISCORD_SHARDS; one shard when absent. */
  shards?: ShardPlan;
  /** The cluster-wide identify claim (Postgres): how long a bucket stays taken. */
  identify?: Partial<IdentifyOptions>;
}

export const DefaultShutdown = {
  /** Longest wait for listener runs in flight. */
  settleMs: 5_000,
  /** Longest the outbox is drained before the client goes. */
  drainOutboxMs: 3_000,
  /** Longest queued gateway events wait for an unreachable database before they are given up. */
  flushEventsMs: 5_000,
} as const;

/**
 * Longest a gateway event waits for companions before its batch is written. It bounds what a
 * kill -9 loses at the gateway (received, not yet committed; a restarted process starts a new
 * session and Discord does not replay the old one): at rate R, about R × (this + one batch write).
 * Under load the batches grow by themselves while the writer is busy, so a short wait costs
 * little throughput; README "Running past one machine" gives the measured figure.
 */
export const GATEWAY_BATCH_WAIT_MS = 10;

const SCHEDULED_STATUS: Record<number, ScheduledStatus> = {
  [GuildScheduledEventStatus.Scheduled]: 'scheduled',
  [GuildScheduledEventStatus.Active]: 'active',
  [GuildScheduledEventStatus.Completed]: 'completed',
  [GuildScheduledEventStatus.Canceled]: 'canceled',
};

export class DiscordBot {
  readonly client: Client;
  readonly events: EventBatcher;
  readonly members: MemberSync;
  readonly directory: DirectorySync;
  readonly voice: VoiceSessions;
  /** Presence sessions: only with the GuildPresences intent (off by default). */
  readonly presence: PresenceSessions | undefined;
  readonly outbox: OutboxDispatcher;
  /** Each guild's slash commands, re-registered when its custom commands change. */
  readonly guildCommands: GuildCommandRegistrar;
  /** Each shard this process holds: state, ping, last dispatch (/healthz, /metrics). */
  readonly shards: ShardBoard;
  #shardSet: ShardSet | undefined;
  readonly #options: DiscordBotOptions;
  readonly #logger: Logger;
  readonly #host: ListenerHost;
  readonly #status: () => GatewayStatus;
  readonly #ready: Promise<void>;
  #unsubscribe: (() => void) | undefined;
  #unsubscribeConfigs: (() => void) | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: DiscordBotOptions) {
    this.#options = options;
    const logger = (this.#logger = options.logger);
    const clock = options.clock ?? systemClock;
    const db = options.database.db;
    const plan = options.shards ?? SingleShard;
    // With a known count the shard set is fixed now; with `auto` it is settled in start().
    if (typeof plan.count === 'number') this.#shardSet = new ShardSet(resolveShardIds(plan, plan.count), plan.count);
    this.client = createDiscordClient({
      apiUrl: options.apiUrl,
      privilegedIntents: options.privilegedIntents,
      shards: this.#shardSet,
      buildIdentifyThrottler: identifyThrottlerFor(options.database, logger.child({ part: 'identify' }), options.identify),
      overrides: options.clientOverrides ?? {},
    });
    this.shards = new ShardBoard(this.client);
    if (this.#shardSet) this.shards.expect(this.#shardSet.ids);
    this.#status = trackGatewayStatus(this.client);
    this.#ready = new Promise((resolve) => this.client.once('clientReady', () => resolve()));
    guardPacketHandling(this.client, (error) => logger.warn({ err: error, dispatch: error.dispatch }, 'gateway packet discord.js could not handle; skipped'));
    this.client.on('error', (error) => logger.error({ err: error }, 'discord.js client error'));
    this.client.on('shardError', (error, shardId) => logger.warn({ err: error, shardId }, 'gateway connection error'));

    this.members = new MemberSync(db, logger.child({ part: 'members' }));
    this.directory = new DirectorySync(db, logger.child({ part: 'directory' }));
    this.events = new EventBatcher(
      (events) => options.pipeline.ingest(events, { origin: 'gateway' }),
      logger.child({ part: 'batcher' }),
      { maxWaitMs: GATEWAY_BATCH_WAIT_MS, ...options.batch },
      () => this.members.flush(),
    );
    this.voice = new VoiceSessions(
      {
        db,
        clock,
        logger: logger.child({ part: 'voice' }),
        emit: (event, onCommitted) => this.events.push(event, onCommitted),
        settings: (guildId) => this.#voiceSettings(guildId),
        scheduledEvents: (guildId) => this.#scheduledWindows(guildId),
      },
      options.voice ?? DefaultVoiceOptions,
    );
    this.presence = options.privilegedIntents.includes('GuildPresences')
      ? new PresenceSessions({ db, clock, logger: logger.child({ part: 'presence' }), emit: (event, onCommitted) => this.events.push(event, onCommitted) }, options.presence)
      : undefined;
    this.outbox = new OutboxDispatcher(
      options.database,
      (row) => (row.kind === ONBOARDING_OUTBOX_KIND ? deliverOnboarding(this.client.rest, db, row) : deliver(this.client.rest, row)),
      logger.child({ part: 'outbox' }),
      options.outbox,
    );
    const commands = options.commands ?? COMMANDS;
    this.guildCommands = new GuildCommandRegistrar(this.client, options.configs, commands, logger.child({ part: 'commands' }));
    const context: BotContext = {
      client: this.client,
      logger,
      clock,
      db,
      pipeline: options.pipeline,
      awards: options.awards,
      configs: options.configs,
      events: this.events,
      members: this.members,
      directory: this.directory,
      voice: this.voice,
      scheduledEvents: new ScheduledEventSync(db),
      presence: this.presence,
      commands,
      guildCommands: this.guildCommands,
      ai: options.ai,
      outbox: this.outbox,
      invites: new InviteTracker(this.client.rest, db, logger.child({ part: 'invites' }), (guildId) => Boolean(this.client.guilds.cache.get(guildId)?.vanityURLCode)),
    };
    this.#host = new ListenerHost(context, LISTENERS);
  }

  /** The shards this process holds (known once start() asked Discord, with DISCORD_SHARD_COUNT=auto). */
  get shardSet(): ShardSet | undefined {
    return this.#shardSet;
  }

  status(): GatewayStatus {
    return this.#status();
  }

  /** Resolves once the client is ready (all guilds received). */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Attaches listeners, starts the outbox and voice timers, and logs in. */
  async start(): Promise<void> {
    this.#host.attach(this.client);
    this.#unsubscribe = this.#options.pipeline.onCommit(() => this.outbox.wake());
    this.#unsubscribeConfigs = this.#options.configs.subscribe((config) => this.guildCommands.configChanged(config));
    this.outbox.start();
    this.voice.start();
    this.presence?.start();
    const shards = (this.#shardSet ??= await this.#autoShards());
    this.#logger.info({ shards: shards.ids, shardCount: shards.count }, 'connecting to Discord');
    await this.client.login(this.#options.token);
  }

  /**
   * Graceful shutdown: stop accepting gateway events, let listener runs finish, end open voice
   * sessions (as voice_session_end), write every queued event, drain the outbox briefly, then
   * disconnect.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      const shutdown = { ...DefaultShutdown, ...this.#options.shutdown };
      this.#unsubscribeConfigs?.();
      this.#host.stopAccepting();
      await this.#host.settle(shutdown.settleMs);
      this.voice.stop();
      await this.voice.closeAll().catch((error) => this.#logger.error({ err: error }, 'could not close voice sessions'));
      this.presence?.stop();
      await this.presence?.closeAll().catch((error) => this.#logger.error({ err: error }, 'could not close presence sessions'));
      await this.events.flush({ giveUpAfterMs: shutdown.flushEventsMs });
      await this.members.flush().catch((error) => this.#logger.error({ err: error }, 'could not update the members table'));
      await this.directory.flush().catch((error) => this.#logger.error({ err: error }, 'could not update the directory'));
      await this.voice.settle();
      await this.presence?.settle();
      this.#unsubscribe?.();
      await this.outbox.drain(shutdown.drainOutboxMs);
      await this.outbox.stop();
      this.#host.detach(this.client);
      await this.client.destroy();
      this.#logger.info(this.events.stats, 'Discord bot stopped');
    })();
    return this.#stopping;
  }

  /** DISCORD_SHARD_COUNT=auto: Discord's recommended count (GET /gateway/bot), then this process's ids in it. */
  async #autoShards(): Promise<ShardSet> {
    this.client.rest.setToken(this.#options.token);
    const info = (await this.client.rest.get(Routes.gatewayBot())) as APIGatewayBotInfo;
    const ids = resolveShardIds(this.#options.shards ?? SingleShard, info.shards);
    this.client.options.shards = ids;
    this.client.options.shardCount = info.shards;
    this.shards.expect(ids);
    return new ShardSet(ids, info.shards);
  }

  async #voiceSettings(guildId: string): Promise<VoiceSettings> {
    const config = await this.#options.configs.get(guildId);
    const excluded = config.settings.voice_excluded_channels;
    return {
      afkChannelId: this.client.guilds.cache.get(guildId)?.afkChannelId ?? null,
      excludedChannelIds: Array.isArray(excluded) ? excluded.filter((id): id is string => typeof id === 'string') : [],
    };
  }

  #scheduledWindows(guildId: string): ScheduledWindow[] {
    const events = this.client.guilds.cache.get(guildId)?.scheduledEvents.cache;
    if (!events) return [];
    return [...events.values()].map((e) => ({
      id: e.id,
      channelId: e.channelId,
      scheduledStart: e.scheduledStartTimestamp ?? 0,
      scheduledEnd: e.scheduledEndTimestamp,
      status: SCHEDULED_STATUS[e.status] ?? 'scheduled',
    }));
  }
}

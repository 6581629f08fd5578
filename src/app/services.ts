// The composition root: builds every service once and hands them out as one typed object.
import { AiQualitySignal, AiService, parsePriceTable, QualityScorer } from '../ai/index.ts';
import { ConfigError, type Env } from '../config/env.ts';
import type { DiscordBot } from '../discord/bot.ts';
import { Metrics } from '../metrics/metrics.ts';
import type { Logger } from '../log/logger.ts';
import { eventHorizon } from '../analytics/retention.ts';
import { errorMessage, type Database } from '../db/client.ts';
import { FailedEventStore } from '../pipeline/failed-events.ts';
import { GuildHealth } from '../pipeline/guild-health.ts';
import { IngestPipeline } from '../pipeline/ingest.ts';
import { AnalyticsAggregator } from '../analytics/aggregator.ts';
import { MilestoneChecker } from '../milestones/checker.ts';
import { EngineProcessor, type RuleErrorObserver } from '../pipeline/engine-processor.ts';
import { quarantineRule } from '../rules/rule-errors.ts';
import { ManualAwards } from '../pipeline/manual-awards.ts';
import { ConfigStore } from '../rules/config-store.ts';
import { systemClock, type Clock } from './clock.ts';
import { OpsCounters } from '../ops/ops-counters.ts';
import { Operations } from '../ops/operations.ts';
import { registerOpsMetrics } from '../ops/ops-metrics.ts';
import { OnboardingProcessor } from '../onboarding/processor.ts';
import { registerShardMetrics, type ShardReport } from '../discord/shards-status.ts';

export type DiscordStatus = 'disabled' | 'connecting' | 'ready';

export interface Services {
  readonly env: Env;
  readonly logger: Logger;
  readonly database: Database;
  readonly pipeline: IngestPipeline;
  readonly configs: ConfigStore;
  readonly engine: EngineProcessor;
  /** Manual awards that are applied, or refused leaving nothing behind. */
  readonly awards: ManualAwards;
  /** Events whose processing failed on its own, set aside for the operator (health view, retry). */
  readonly failedEvents: FailedEventStore;
  /** Guilds failing right now (rule errors, events set aside): /healthz says degraded while any is. */
  readonly health: GuildHealth;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly adminToken: string;
  /** Gemini features (off without GEMINI_API_KEY) and the AI cost ledger. */
  readonly ai: AiService;
  readonly quality: QualityScorer;
  /** The Discord bot, when DISCORD_TOKEN is set and the process has the `bot` role (started by startCairn). */
  readonly discord: DiscordBot | undefined;
  /** The pause switch, the ops log and channel, the AI probe and the health view. */
  readonly ops: Operations;
  discordStatus(): DiscordStatus;
  /** Each Discord shard this process holds (empty without a bot). */
  discordShards(): ShardReport[];
  close(): Promise<void>;
}

export interface ServiceOptions {
  env: Env;
  logger: Logger;
  database: Database;
  adminToken: string;
  clock?: Clock;
  metrics?: Metrics;
}

export async function createServices(options: ServiceOptions): Promise<Services> {
  const { env, logger, database, adminToken } = options;
  const configs = new ConfigStore(database, logger.child({ module: 'config' }));
  await configs.start();
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? new Metrics();
  const health = new GuildHealth(clock);
  metrics.failingGuilds = () => health.failing().length;
  const ai = createAi(env, database, logger, clock, (guildId, message) => void ops.log.report(guildId, 'ai_budget_exhausted', message, 'warning'));
  // The bot is built after the pipeline it feeds; ops reads it when asked.
  const running: { bot?: DiscordBot } = {};
  const engine = new EngineProcessor(configs, {
    logger: logger.child({ module: 'engine' }),
    milestones: new MilestoneChecker(),
    ruleErrors: ruleErrorObserver(database, configs, health, metrics, logger.child({ module: 'quarantine' }), () => ops),
  });
  const awards = new ManualAwards(database);
  const aggregator = new AnalyticsAggregator(configs);
  const counters = new OpsCounters();
  // Onboarding's own events (a step, the flow completed) go through the engine and the counters too.
  const onboarding = new OnboardingProcessor(configs, { logger: logger.child({ module: 'onboarding' }), downstream: [engine, aggregator, counters] });
  const ops: Operations = new Operations({
    database, processors: [engine, awards, onboarding], ai, clock, logger: logger.child({ module: 'ops' }),
    channelOf: async (guildId) => ((await configs.get(guildId)).settings.ops_channel_id as string | undefined) ?? null,
    discord: () => running.bot,
  });
  const pipeline = new IngestPipeline(database, [engine, awards, onboarding, aggregator, counters], {}, logger.child({ module: 'ingest' }));
  pipeline.usePause(ops.pause);
  registerOpsMetrics(metrics.registry, () => ops.signals.get());
  // Data sources: event types a guild switched off are not captured (manual awards always are).
  pipeline.useCapture(async (guildId) => {
    const capture = ((await configs.get(guildId)).settings.capture ?? {}) as Record<string, unknown>;
    return (type) => type === 'manual_award' || capture[type] !== false;
  });
  pipeline.useHorizon(async (guildId) => eventHorizon((await configs.get(guildId)).settings, clock.now().getTime(), env.CAIRN_RETENTION_DAYS));
  const failedEvents = new FailedEventStore(database.db);
  pipeline.useFailureSink({
    async record(failures) {
      for (const f of failures) {
        metrics.eventsIngested.inc({ outcome: 'failed', origin: f.origin });
        health.noteFailedEvent(f.event.guild_id, errorMessage(f.error));
        void ops.log.report(f.event.guild_id, 'event_failed', `event ${f.event.source_id} (${f.event.type}) was set aside: ${errorMessage(f.error)}`);
      }
      await failedEvents.record(failures);
    },
  });
  const quality = new QualityScorer(ai, { timeoutMs: env.CAIRN_AI_QUALITY_TIMEOUT_MS });
  if (ai.enabled) pipeline.useSignals(new AiQualitySignal(quality, configs));
  // discord.js is loaded only when a bot runs (a process with the `bot` role: CAIRN_ROLES).
  const discord = env.DISCORD_TOKEN && env.CAIRN_ROLES.includes('bot')
    ? new (await import('../discord/bot.ts')).DiscordBot({
        token: env.DISCORD_TOKEN,
        apiUrl: env.DISCORD_API_URL,
        privilegedIntents: env.DISCORD_PRIVILEGED_INTENTS,
        database,
        pipeline,
        awards,
        configs,
        clock,
        ai,
        logger: logger.child({ module: 'discord' }),
        batch: { onDropped: (count, reason) => metrics.gatewayEventsDropped.inc({ reason }, count) },
        ...(env.DISCORD_SHARD_COUNT === undefined ? {} : { shards: { count: env.DISCORD_SHARD_COUNT, ids: env.DISCORD_SHARDS ?? 'all' } }),
      })
    : undefined;
  if (discord) {
    const bot = (running.bot = discord);
    metrics.gatewayBuffered = () => bot.events.buffered;
    registerShardMetrics(metrics.registry, () => bot.shards.report());
    bot.outbox.onGaveUp = (row, reason) => {
      // A failed ops message is not reported to the ops channel again.
      if (row.payload.ops !== true) void ops.log.report(row.guildId, 'outbox_failed', `${row.kind} could not be delivered: ${reason}`);
    };
  }
  return {
    env,
    logger,
    database,
    pipeline,
    configs,
    engine,
    awards,
    failedEvents,
    health,
    metrics,
    clock,
    adminToken,
    ai,
    quality,
    discord,
    ops,
    discordStatus: () => discord?.status() ?? 'disabled',
    discordShards: () => discord?.shards.report() ?? [],
    async close() {
      await discord?.stop();
      await pipeline.settled();
      await ops.log.settled();
      await ai.settled();
      await configs.stop();
      await database.close();
    },
  };
}

/** Rule errors reach the health view and /metrics; a rule that keeps failing is quarantined. */
function ruleErrorObserver(database: Database, configs: ConfigStore, health: GuildHealth, metrics: Metrics, logger: Logger, ops: () => Operations): RuleErrorObserver {
  return {
    failed(guildId, error) {
      metrics.ruleErrors.inc();
      health.noteRuleError(guildId, error.rule, error.message);
      void ops().log.report(guildId, 'rule_error', `rule "${error.rule}" failed on event ${error.event}: ${error.message}`);
    },
    async quarantine(guildId, rule, reason) {
      const done = await database.db.transaction((tx) => quarantineRule(tx, guildId, rule.id, rule.version, reason));
      if (!done) return;
      metrics.rulesQuarantined.inc();
      void ops().log.report(guildId, 'rule_quarantined', `rule "${rule.rule.key}" was disabled: ${reason}`);
      logger.warn({ guildId, rule: rule.rule.key, reason }, 'rule quarantined: disabled until an admin enables it again');
      await configs.reload(guildId);
    },
  };
}

function createAi(env: Env, database: Database, logger: Logger, clock: Clock, onBudgetExhausted: (guildId: string, message: string) => void): AiService {
  let prices;
  try {
    prices = parsePriceTable(env.CAIRN_AI_PRICES);
  } catch (error) {
    throw new ConfigError([{ variable: 'CAIRN_AI_PRICES', message: (error as Error).message.replace(/^CAIRN_AI_PRICES /, '') }]);
  }
  return new AiService(
    { apiKey: env.GEMINI_API_KEY, model: env.GEMINI_MODEL, baseUrl: env.GEMINI_BASE_URL, timeoutMs: env.GEMINI_TIMEOUT_SECONDS * 1000, prices },
    { db: database.db, logger: logger.child({ module: 'ai' }), clock, onBudgetExhausted },
  );
}

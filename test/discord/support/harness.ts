// A running bot for tests: the real discord.js client against the fake Discord, over a test
// database with the real pipeline (engine, ledger, milestones). Logs are captured for assertions.
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { count, eq, sql } from 'drizzle-orm';
import type { Clock } from '../../../src/app/clock.ts';
import type { Database } from '../../../src/db/client.ts';
import { lakeEvents, transactions, wallets, currencies } from '../../../src/db/schema.ts';
import { DiscordBot, type DiscordBotOptions } from '../../../src/discord/bot.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { MilestoneChecker } from '../../../src/milestones/checker.ts';
import { EngineProcessor } from '../../../src/pipeline/engine-processor.ts';
import { IngestPipeline } from '../../../src/pipeline/ingest.ts';
import { ManualAwards } from '../../../src/pipeline/manual-awards.ts';
import { OnboardingProcessor } from '../../../src/onboarding/processor.ts';
import { importRecipe, parseRecipe } from '../../../src/presets/import.ts';
import { ConfigStore } from '../../../src/rules/config-store.ts';
import { saveRule } from '../../../src/rules/repository.ts';
import { FakeDiscord } from '../../support/fake-discord.ts';
import { GUILD, guild } from './payloads.ts';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface BotHarness {
  fake: FakeDiscord;
  bot: DiscordBot;
  configs: ConfigStore;
  pipeline: IngestPipeline;
  logs: LogLine[];
  /** Stops the bot (gracefully) and the configuration listener; the fake stays up unless `fake` too. */
  stop(options?: { fake?: boolean }): Promise<void>;
}

export interface HarnessOptions {
  fake?: FakeDiscord;
  guildPayload?: Record<string, unknown>;
  clock?: Clock;
  privilegedIntents?: string[];
  bot?: Partial<DiscordBotOptions>;
}

/** Starts a bot connected to a (new or given) fake Discord and waits until it is ready. */
export async function startBot(database: Database, options: HarnessOptions = {}): Promise<BotHarness> {
  const fake = options.fake ?? (await FakeDiscord.start({ guilds: [guild(options.guildPayload)] }));
  const logs: LogLine[] = [];
  const logger = createLogger(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
        done();
      },
    }),
  );
  const configs = new ConfigStore(database);
  await configs.start();
  const awards = new ManualAwards(database);
  const engine = new EngineProcessor(configs, { logger, milestones: new MilestoneChecker() });
  const pipeline = new IngestPipeline(database, [engine, awards, new OnboardingProcessor(configs, { logger, downstream: [engine] })], {}, logger);
  const bot = new DiscordBot({
    token: 'fake-token',
    apiUrl: fake.apiUrl,
    privilegedIntents: options.privilegedIntents ?? ['GuildMembers', 'MessageContent'],
    database,
    pipeline,
    awards,
    configs,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    clientOverrides: {
      ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) },
      rest: { retries: 1, timeout: 5_000 },
    },
    batch: { maxWaitMs: 5 },
    outbox: { intervalMs: 50, backoffBaseMs: 30, backoffMaxMs: 100 },
    ...options.bot,
  });
  await bot.start();
  await bot.ready();
  let stopped = false;
  return {
    fake,
    bot,
    configs,
    pipeline,
    logs,
    async stop(stopOptions = {}) {
      if (!stopped) {
        stopped = true;
        if (process.env.CAIRN_TEST_BOT_LOGS) for (const line of logs) console.log(JSON.stringify(line));
        await bot.stop();
        await configs.stop();
      }
      if (stopOptions.fake ?? true) await fake.close();
    },
  };
}

/** Polls until `check` returns a truthy value (or throws the last failure after `timeoutMs`). */
export async function until<T>(check: () => Promise<T> | T, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function lakeCount(database: Database, type?: string): Promise<number> {
  const [row] = await database.db.select({ n: count() }).from(lakeEvents).where(type ? eq(lakeEvents.type, type) : sql`true`);
  return row!.n;
}

/** Waits until the lake holds `n` events (of a type), then lets the batcher settle. */
export async function waitForLake(harness: BotHarness, database: Database, n: number, type?: string): Promise<void> {
  await until(async () => (await lakeCount(database, type)) >= n, 10_000, `${n} ${type ?? ''} lake events`);
  await harness.bot.events.flush();
}

/** Balances of a member per currency key. */
export async function balances(database: Database, userId: string, guildId = GUILD): Promise<Record<string, number>> {
  const rows = await database.db
    .select({ key: currencies.key, balance: wallets.balance })
    .from(wallets)
    .innerJoin(currencies, eq(currencies.id, wallets.currencyId))
    .where(sql`${wallets.guildId} = ${guildId} AND ${wallets.userId} = ${userId}`);
  return Object.fromEntries(rows.filter((r) => r.balance !== 0).map((r) => [r.key, r.balance]));
}

export async function transactionCount(database: Database): Promise<number> {
  const [row] = await database.db.select({ n: count() }).from(transactions);
  return row!.n;
}

export async function importClassic(database: Database, guildId = GUILD): Promise<void> {
  const recipe = parseRecipe(JSON.parse(readFileSync(new URL('../../../presets/classic.json', import.meta.url), 'utf8')));
  if (!recipe.ok) throw new Error(`classic preset does not parse: ${JSON.stringify(recipe.problems)}`);
  const imported = await importRecipe(database.db, guildId, recipe.recipe, { actor: 'test', allowUnbound: true });
  if (!imported.ok) throw new Error(`classic preset does not import: ${JSON.stringify(imported.problems)}`);
}

export async function saveRules(database: Database, documents: unknown[], guildId = GUILD): Promise<void> {
  for (const document of documents) {
    const saved = await saveRule(database.db, guildId, document, 'test');
    if (!saved.ok) throw new Error(`rule does not save: ${JSON.stringify(saved.problems)}`);
  }
}

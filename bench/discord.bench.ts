// The bot end to end: gateway dispatches from the fake Discord → discord.js → normalization → lake
// → engine (classic preset) → ledger, committed; and the bot's memory after 100,000 events and
// with 50,000 members in its guild. The bot runs in a child process (this file, with
// --discord-bench-bot) so its RSS is its own; the fake Discord runs here.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { Options } from 'discord.js';
import postgres from 'postgres';
import { openDatabase, type Database } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { DiscordBot } from '../src/discord/bot.ts';
import { silentLogger } from '../src/log/logger.ts';
import { MilestoneChecker } from '../src/milestones/checker.ts';
import { EngineProcessor } from '../src/pipeline/engine-processor.ts';
import { IngestPipeline } from '../src/pipeline/ingest.ts';
import { ManualAwards } from '../src/pipeline/manual-awards.ts';
import { ConfigStore } from '../src/rules/config-store.ts';
import { BOT_USER_ID, FakeDiscord } from '../test/support/fake-discord.ts';
import { CHANNEL, GUILD, VOICE_CHANNEL, guild, member, message, reaction, thread, voiceState } from '../test/discord/support/payloads.ts';
import { BENCH_PG_URL, importClassic, record, userId } from './support.ts';

type Kind = 'pglite' | 'postgres';
type Connection = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };

type ToBot = { type: 'start'; connection: Connection; apiUrl: string; defaultCaches?: boolean } | { type: 'await'; processed: number } | { type: 'measure' } | { type: 'stop' };
type FromBot =
  | { type: 'ready' }
  | { type: 'done' }
  | { type: 'memory'; rss: number; heapUsed: number; cachedMembers: number; memberRows: number; lost: number };

const MB = 1024 * 1024;
const TOTAL_EVENTS = 100_000;
const WARMUP = 2_000;
const BURST = 5_000;
const USERS = 2_000;
const MEMBERS = 50_000;

export async function benchDiscord(kind: Kind): Promise<void> {
  await benchThroughput(kind);
  await benchMembers(kind);
}

/** Events/s through the whole path, and RSS after 100,000 events. */
async function benchThroughput(kind: Kind): Promise<void> {
  const users = Array.from({ length: USERS }, (_, i) => userId(i));
  const fake = await FakeDiscord.start({ guilds: [guild({ members: [member(BOT_USER_ID, { user: { bot: true } }), ...users.map((u) => member(u))], member_count: USERS + 1 })] });
  const db = await prepareDatabase(kind, true);
  const bot = await startBotProcess(db.connection, fake.apiUrl);
  try {
    const traffic = gatewayTraffic(users);
    let sent = 0;
    const send = (n: number) => {
      for (let i = 0; i < n; i++) {
        const [t, d] = traffic.next().value!;
        fake.dispatch(t, d);
      }
      sent += n;
    };
    send(WARMUP);
    await bot.request({ type: 'await', processed: sent }, 'done');
    // Sent in bursts, each one as fast as the fake can, and the next once the bot has committed it:
    // the bot works flat out without a backlog of tens of thousands of frames building up.
    const started = performance.now();
    while (sent < TOTAL_EVENTS) {
      send(Math.min(BURST, TOTAL_EVENTS - sent));
      await bot.request({ type: 'await', processed: sent }, 'done');
    }
    const seconds = (performance.now() - started) / 1000;
    const memory = await bot.request({ type: 'measure' }, 'memory');
    record({ bench: 'discord', database: kind, case: 'gateway → discord.js → lake → engine → ledger, committed', value: (TOTAL_EVENTS - WARMUP) / seconds, unit: 'events/s', note: `${TOTAL_EVENTS - WARMUP} dispatches, classic preset, ${USERS} members; ${memory.lost} lost` });
    record({ bench: 'discord', database: kind, case: 'bot RSS after 100,000 events', value: memory.rss / MB, unit: 'MB', note: `heap ${(memory.heapUsed / MB).toFixed(0)} MB${kind === 'pglite' ? '; includes the embedded database' : ''}` });
  } finally {
    await bot.stop();
    await fake.close();
    await db.dispose();
  }
}

/** RSS with a 50,000-member guild: discord.js keeps few of them, the members table all. */
async function benchMembers(kind: Kind): Promise<void> {
  const members = [member(BOT_USER_ID, { user: { bot: true } }), ...Array.from({ length: MEMBERS }, (_, i) => member(userId(10_000 + i), { roles: [CHANNEL] }))];
  // For comparison, the same guild with discord.js's default (unbounded) member and user caches.
  for (const defaultCaches of [false, true]) {
    const fake = await FakeDiscord.start({ guilds: [guild({ members, member_count: members.length })] });
    const db = await prepareDatabase(kind, false);
    const started = performance.now();
    const bot = await startBotProcess(db.connection, fake.apiUrl, defaultCaches);
    try {
      const memory = await bot.request({ type: 'measure' }, 'memory');
      const seconds = (performance.now() - started) / 1000;
      record({
        bench: 'discord', database: kind, case: `bot RSS, ${MEMBERS.toLocaleString('en-US')} members${defaultCaches ? ' (discord.js default caches)' : ''}`, value: memory.rss / MB, unit: 'MB',
        note: `heap ${(memory.heapUsed / MB).toFixed(0)} MB; ${memory.cachedMembers} members kept by discord.js, ${memory.memberRows} rows in members; start to synced ${seconds.toFixed(1)} s`,
      });
    } finally {
      await bot.stop();
      await fake.close();
      await db.dispose();
    }
  }
}

/** An endless, realistic mix: 70% messages, 20% reactions, 5% threads, 5% voice joins/leaves. */
function* gatewayTraffic(users: string[]): Generator<[string, Record<string, unknown>]> {
  const recent: { id: string; author: string }[] = [];
  const inVoice = new Set<string>();
  let at = Date.parse('2026-11-22T10:00:00Z');
  for (let i = 0; ; i++) {
    at += 10;
    const user = users[(i * 7919) % users.length]!;
    const slot = i % 20;
    if (slot < 14 || recent.length === 0) {
      const payload = message({ author: user, channel: CHANNEL, content: `message ${i} with some words in it, about ${i % 97} things`, at: new Date(at).toISOString() });
      recent.push({ id: payload.id as string, author: user });
      if (recent.length > 500) recent.shift();
      yield ['MESSAGE_CREATE', payload];
    } else if (slot < 18) {
      const target = recent[(i * 31) % recent.length]!;
      yield ['MESSAGE_REACTION_ADD', reaction({ user, messageId: target.id, messageAuthor: target.author, emoji: { id: null, name: ['👍', '🎉', '❤️', '😂'][i % 4]! } })];
    } else if (slot === 18) {
      yield ['THREAD_CREATE', thread({ owner: user })];
    } else {
      const joined = inVoice.has(user);
      if (joined) inVoice.delete(user);
      else inVoice.add(user);
      yield ['VOICE_STATE_UPDATE', voiceState(user, joined ? null : VOICE_CHANNEL)];
    }
  }
}

async function prepareDatabase(kind: Kind, classic: boolean): Promise<{ connection: Connection; dispose(): Promise<void> }> {
  let connection: Connection;
  let dispose: () => Promise<void>;
  let database: Database;
  if (kind === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-discord-'));
    connection = { kind, dataDir: join(dir, 'db') };
    database = await openDatabase(connection);
    dispose = () => rm(dir, { recursive: true, force: true });
  } else {
    const name = `cairn_bench_discord_${Date.now().toString(36)}_${process.pid}`;
    const admin = postgres(BENCH_PG_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    const url = new URL(BENCH_PG_URL);
    url.pathname = `/${name}`;
    connection = { kind, url: url.toString() };
    database = await openDatabase({ kind, url: connection.url, poolSize: 2 });
    dispose = async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    };
  }
  await migrate(database);
  if (classic) {
    await importClassic(database.db, GUILD, { allowUnbound: true });
  }
  await database.close();
  return { connection, dispose };
}

interface BotProcess {
  request<T extends FromBot['type']>(message: ToBot, expect: T): Promise<Extract<FromBot, { type: T }>>;
  stop(): Promise<void>;
}

async function startBotProcess(connection: Connection, apiUrl: string, defaultCaches = false): Promise<BotProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--discord-bench-bot'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T extends FromBot['type']>(type: T) =>
    new Promise<Extract<FromBot, { type: T }>>((resolve, reject) => {
      const onMessage = (m: FromBot) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m as Extract<FromBot, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`the bot process exited (${code}) while waiting for "${type}"`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const request = <T extends FromBot['type']>(message: ToBot, type: T) => {
    const reply = next(type);
    child.send(message);
    return reply;
  };
  await request({ type: 'start', connection, apiUrl, defaultCaches }, 'ready');
  return {
    request,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' } satisfies ToBot);
      await exited;
    },
  };
}

/** The child: a bot as `npm start` would run it, reporting to the benchmark over IPC. */
async function botProcess(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  let bot: DiscordBot | undefined;
  let configs: ConfigStore | undefined;
  let database: Database | undefined;
  const send = (m: FromBot) => process.send!(m);
  process.on('message', async (m: ToBot) => {
    if (m.type === 'start') {
      database = m.connection.kind === 'postgres' ? await openDatabase({ kind: 'postgres', url: m.connection.url }) : await openDatabase({ kind: 'pglite', dataDir: m.connection.dataDir });
      configs = new ConfigStore(database);
      await configs.start();
      const awards = new ManualAwards(database);
      const pipeline = new IngestPipeline(database, [new EngineProcessor(configs, { logger: silentLogger, milestones: new MilestoneChecker() }), awards]);
      bot = new DiscordBot({
        token: 'bench-token',
        apiUrl: m.apiUrl,
        privilegedIntents: ['GuildMembers', 'MessageContent'],
        database,
        pipeline,
        awards,
        configs,
        logger: silentLogger,
        clientOverrides: {
          ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) },
          ...(m.defaultCaches ? { makeCache: Options.cacheWithLimits(Options.DefaultMakeCacheSettings) } : {}),
        },
      });
      await bot.start();
      await bot.ready();
      send({ type: 'ready' });
    } else if (m.type === 'await') {
      const stats = bot!.events.stats;
      while (stats.accepted + stats.duplicate + stats.rejected + stats.lost < m.processed) await new Promise((resolve) => setTimeout(resolve, 5));
      send({ type: 'done' });
    } else if (m.type === 'measure') {
      await bot!.events.flush();
      await bot!.members.flush();
      gc();
      gc();
      const rows = await database!.db.$count((await import('../src/db/schema.ts')).members);
      const cached = bot!.client.guilds.cache.get(GUILD)?.members.cache.size ?? 0;
      const { rss, heapUsed } = process.memoryUsage();
      send({ type: 'memory', rss, heapUsed, cachedMembers: cached, memberRows: rows, lost: bot!.events.stats.lost });
    } else if (m.type === 'stop') {
      await bot?.stop();
      await configs?.stop();
      await database?.close();
      process.exit(0);
    }
  });
}

if (process.argv.includes('--discord-bench-bot')) await botProcess();

// The real discord.js client against the fake Discord, with the database reached through a TCP
// proxy that is closed for a while: gateway events that arrive while the database is away are held
// and written, each exactly once, when it returns; beyond the buffer's cap the oldest are dropped,
// and the log and /metrics say so.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { Metrics } from '../../src/metrics/metrics.ts';
import { createTestApp } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { FakeDiscord } from '../support/fake-discord.ts';
import { importClassic, startBot, until, type BotHarness } from '../discord/support/harness.ts';
import { GUILD, guild, message } from '../discord/support/payloads.ts';
import { checkLake } from './support/lake-check.ts';
import { TcpProxy } from './support/tcp-proxy.ts';

let database: TestDatabase;
let proxy: TcpProxy;
let throughProxy: Database;
let harness: BotHarness | undefined;

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 4 });
  const server = new URL(database.url!);
  proxy = await TcpProxy.start({ host: server.hostname, port: Number(server.port || 5432) });
  throughProxy = await openDatabase({ kind: 'postgres', url: proxy.rewrite(database.url!), poolSize: 4 });
});
afterAll(async () => {
  await throughProxy.close();
  await proxy.close();
  await database.close();
});
beforeEach(async () => {
  await proxy.open();
  await resetDatabase(database);
  await importClassic(database);
});
afterEach(async () => {
  await proxy.open();
  await harness?.stop();
  harness = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Sends `count` messages from the gateway; returns their ids (the lake's source ids). */
function sendMessages(fake: FakeDiscord, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const payload = message({ author: i % 2 ? '987654321098765433' : '987654321098765432' });
    fake.dispatch('MESSAGE_CREATE', payload);
    return payload.id as string;
  });
}
const holding = (h: BotHarness) => h.logs.some((l) => l.msg.startsWith('database unreachable; holding gateway events'));

describe('gateway events while the database is away', () => {
  it('holds them past every retry and writes each exactly once when the database returns', async () => {
    // Short retries, so the old behaviour (give up after them) would show within the outage.
    harness = await startBot(throughProxy, { bot: { batch: { maxWaitMs: 5, retryDelaysMs: [50, 100], unavailableRetryMs: { first: 50, max: 400 } } } });
    const before = sendMessages(harness.fake, 5);
    await until(async () => (await checkLake(database, GUILD, before)).lost === 0, 10_000, 'the first messages');

    await proxy.close({ refuse: true });
    const during: string[] = [];
    for (let round = 0; round < 3; round++) {
      during.push(...sendMessages(harness.fake, 10));
      await sleep(700);
    }
    expect(harness.bot.events.stats.lost).toBe(0);
    expect(harness.bot.events.buffered).toBe(during.length);
    expect(holding(harness)).toBe(true);

    await proxy.open();
    await until(async () => (await checkLake(database, GUILD, during)).lost === 0, 15_000, 'the held messages');
    await harness.bot.events.flush();
    expect(await checkLake(database, GUILD, [...before, ...during])).toMatchObject({ lost: 0, doubled: 0, violations: [], walletsOff: 0 });
    expect(harness.bot.events.stats).toMatchObject({ lost: 0, accepted: before.length + during.length });
    expect(harness.logs.some((l) => l.msg.startsWith('database reachable again'))).toBe(true);
  });

  it('drops the oldest beyond the cap, with one clear error and a metric, and writes the rest', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    harness = await startBot(throughProxy, {
      bot: {
        batch: {
          maxWaitMs: 5,
          maxBuffered: 10,
          unavailableRetryMs: { first: 50, max: 400 },
          onDropped: (count, reason) => metrics.gatewayEventsDropped.inc({ reason }, count),
        },
      },
    });
    const bot = harness.bot;
    metrics.gatewayBuffered = () => bot.events.buffered;
    await proxy.close({ refuse: true });
    const [first] = sendMessages(harness.fake, 1);
    await until(() => holding(harness!), 10_000, 'the batcher to wait for the database');
    const rest = sendMessages(harness.fake, 24);
    await until(() => bot.events.pending === 10, 5_000, '10 queued events');

    const text = await metrics.registry.metrics();
    expect(text).toContain('cairn_gateway_events_dropped_total{reason="buffer_full"} 14');
    expect(text).toContain('cairn_gateway_events_buffered 11');
    expect(bot.events.stats.lost).toBe(14);
    expect(harness.logs.filter((l) => l.msg.startsWith('gateway event buffer full'))).toHaveLength(1);

    await proxy.open();
    const kept = [first!, ...rest.slice(-10)];
    await until(async () => (await checkLake(database, GUILD, kept)).lost === 0, 15_000, 'the kept messages');
    expect((await checkLake(database, GUILD, rest.slice(0, 14))).lost).toBe(14);
  });

  it('shows the held events in /metrics when Cairn runs the bot', async () => {
    const fake = await FakeDiscord.start({ guilds: [guild()] });
    const viaProxy = await openDatabase({ kind: 'postgres', url: proxy.rewrite(database.url!), poolSize: 2 });
    const { services, request } = await createTestApp(viaProxy, { DISCORD_TOKEN: 'fake-token', DISCORD_API_URL: fake.apiUrl });
    const buffered = async () => Number((await (await request('/metrics')).text()).match(/^cairn_gateway_events_buffered (\d+)$/m)?.[1]);
    try {
      await services.discord!.start();
      await services.discord!.ready();
      expect(await buffered()).toBe(0);
      await proxy.close({ refuse: true });
      const ids = sendMessages(fake, 3);
      await until(async () => (await buffered()) === 3, 10_000, 'three held events in /metrics');
      await proxy.open();
      await until(async () => (await checkLake(database, GUILD, ids)).lost === 0, 15_000, 'the held messages');
      await until(async () => (await buffered()) === 0, 5_000, 'an empty buffer in /metrics');
    } finally {
      await proxy.open();
      await services.close();
      await fake.close();
    }
  });
});

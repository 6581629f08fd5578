// One Cairn bot holds a set of Discord shards (discord.js `shards` + `shardCount`, no child
// processes). Two bots on one database split four shards of the fake Discord: each serves exactly the
// guilds of its shards (events, slash commands, reloads), a shard resumes on its own, and on
// Postgres the identify claim keeps two processes out of one rate-limit bucket within its window. (The same
// over separate processes, with kill -9, is test/cluster/cluster.test.ts, Postgres only.)
import { Events, SimpleIdentifyThrottler } from 'discord.js';
import { and, count, eq } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { lakeEvents, transactions } from '../../src/db/schema.ts';
import { saveCommand } from '../../src/custom-commands/repository.ts';
import { ClusterIdentifyThrottler, identifyThrottlerFor } from '../../src/discord/shards-identify.ts';
import { createLogger } from '../../src/log/logger.ts';
import { registerShardMetrics } from '../../src/discord/shards-status.ts';
import type { ShardPlan } from '../../src/discord/shards.ts';
import { APPLICATION_ID, FakeDiscord } from '../support/fake-discord.ts';
import { shardedGuilds, type ShardedGuild } from './shards-support.ts';
import { importClassic, startBot, until, type BotHarness } from './support/harness.ts';
import { ALICE, message } from './support/payloads.ts';
import { useDatabase } from './support/use-bot.ts';

const ctx = useDatabase({ preset: 'none' });
const GUILDS = shardedGuilds(4, 2);
const running: BotHarness[] = [];
let fake: FakeDiscord | undefined;

afterEach(async () => {
  for (const harness of running.splice(0)) await harness.stop({ fake: false });
  await fake?.close();
  fake = undefined;
});

const noIdentifyWait = { ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) }, rest: { retries: 1, timeout: 5_000 } };

/** A bot holding `ids` of 4 shards, with its own token (so the fake can tell whose requests are whose). */
async function startShardBot(name: string, ids: number[], options: { realThrottler?: boolean; holdMs?: number } = {}): Promise<BotHarness> {
  const shards: ShardPlan = { count: 4, ids };
  const harness = await startBot(ctx.database, {
    fake: fake!,
    bot: {
      token: `token-${name}`,
      shards,
      identify: { holdMs: options.holdMs ?? 5_000, pollMs: 20 },
      clientOverrides: options.realThrottler ? { rest: noIdentifyWait.rest } : noIdentifyWait,
    },
  });
  running.push(harness);
  return harness;
}

/** Guild ids of the MESSAGE_CREATE dispatches a bot's client received. */
function heardGuilds(harness: BotHarness): Set<string> {
  const heard = new Set<string>();
  harness.bot.client.on(Events.Raw, (packet: { t?: string; d?: { guild_id?: string } }) => {
    if (packet.t === 'MESSAGE_CREATE' && packet.d?.guild_id) heard.add(packet.d.guild_id);
  });
  return heard;
}

const commandPuts = (token: string) =>
  fake!
    .calls('PUT', new RegExp(`^/applications/${APPLICATION_ID}/guilds/\\d+/commands$`))
    .filter((r) => r.headers.authorization === `Bot ${token}`)
    .map((r) => r.path.split('/')[4]!);

const ids = (guilds: ShardedGuild[]) => guilds.map((g) => g.id).sort();

async function lakeByGuild(): Promise<Record<string, number>> {
  const rows = await ctx.database.db.select({ guildId: lakeEvents.guildId, n: count() }).from(lakeEvents).where(eq(lakeEvents.type, 'message_create')).groupBy(lakeEvents.guildId);
  return Object.fromEntries(rows.map((r) => [r.guildId, r.n]));
}

describe('two bots splitting four shards', () => {
  it('each holds its shards’ guilds only: GUILD_CREATE, events, slash commands; every event is paid once', async () => {
    fake = await FakeDiscord.start({ shards: 4, maxConcurrency: 4, guilds: GUILDS.map((g) => g.payload) });
    for (const g of GUILDS) await importClassic(ctx.database, g.id);
    const a = await startShardBot('a', [0, 1]);
    const b = await startShardBot('b', [2, 3]);
    const heardA = heardGuilds(a);
    const heardB = heardGuilds(b);
    const onA = GUILDS.filter((g) => g.shard < 2);
    const onB = GUILDS.filter((g) => g.shard >= 2);
    expect([...a.bot.client.guilds.cache.keys()].sort()).toEqual(ids(onA));
    expect([...b.bot.client.guilds.cache.keys()].sort()).toEqual(ids(onB));
    expect(a.bot.shardSet?.ids).toEqual([0, 1]);
    // Slash commands: each guild registered once, by the bot holding it.
    await until(() => commandPuts('token-a').length === 4 && commandPuts('token-b').length === 4, 10_000, 'command registration');
    expect(commandPuts('token-a').sort()).toEqual(ids(onA));
    expect(commandPuts('token-b').sort()).toEqual(ids(onB));

    const perGuild = 5;
    for (let i = 0; i < perGuild; i++) {
      for (const g of GUILDS) fake.dispatch('MESSAGE_CREATE', message({ guild: g.id, channel: g.channel, author: ALICE, content: `message ${i} in ${g.id} with enough words` }));
    }
    await until(async () => Object.values(await lakeByGuild()).reduce((x, y) => x + y, 0) === GUILDS.length * perGuild, 15_000, 'every message in the lake');
    expect(await lakeByGuild()).toEqual(Object.fromEntries(GUILDS.map((g) => [g.id, perGuild])));
    expect([...heardA].sort()).toEqual(ids(onA));
    expect([...heardB].sort()).toEqual(ids(onB));
    expect(a.bot.events.stats.accepted).toBe(onA.length * perGuild);
    expect(b.bot.events.stats.accepted).toBe(onB.length * perGuild);
    // The classic preset pays per message: one payment per event, in every guild.
    for (const g of GUILDS) {
      const [paid] = await ctx.database.db.select({ n: count() }).from(transactions).where(and(eq(transactions.guildId, g.id), eq(transactions.userId, ALICE)));
      expect(paid!.n, `payments in ${g.id}`).toBeGreaterThan(0);
    }
    // Each shard reports itself (/healthz and /metrics read this).
    const report = a.bot.shards.report();
    expect(report.map((s) => [s.id, s.status])).toEqual([[0, 'ready'], [1, 'ready']]);
    expect(report.every((s) => s.events > 0 && s.lastEventAt !== null)).toBe(true);
    const registry = new Registry();
    registerShardMetrics(registry, () => b.bot.shards.report());
    const text = await registry.metrics();
    expect(text).toContain('cairn_discord_shard_up{shard="2"} 1');
    expect(text).toContain('cairn_discord_shard_up{shard="3"} 1');
    expect(text).not.toContain('shard="0"');
  });

  it('a configuration change reaches both bots (NOTIFY) but only the one holding the guild re-registers its commands', async () => {
    fake = await FakeDiscord.start({ shards: 4, maxConcurrency: 4, guilds: GUILDS.map((g) => g.payload) });
    const a = await startShardBot('a', [0, 1]);
    await startShardBot('b', [2, 3]);
    await until(() => commandPuts('token-a').length === 4 && commandPuts('token-b').length === 4, 10_000, 'command registration');
    const target = GUILDS.find((g) => g.shard === 3)!;
    const saved = await ctx.database.db.transaction((tx) =>
      saveCommand(tx, target.id, { name: 'hello', description: 'Say hello', reply: { template: 'hello {member}', ephemeral: true } }, 'test'),
    );
    expect(saved.ok).toBe(true);
    // Both processes reload the guild's configuration; B, which holds it, sends the new set.
    await until(() => commandPuts('token-b').filter((id) => id === target.id).length === 2, 10_000, 'B re-registering');
    await until(async () => (await a.configs.get(target.id)).commands.some((c) => c.name === 'hello'), 10_000, 'A reloading');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(commandPuts('token-a').filter((id) => id === target.id)).toEqual([]);
    expect(commandPuts('token-a')).toHaveLength(4);
  });

  it('a dropped shard resumes on its own, receiving what it missed, while the other shards stay connected', async () => {
    fake = await FakeDiscord.start({ shards: 4, maxConcurrency: 4, guilds: GUILDS.map((g) => g.payload) });
    for (const g of GUILDS) await importClassic(ctx.database, g.id);
    const a = await startShardBot('a', [0, 1]);
    const identified = fake.identifies.length;
    const onShard1 = GUILDS.find((g) => g.shard === 1)!;
    const onShard0 = GUILDS.find((g) => g.shard === 0)!;
    fake.disconnect(4000, 1);
    expect(fake.shardConnected(0)).toBe(true);
    // Sent while shard 1 is away: kept for its RESUME.
    fake.dispatch('MESSAGE_CREATE', message({ guild: onShard1.id, channel: onShard1.channel, content: 'sent while shard 1 was away' }));
    fake.dispatch('MESSAGE_CREATE', message({ guild: onShard0.id, channel: onShard0.channel, content: 'shard 0 carries on' }));
    const resume = await fake.waitForOp(6);
    expect(resume.session_id).toBeTruthy();
    await until(async () => (await lakeByGuild())[onShard1.id] === 1 && (await lakeByGuild())[onShard0.id] === 1, 10_000, 'both messages in the lake');
    expect(fake.identifies.length).toBe(identified);
    expect(fake.shardConnected(1)).toBe(true);
    await until(() => a.bot.shards.report().every((s) => s.status === 'ready'), 5_000, 'shards ready');
  });
});

describe('the identify limit across processes', () => {
  it('never lets two bots identify in the same bucket (shard % max_concurrency) within the hold on Postgres; PGlite, one process by construction, keeps discord.js’s own limit', async () => {
    fake = await FakeDiscord.start({ shards: 4, maxConcurrency: 2, guilds: GUILDS.map((g) => g.payload) });
    if (ctx.database.kind === 'pglite') {
      const build = identifyThrottlerFor(ctx.database, createLogger({ level: 'silent' }));
      const manager = { fetchGatewayInformation: async () => ({ session_start_limit: { max_concurrency: 2 } }) };
      expect(await build(manager as never)).toBeInstanceOf(SimpleIdentifyThrottler);
      return;
    }
    const holdMs = 400;
    // Both start at once, as two processes on two machines would.
    await Promise.all([startShardBot('a', [0, 1], { realThrottler: true, holdMs }), startShardBot('b', [2, 3], { realThrottler: true, holdMs })]);
    expect(fake.identifies.map((i) => i.shard).sort()).toEqual([0, 1, 2, 3]);
    for (const bucket of [0, 1]) {
      const times = fake.identifies.filter((i) => i.shard % 2 === bucket).map((i) => i.at).sort((x, y) => x - y);
      expect(times).toHaveLength(2);
      // Shards 0 and 2 (bucket 0), 1 and 3 (bucket 1) belong to different bots: one waited for the other.
      expect(times[1]! - times[0]!, `bucket ${bucket}`).toBeGreaterThanOrEqual(holdMs - 20);
    }
  });

  it('a claimed bucket is refused to another process until its window passes, holding nothing meanwhile', async () => {
    const logger = createLogger({ level: 'silent' });
    const first = new ClusterIdentifyThrottler(ctx.database, 2, logger, { holdMs: 300, pollMs: 10 });
    const second = new ClusterIdentifyThrottler(ctx.database, 2, logger, { holdMs: 300, pollMs: 10 });
    const signal = new AbortController().signal;
    const started = Date.now();
    await first.waitForIdentify(0, signal);
    // Shard 1 is another bucket: no wait.
    await second.waitForIdentify(1, signal);
    expect(Date.now() - started).toBeLessThan(250);
    // Shard 2 shares shard 0's bucket: it waits out the window.
    await second.waitForIdentify(2, signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    // An abort (the shard is being destroyed) ends the wait.
    const aborting = new AbortController();
    const waiting = first.waitForIdentify(0, aborting.signal);
    aborting.abort(new Error('shard destroyed'));
    await expect(waiting).rejects.toThrow('shard destroyed');
  });
});

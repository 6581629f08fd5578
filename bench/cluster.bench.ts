// Cairn over several gateway processes on one Postgres: `bin/start.js` processes, each holding a
// share of the fake Discord's four shards. Figures: end-to-end events/s (fake gateway → committed in
// the lake, ledger paid) with 1, 2 and 4 processes; gateway → commit latency at a steady 1,000
// events/s (received_at − the message's timestamp); time for a process killed with kill -9 and
// started again to commit its first event. PGlite is one process by construction: Postgres only.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, eq, sql } from 'drizzle-orm';
import { queryRows } from '../src/db/client.ts';
import { lakeEvents } from '../src/db/schema.ts';
import { saveRule } from '../src/rules/repository.ts';
import { shardedGuilds, type ShardedGuild } from '../test/discord/shards-support.ts';
import { message } from '../test/discord/support/payloads.ts';
import { seedGuild } from '../test/support/factories.ts';
import { FakeDiscord } from '../test/support/fake-discord.ts';
import { startProcess, type StartedProcess } from '../test/support/process.ts';
import { BENCH_PG_URL, freshDatabase, percentile, record, type BenchDatabase } from './support.ts';

const THROUGHPUT_EVENTS = 20_000;
const STEADY_RATE = 1_000;
const STEADY_SECONDS = 10;
const SPLITS: Record<number, string[]> = { 1: ['0-3'], 2: ['0-1', '2-3'], 4: ['0', '1', '2', '3'] };
const GUILDS = shardedGuilds(4, 2);
const USERS = ['987654321098765432', '987654321098765433', '987654321098765434', '987654321098765435'];

interface Cluster {
  bench: BenchDatabase;
  url: string;
  fake: FakeDiscord;
  nodes: StartedProcess[];
  dirs: string[];
}

async function startNode(cluster: Cluster, shards: string): Promise<StartedProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-cluster-bench-'));
  cluster.dirs.push(dir);
  const proc = startProcess(['bin/start.js'], {
    DATA_DIR: dir,
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATABASE_URL: cluster.url,
    CAIRN_ADMIN_TOKEN: 'cluster-bench-token-0123456789',
    CAIRN_DEMO_GUILD: 'false',
    DISCORD_TOKEN: `token-${shards}`,
    DISCORD_API_URL: cluster.fake.apiUrl,
    DISCORD_SHARD_COUNT: '4',
    DISCORD_SHARDS: shards,
  });
  const [, url] = await proc.waitFor(/Cairn is running at (http:\/\/\S+)/, 60_000);
  for (const started = Date.now(); ; ) {
    const health = (await (await fetch(`${url}/healthz`)).json()) as { discord: string };
    if (health.discord === 'ready') break;
    if (Date.now() - started > 60_000) throw new Error(`process for shards ${shards} not ready`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return proc;
}

async function startCluster(processes: number): Promise<Cluster> {
  const bench = await freshDatabase('postgres', 4);
  const url = new URL(BENCH_PG_URL);
  url.pathname = `/${bench.database.name}`;
  for (const g of GUILDS) {
    await seedGuild(bench.database, { guildId: g.id, currencies: [{ key: 'xp' }] });
    await saveRule(bench.database.db, g.id, { key: 'msg', name: 'msg', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 1 }] }, 'bench');
  }
  const fake = await FakeDiscord.start({ shards: 4, maxConcurrency: 4, guilds: GUILDS.map((g) => g.payload) });
  const cluster: Cluster = { bench, url: url.toString(), fake, nodes: [], dirs: [] };
  cluster.nodes = await Promise.all(SPLITS[processes]!.map((shards) => startNode(cluster, shards)));
  return cluster;
}

async function stopCluster(cluster: Cluster): Promise<void> {
  for (const node of cluster.nodes) {
    if (node.child.exitCode === null && node.child.signalCode === null) {
      node.child.kill('SIGTERM');
      await node.exited;
    }
  }
  await cluster.fake.close();
  await cluster.bench.dispose();
  for (const dir of cluster.dirs) await rm(dir, { recursive: true, force: true });
}

const lakeMessages = async (cluster: Cluster) => (await cluster.bench.database.db.select({ n: count() }).from(lakeEvents).where(eq(lakeEvents.type, 'message_create')))[0]!.n;

async function waitForLake(cluster: Cluster, n: number, timeoutMs = 300_000): Promise<void> {
  for (const started = Date.now(); (await lakeMessages(cluster)) < n; ) {
    if (Date.now() - started > timeoutMs) throw new Error(`only ${await lakeMessages(cluster)} of ${n} events committed`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let sent = 0;
const send = (fake: FakeDiscord, g: ShardedGuild) => fake.dispatch('MESSAGE_CREATE', message({ at: new Date().toISOString(), guild: g.id, channel: g.channel, author: USERS[sent++ % USERS.length]!, content: 'a message with a few words in it' }));

/** Sends `rate` events/s spread over the guilds for `seconds`, every ~10 ms. */
async function steady(fake: FakeDiscord, rate: number, seconds: number, guilds = GUILDS, stop?: () => boolean): Promise<number> {
  // Paced by the clock, not by the ticks: a late tick sends what fell due meanwhile.
  let n = 0;
  const started = performance.now();
  for (let elapsed = 0; elapsed < seconds * 1000 && !stop?.(); elapsed = performance.now() - started) {
    const due = Math.floor((elapsed / 1000) * rate);
    while (n < due) send(fake, guilds[n++ % guilds.length]!);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return n;
}

async function throughput(processes: number): Promise<void> {
  const cluster = await startCluster(processes);
  try {
    const started = performance.now();
    for (let i = 0; i < THROUGHPUT_EVENTS; i++) {
      send(cluster.fake, GUILDS[i % GUILDS.length]!);
      if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
    }
    await waitForLake(cluster, THROUGHPUT_EVENTS);
    const seconds = (performance.now() - started) / 1000;
    record({ bench: 'cluster', database: 'postgres', case: `gateway → commit, ${processes} process(es) over 4 shards`, value: THROUGHPUT_EVENTS / seconds, unit: 'events/s', note: `${THROUGHPUT_EVENTS} messages, 8 guilds, one credit rule` });
  } finally {
    await stopCluster(cluster);
  }
}

async function latencyAndTakeover(): Promise<void> {
  const cluster = await startCluster(2);
  try {
    const since = new Date();
    const n = await steady(cluster.fake, STEADY_RATE, STEADY_SECONDS);
    await waitForLake(cluster, n);
    const rows = await queryRows<{ ms: number }>(
      cluster.bench.database.db,
      sql`SELECT extract(epoch FROM (received_at - occurred_at)) * 1000 AS ms FROM lake_events WHERE type = 'message_create' AND occurred_at >= ${since.toISOString()}::timestamptz ORDER BY 1`,
    );
    const ms = rows.map((r) => Number(r.ms));
    record({ bench: 'cluster', database: 'postgres', case: `gateway → commit latency p50 at ${STEADY_RATE} events/s`, value: percentile(ms, 50), unit: 'ms', note: `${n} events, 2 processes` });
    record({ bench: 'cluster', database: 'postgres', case: `gateway → commit latency p99 at ${STEADY_RATE} events/s`, value: percentile(ms, 99), unit: 'ms', note: `max ${ms.at(-1)?.toFixed(1)} ms` });

    // Takeover: kill -9 the process holding shards 0-1 under load, start it again, and time from the
    // new process's start to the first event of its guilds committed.
    const victim = cluster.nodes[0]!;
    const ownGuilds = GUILDS.filter((g) => g.shard < 2);
    let stop = false;
    const load = steady(cluster.fake, STEADY_RATE, 120, GUILDS, () => stop);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    victim.child.kill('SIGKILL');
    await victim.exited;
    const restartAt = new Date();
    const restarted = startNode(cluster, '0-1');
    let firstMs: number | undefined;
    for (const t0 = Date.now(); firstMs === undefined && Date.now() - t0 < 60_000; ) {
      const [row] = await queryRows<{ at: string | null }>(
        cluster.bench.database.db,
        sql`SELECT min(received_at)::text AS at FROM lake_events WHERE received_at > ${restartAt.toISOString()}::timestamptz AND guild_id IN (${sql.join(ownGuilds.map((g) => sql`${g.id}`), sql`, `)})`,
      );
      if (row?.at) firstMs = Date.parse(row.at) - restartAt.getTime();
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    cluster.nodes[0] = await restarted;
    stop = true;
    await load;
    record({ bench: 'cluster', database: 'postgres', case: 'takeover: kill -9, restart → first event committed', value: firstMs ?? Number.NaN, unit: 'ms', note: 'process start, migrations check, IDENTIFY of 2 shards, first batch; under 1,000 events/s' });
  } finally {
    await stopCluster(cluster);
  }
}

export async function benchCluster(kind: 'pglite' | 'postgres'): Promise<void> {
  if (kind !== 'postgres') {
    console.log('  pglite   (one process per embedded database: the cluster runs on Postgres only)');
    return;
  }
  for (const processes of [1, 2, 4]) await throughput(processes);
  await latencyAndTakeover();
}

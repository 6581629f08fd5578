// End to end: validated events → lake + engine (classic preset) + ledger, committed. One event per
// transaction (10 concurrent) and batched; single-event HTTP requests (10 and 50 in flight, the
// real app over real HTTP, load from a separate process); and hot reload, from a committed rule
// change to the engine's swapped configuration.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { EngineProcessor } from '../src/pipeline/engine-processor.ts';
import { IngestPipeline } from '../src/pipeline/ingest.ts';
import { ConfigStore } from '../src/rules/config-store.ts';
import { saveRule } from '../src/rules/repository.ts';
import { syntheticEvents } from './engine.bench.ts';
import { sql } from 'drizzle-orm';
import { BENCH_TOKEN, startBenchApp, type BenchApp } from './app-server.ts';
import { startCeilingServer } from './single-ceiling.ts';
import { BENCH_PG_URL, freshDatabase, importClassic, percentile, record, runConcurrent } from './support.ts';

const GUILD = '1160511689263947796';

export async function benchPipeline(kind: 'pglite' | 'postgres'): Promise<void> {
  await benchSingleEventRequests(kind);
  if (kind === 'postgres') await benchSingleEventBigGuild();
  if (kind === 'postgres') await benchSingleEventCeiling();
  if (process.env.BENCH_PIPELINE_SINGLES_ONLY) return;
  const { database, dispose } = await freshDatabase(kind);
  try {
    // Four guilds (as four shards' worth of traffic would be); each guild's batches are serial.
    const guilds = [GUILD, '1160511689263947797', '1160511689263947798', '1160511689263947799'];
    for (const guild of guilds) await importClassic(database.db, guild);
    const store = new ConfigStore(database);
    await store.start();
    const pipeline = new IngestPipeline(database, [new EngineProcessor(store)]);
    const total = kind === 'postgres' ? 60_000 : 30_000;
    const events = syntheticEvents(total + 5000, 11);
    let offset = 0;
    const take = (n: number) => events.slice(offset, (offset += n));
    await pipeline.ingestEvents(take(500), 'api'); // warm-up

    const single = kind === 'postgres' ? 3000 : 1500;
    const singles = take(single);
    const s1 = await runConcurrent(single, 10, (i) => pipeline.ingestEvents([singles[i]!], 'api'));
    record({ bench: 'pipeline', database: kind, case: 'end to end, one event per transaction (10 concurrent)', value: single / s1, unit: 'events/s' });

    for (const [size, concurrency] of [[100, 1], [500, 1], [100, 4], [500, 4]] as const) {
      const count = Math.min(kind === 'postgres' ? 20_000 : 10_000, events.length - offset);
      const batch = take(count);
      // With concurrency, batch b goes to guild b % concurrency: concurrent batches are different guilds' traffic.
      const batches = Array.from({ length: Math.ceil(count / size) }, (_, b) =>
        batch.slice(b * size, (b + 1) * size).map((e) => ({ ...e, guild_id: guilds[b % concurrency]! })),
      );
      const latencies: number[] = [];
      const s = await runConcurrent(batches.length, concurrency, async (b) => {
        const t = performance.now();
        await pipeline.ingestEvents(batches[b]!, 'api');
        latencies.push(performance.now() - t);
      });
      latencies.sort((a, b) => a - b);
      record({
        bench: 'pipeline', database: kind, case: `end to end, batches of ${size} (${concurrency === 1 ? '1 guild' : `${concurrency} guilds concurrently`})`, value: count / s, unit: 'events/s',
        note: `batch commit median ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms`,
      });
    }

    // Hot reload: a saved rule → NOTIFY on commit → the engine's configuration swapped.
    const delays: number[] = [];
    for (let i = 0; i < 60; i++) {
      const before = store.reloadCount;
      const started = performance.now();
      await saveRule(database.db, GUILD, { key: 'bench.reload', name: 'reload', trigger: { events: ['command'] }, effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: i + 1 }] }, 'bench');
      const committed = performance.now();
      while (store.reloadCount === before) await new Promise((r) => setImmediate(r));
      delays.push(performance.now() - committed);
      void started;
    }
    delays.sort((a, b) => a - b);
    record({ bench: 'pipeline', database: kind, case: 'hot reload: commit → compiled rules swapped', value: percentile(delays, 50), unit: 'ms median', note: `p99 ${percentile(delays, 99).toFixed(1)} ms over ${delays.length} changes` });
    await store.stop();
  } finally {
    await dispose();
  }
}

/**
 * An integration posting one event per request (a webhook, a game server): the whole app (every
 * processor, the pause gate, capture and horizon checks) behind a real HTTP server, with 10 and 50
 * requests in flight from a separate process, each request one classic-preset message event.
 */
async function benchSingleEventRequests(kind: 'pglite' | 'postgres'): Promise<void> {
  const app = await startBenchApp(kind, GUILD);
  try {
    const url = `${app.guildUrl}/events`;
    const requests = Number(process.env.BENCH_SINGLE_REQUESTS ?? (kind === 'postgres' ? 3000 : 1500));
    let firstSource = 1_400_000_000_000_000_000n;
    for (const concurrency of singleConcurrencies()) {
      const cpu = process.cpuUsage();
      const postgresBefore = kind === 'postgres' ? postgresCpuMs() : undefined;
      const groupsBefore = app.services.pipeline.groupStats;
      const stats = await postSingles({ url, token: BENCH_TOKEN, guild: GUILD, firstSource: String(firstSource), requests, concurrency, warmup: 200 });
      const used = process.cpuUsage(cpu);
      const groupsAfter = app.services.pipeline.groupStats;
      const perTransaction = (groupsAfter.submissions - groupsBefore.submissions) / Math.max(1, groupsAfter.groups - groupsBefore.groups);
      const cpuMsPerEvent = (used.user + used.system) / 1000 / (requests + 200);
      const postgresAfter = kind === 'postgres' ? postgresCpuMs() : undefined;
      const postgresMsPerEvent = postgresBefore !== undefined && postgresAfter !== undefined ? (postgresAfter - postgresBefore) / (requests + 200) : undefined;
      firstSource += BigInt(requests + 1000);
      if (stats.failures > 0) throw new Error(`single-event requests: ${stats.failures} of ${requests} failed ${stats.errors.join(', ')}`);
      // CPU per event of the server, the load generator and Postgres: on one machine their sum over
      // its cores is the ceiling (the server alone also has one thread).
      const cpuNote = `CPU per event: server ${cpuMsPerEvent.toFixed(2)} ms, client ${stats.cpuMsPerRequest.toFixed(2)} ms${postgresMsPerEvent === undefined ? '' : `, Postgres ${postgresMsPerEvent.toFixed(2)} ms`}`;
      const note = `${requests} requests; latency p50 ${stats.p50.toFixed(1)} ms, p99 ${stats.p99.toFixed(1)} ms; ${cpuNote}; ${perTransaction.toFixed(1)} requests per transaction`;
      record({ bench: 'pipeline', database: kind, case: `single-event HTTP requests (${concurrency} in flight)`, value: stats.throughput, unit: 'events/s', note });
    }
    // The same requests' ingest called in the process, without HTTP: what the transaction path
    // allows on its own, whatever the HTTP layer costs.
    for (const concurrency of singleConcurrencies()) {
      const run = await ingestInProcess(app, kind, { requests, concurrency, firstSource, members: 500 });
      firstSource += BigInt(requests + 1000);
      const note = `${requests} calls in ${run.seconds.toFixed(1)} s; CPU per event: ${run.cpuNote}; ${run.perTransaction.toFixed(1)} calls per transaction`;
      record({ bench: 'pipeline', database: kind, case: `single-event ingest() in the process, no HTTP (${concurrency} in flight)`, value: requests / run.seconds, unit: 'events/s', note });
    }
  } finally {
    await app.close();
  }
}

/**
 * Single events in a guild of 50,000 members who each have wallets, a recent firing of every rule
 * and a week of counters: what a batch locks and reads must stay its own members' rows (see
 * test/pipeline/batch-reads-scale.test.ts), so the rate should be the small guild's.
 */
async function benchSingleEventBigGuild(): Promise<void> {
  const app = await startBenchApp('postgres', GUILD);
  try {
    const members = 50_000;
    const db = app.database.db;
    const ids = sql`SELECT 900000000000000001 + n AS id FROM generate_series(0, ${members - 1}) AS n`;
    const seeded = performance.now();
    await db.execute(sql`INSERT INTO wallets (guild_id, user_id, currency_id, balance, lifetime_earned)
      SELECT ${GUILD}, m.id, c.id, 100, 100 FROM (${ids}) AS m CROSS JOIN currencies c WHERE c.guild_id = ${GUILD}`);
    await db.execute(sql`INSERT INTO rule_firings (guild_id, rule_id, rule_version, actor_id, channel_id, at)
      SELECT ${GUILD}, r.id, 1, m.id, 705, now() - interval '30 seconds' FROM (${ids}) AS m CROSS JOIN rules r WHERE r.guild_id = ${GUILD}`);
    await db.execute(sql`INSERT INTO event_counters_daily (guild_id, user_id, event_type, side, day, count, value_sum)
      SELECT ${GUILD}, m.id, 'message_create', 'actor', current_date - d, 3, 900 FROM (${ids}) AS m CROSS JOIN generate_series(0, 6) AS d`);
    await db.execute(sql`INSERT INTO event_counters_total (guild_id, user_id, event_type, side, channel_id, count, value_sum)
      SELECT ${GUILD}, m.id, 'message_create', 'actor', 705, 21, 6300 FROM (${ids}) AS m`);
    await db.execute(sql`ANALYZE`);
    const seedSeconds = (performance.now() - seeded) / 1000;
    const requests = Number(process.env.BENCH_SINGLE_REQUESTS ?? 3000);
    let firstSource = 1_700_000_000_000_000_000n;
    for (const concurrency of singleConcurrencies()) {
      const run = await ingestInProcess(app, 'postgres', { requests, concurrency, firstSource, members, spread: 97 });
      firstSource += BigInt(requests + 1000);
      record({
        bench: 'pipeline', database: 'postgres', case: `single-event ingest() in the process, a guild of 50,000 members (${concurrency} in flight)`, value: requests / run.seconds, unit: 'events/s',
        note: `${requests} calls, members spread over the guild; CPU per event: ${run.cpuNote}; their wallets, firings and counters seeded in ${seedSeconds.toFixed(1)} s`,
      });
    }
  } finally {
    await app.close();
  }
}

/**
 * The same load against a bare server that only group-commits one row per request
 * (single-ceiling.ts): what this machine allows a single-event path at all, Cairn's work aside.
 */
async function benchSingleEventCeiling(): Promise<void> {
  const server = await startCeilingServer(BENCH_PG_URL, Number(process.env.BENCH_CEILING_IN_FLIGHT ?? 2));
  try {
    let firstSource = 1_500_000_000_000_000_000n;
    for (const concurrency of singleConcurrencies()) {
      const requests = Number(process.env.BENCH_SINGLE_REQUESTS ?? 3000);
      const cpu = process.cpuUsage();
      const postgresBefore = postgresCpuMs();
      const before = server.stats();
      const stats = await postSingles({ url: server.url, token: BENCH_TOKEN, guild: GUILD, firstSource: String(firstSource), requests, concurrency, warmup: 200 });
      const used = process.cpuUsage(cpu);
      const postgresAfter = postgresCpuMs();
      const after = server.stats();
      firstSource += BigInt(requests + 1000);
      if (stats.failures > 0) throw new Error(`ceiling requests: ${stats.failures} of ${requests} failed ${stats.errors.join(', ')}`);
      const postgresNote = postgresBefore !== undefined && postgresAfter !== undefined ? `, Postgres ${((postgresAfter - postgresBefore) / (requests + 200)).toFixed(2)} ms` : '';
      const note = `latency p50 ${stats.p50.toFixed(1)} ms, p99 ${stats.p99.toFixed(1)} ms; CPU per event: server ${((used.user + used.system) / 1000 / (requests + 200)).toFixed(2)} ms, client ${stats.cpuMsPerRequest.toFixed(2)} ms${postgresNote}; ${((after.requests - before.requests) / Math.max(1, after.groups - before.groups)).toFixed(1)} requests per transaction`;
      record({ bench: 'pipeline', database: 'postgres', case: `ceiling: bare node:http + one INSERT per group commit (${concurrency} in flight)`, value: stats.throughput, unit: 'events/s', note });
    }
  } finally {
    await server.close();
  }
}

/** The numbers of requests in flight to measure (BENCH_SINGLE_CONCURRENCY=10 measures one level alone). */
function singleConcurrencies(): number[] {
  return process.env.BENCH_SINGLE_CONCURRENCY ? [Number(process.env.BENCH_SINGLE_CONCURRENCY)] : [10, 50];
}

/**
 * The whole app's ingest of single events called in this process, `concurrency` at a time: seconds
 * taken, CPU per event (this process, and Postgres when it runs here) and calls per transaction.
 * Members are `i * spread % members`.
 */
async function ingestInProcess(app: BenchApp, kind: 'pglite' | 'postgres', o: { requests: number; concurrency: number; firstSource: bigint; members: number; spread?: number }) {
  const cpu = process.cpuUsage();
  const postgresBefore = kind === 'postgres' ? postgresCpuMs() : undefined;
  const groupsBefore = app.services.pipeline.groupStats;
  let source = o.firstSource;
  const seconds = await runConcurrent(o.requests, o.concurrency, async (i) => {
    const result = await app.services.pipeline.ingest([singleEvent(String(++source), i * (o.spread ?? 1), o.members)], { origin: 'api', guildId: GUILD, atomic: true });
    if (result.accepted !== 1) throw new Error(`in-process ingest: ${JSON.stringify(result.events[0])}`);
  });
  const used = process.cpuUsage(cpu);
  const postgresAfter = kind === 'postgres' ? postgresCpuMs() : undefined;
  const groupsAfter = app.services.pipeline.groupStats;
  const postgresNote = postgresBefore !== undefined && postgresAfter !== undefined ? `, Postgres ${((postgresAfter - postgresBefore) / o.requests).toFixed(2)} ms` : '';
  return {
    seconds,
    cpuNote: `process ${((used.user + used.system) / 1000 / o.requests).toFixed(2)} ms${postgresNote}`,
    perTransaction: (groupsAfter.submissions - groupsBefore.submissions) / Math.max(1, groupsAfter.groups - groupsBefore.groups),
  };
}

/** One classic-preset message event, as the load generator below builds it (from 500 members unless told). */
function singleEvent(sourceId: string, i: number, members = 500) {
  return {
    source_id: sourceId, type: 'message_create', guild_id: GUILD, actor_id: String(900000000000000001n + BigInt(i % members)), channel_id: '705',
    occurred_at: new Date(Date.now() - 60000 + (i % 60) * 1000).toISOString(),
    data: { length: 240 + (i % 400), has_code_block: i % 7 === 0, has_link: i % 5 === 0, has_attachment: false, attachment_count: 0, emoji_count: i % 9, is_reply: false },
  };
}

/** The load generator, run as `node --input-type=module -e` with its configuration as argument. */
const SINGLES_CLIENT = `
const c = JSON.parse(process.argv[1]);
let sid = BigInt(c.firstSource);
const body = (i) => JSON.stringify({
  source_id: String(++sid), type: 'message_create', guild_id: c.guild, actor_id: String(900000000000000001n + BigInt(i % 500)), channel_id: '705',
  occurred_at: new Date(Date.now() - 60000 + (i % 60) * 1000).toISOString(),
  data: { length: 240 + (i % 400), has_code_block: i % 7 === 0, has_link: i % 5 === 0, has_attachment: false, attachment_count: 0, emoji_count: i % 9, is_reply: false } });
// node:http with kept-alive connections: fetch (undici) cost this client 0.8 ms of CPU per request,
// taken from the server and Postgres on the same machine; a real integration runs elsewhere.
const http = await import('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: c.concurrency });
const target = new URL(c.url);
const post = (text) => new Promise((resolve, reject) => {
  const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST',
    headers: { Authorization: 'Bearer ' + c.token, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) } }, (res) => {
    const chunks = [];
    res.on('data', (d) => chunks.push(d));
    res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
    res.on('error', reject);
  });
  req.on('error', reject);
  req.end(text);
});
const errors = [];
const one = async (i) => {
  const t = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await post(body(i));
      const answer = JSON.parse(res.text);
      const ok = res.status === 200 && answer.accepted === 1;
      if (!ok) errors.push(res.status + ' ' + res.text.slice(0, 200));
      return { ms: performance.now() - t, ok };
    } catch (error) {
      if (attempt < 2 && error.code === 'ECONNRESET') continue;
      errors.push(String(error.code ?? error.message));
      return { ms: performance.now() - t, ok: false };
    }
  }
};
let n = 0;
async function run(count) {
  const out = []; let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: c.concurrency }, async () => { while (next < count) { next++; out.push(await one(n++)); } }));
  return { out, seconds: (performance.now() - started) / 1000 };
}
await run(c.warmup);
errors.length = 0;
const cpu = process.cpuUsage();
const { out, seconds } = await run(c.requests);
const used = process.cpuUsage(cpu);
const ms = out.map((o) => o.ms).sort((a, b) => a - b);
const at = (p) => ms[Math.min(ms.length - 1, Math.floor(p / 100 * ms.length))];
process.stdout.write(JSON.stringify({ p50: at(50), p99: at(99), throughput: c.requests / seconds, cpuMsPerRequest: (used.user + used.system) / 1000 / c.requests, failures: out.filter((o) => !o.ok).length, errors: [...new Set(errors)].slice(0, 5) }));
`;

interface SinglesStats {
  p50: number;
  cpuMsPerRequest: number;
  p99: number;
  throughput: number;
  failures: number;
  errors: string[];
}

function postSingles(config: { url: string; token: string; guild: string; firstSource: string; requests: number; concurrency: number; warmup: number }): Promise<SinglesStats> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SINGLES_CLIENT, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as SinglesStats) : reject(new Error(`load client exited ${code}: ${err}`))));
  });
}

/** CPU time (ms) used so far by the PostgreSQL server's processes on this machine (Linux /proc), if readable. */
function postgresCpuMs(): number | undefined {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      const close = stat.lastIndexOf(')');
      if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
      const fields = stat.slice(close + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    }
    return ticks * 10; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

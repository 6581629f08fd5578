// The admin API over real HTTP (the same Hono app and node server as `npm start`): latency p50/p99
// of POST dry-run, GET leaderboard and GET overview with 50 requests in flight, on a guild
// configured with the classic preset, 20,000 members holding xp, stars and gold, and 30 days of
// ledger history. The load comes from a separate Node
// process (as real clients would): in one process, the client's own response handling would queue
// behind the server's work (PGlite runs queries on the event loop) and inflate the tail.
import { spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { BENCH_TOKEN, startBenchApp } from './app-server.ts';
import { record, userId } from './support.ts';

const GUILD = '1160511689263947796';
const MEMBERS = 20_000;
const TRANSACTIONS = Number(process.env.BENCH_API_TRANSACTIONS ?? 300_000);
const CONCURRENCY = Number(process.env.BENCH_API_CONCURRENCY ?? 50);
const REQUESTS = Number(process.env.BENCH_API_REQUESTS ?? 3000);

export async function benchApi(kind: 'pglite' | 'postgres'): Promise<void> {
  const app = await startBenchApp(kind, GUILD, 20);
  const { database } = app;
  try {
    // Wallets for every member and currency, with spread-out balances (the leaderboard's index).
    await database.db.execute(sql`
      INSERT INTO wallets (guild_id, user_id, currency_id, balance, lifetime_earned, level)
      SELECT ${GUILD}::bigint, ${userId(0)}::bigint + g, c.id, (g * 7919) % 100000, (g * 7919) % 100000, CASE WHEN c.level_curve IS NULL THEN NULL ELSE 1 END
      FROM generate_series(1, ${MEMBERS}) g CROSS JOIN currencies c WHERE c.guild_id = ${GUILD}`);
    // 30 days of ledger history for the overview: TRANSACTIONS rows spread evenly, most recent last.
    await database.db.execute(sql`
      INSERT INTO transactions (guild_id, user_id, currency_id, delta, balance_after, source, at)
      SELECT ${GUILD}::bigint, ${userId(0)}::bigint + 1 + (g % ${MEMBERS}), c.id, CASE WHEN g % 10 = 0 THEN -5 ELSE 15 END, 100, 'rule',
             now() - make_interval(secs => (${TRANSACTIONS} - g) * (30.0 * 86400 / ${TRANSACTIONS}))
      FROM generate_series(1, ${TRANSACTIONS}) g CROSS JOIN LATERAL (SELECT id FROM currencies WHERE guild_id = ${GUILD} ORDER BY id LIMIT 1 OFFSET (g % 3)) c`);
    await database.db.execute(sql`ANALYZE wallets`);
    await database.db.execute(sql`ANALYZE transactions`);

    const base = app.guildUrl;
    const cases: LoadCase[] = [
      { name: 'POST dry-run (classic, message_create)', method: 'POST', url: `${base}/dry-run`, dryRun: true },
      { name: 'GET leaderboard (xp, top 10)', method: 'GET', url: `${base}/leaderboard?currency=xp&limit=10` },
      { name: 'GET leaderboard (stars, season, top 25)', method: 'GET', url: `${base}/leaderboard?currency=stars&season=current&limit=25` },
      { name: `GET overview (30 days, ${TRANSACTIONS / 1000}k transactions)`, method: 'GET', url: `${base}/overview?days=30`, requests: Math.min(REQUESTS, 500) },
    ];
    for (const c of cases) {
      const requests = c.requests ?? REQUESTS;
      const stats = await load({ ...c, token: BENCH_TOKEN, guild: GUILD, members: MEMBERS, firstMember: userId(1), requests, concurrency: CONCURRENCY, warmup: Math.min(200, requests) });
      if (stats.failures > 0) throw new Error(`${c.name}: ${stats.failures} of ${requests} requests failed ${stats.errors.join(', ')}`);
      const note = `${CONCURRENCY} in flight, ${requests} requests, ${MEMBERS.toLocaleString('en-US')} members`;
      record({ bench: 'api', database: kind, case: `${c.name} p50`, value: stats.p50, unit: 'ms', note });
      record({ bench: 'api', database: kind, case: `${c.name} p90`, value: stats.p90, unit: 'ms' });
      record({ bench: 'api', database: kind, case: `${c.name} p99`, value: stats.p99, unit: 'ms' });
      record({ bench: 'api', database: kind, case: `${c.name} throughput`, value: stats.throughput, unit: 'req/s' });
    }
  } finally {
    await app.close();
  }
}

interface LoadCase {
  name: string;
  method: 'GET' | 'POST';
  url: string;
  dryRun?: boolean;
  requests?: number;
}
interface LoadStats {
  p50: number;
  p90: number;
  p99: number;
  throughput: number;
  failures: number;
  errors: string[];
}

/** The load generator, run as `node --input-type=module -e` with its configuration as argument. */
const LOAD_CLIENT = `
const c = JSON.parse(process.argv[1]);
let sid = 1300000000000000000n;
const body = (i) => JSON.stringify({ event: {
  source_id: String(++sid), type: 'message_create', guild_id: c.guild, actor_id: String(BigInt(c.firstMember) + BigInt(i % c.members)), channel_id: '705',
  occurred_at: new Date(Date.UTC(2026, 10, 22, 10, 0, i % 60)).toISOString(),
  data: { length: 240 + (i % 400), has_code_block: i % 7 === 0, has_link: i % 5 === 0, has_attachment: false, attachment_count: 0, emoji_count: i % 9, is_reply: false } } });
const headers = { Authorization: 'Bearer ' + c.token, 'Content-Type': 'application/json' };
const errors = [];
const one = async (i) => {
  const t = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(c.url, { method: c.method, headers, body: c.dryRun ? body(i) : undefined });
      await res.arrayBuffer();
      return { ms: performance.now() - t, ok: res.status === 200 };
    } catch (error) {
      // A kept-alive connection the server closed as it was reused: retried once, like browsers do.
      if (attempt < 2 && error.cause?.code === 'ECONNRESET') continue;
      errors.push(String(error.cause?.code ?? error.message));
      return { ms: performance.now() - t, ok: false };
    }
  }
};
async function run(count) {
  const out = []; let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: c.concurrency }, async () => { while (next < count) out.push(await one(next++)); }));
  return { out, seconds: (performance.now() - started) / 1000 };
}
await run(c.warmup);
const { out, seconds } = await run(c.requests);
const ms = out.map((o) => o.ms).sort((a, b) => a - b);
const at = (p) => ms[Math.min(ms.length - 1, Math.floor(p / 100 * ms.length))];
process.stdout.write(JSON.stringify({ p50: at(50), p90: at(90), p99: at(99), throughput: c.requests / seconds, failures: out.filter((o) => !o.ok).length, errors: [...new Set(errors)] }));
`;

function load(config: LoadCase & { token: string; guild: string; members: number; firstMember: string; requests: number; concurrency: number; warmup: number }): Promise<LoadStats> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', LOAD_CLIENT, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadStats) : reject(new Error(`load client exited ${code}: ${err}`))));
  });
}

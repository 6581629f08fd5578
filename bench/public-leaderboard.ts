// The public leaderboard page (/p/<guild>/leaderboard) over real HTTP: p50/p99 with 50 readers in
// flight on a guild of 100,000 members with wallets (names and avatars in the directory), the first
// page and page 100 (ranks 4,951–5,000). "cached" is the app as `npm start` runs it (30 s in-process
// cache: after the first render every request is a hit); "uncached" renders every request afresh
// (one guild lookup, the ranked page, the count, the HTML). The load comes from a separate process.
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { createApp } from '../src/api/app.ts';
import type { AppEnv } from '../src/api/types.ts';
import { createServices } from '../src/app/services.ts';
import { parseEnv } from '../src/config/env.ts';
import { queryRows } from '../src/db/client.ts';
import { silentLogger } from '../src/log/logger.ts';
import { Metrics } from '../src/metrics/metrics.ts';
import { PublicPages, publicRoutes } from '../src/public/leaderboard-route.ts';
import { freshDatabase, record } from './support.ts';

const GUILD = '1160511689263947796';
const TOKEN = 'bench-admin-token-0123456789';
const MEMBERS = Number(process.env.BENCH_PUBLIC_MEMBERS ?? 100_000);
const CONCURRENCY = 50;
const REQUESTS = Number(process.env.BENCH_PUBLIC_REQUESTS ?? 2000);
const FIRST_USER = 500000000000000000n;

export async function benchPublicLeaderboard(kind: 'pglite' | 'postgres'): Promise<void> {
  const { database, dispose } = await freshDatabase(kind, 20);
  const closeOnce = database.close.bind(database);
  let closed: Promise<void> | undefined;
  database.close = () => (closed ??= closeOnce());
  const services = await createServices({ env: parseEnv({ CAIRN_ADMIN_TOKEN: TOKEN }), logger: silentLogger, database, adminToken: TOKEN, metrics: new Metrics({ defaultMetrics: false }) });
  const uncached = new Hono<AppEnv>();
  uncached.use('*', async (c, next) => {
    c.set('services', services);
    await next();
  });
  uncached.route('/', publicRoutes(new PublicPages({ ttlMs: 0 })));
  const servers = await Promise.all([createApp(services), uncached].map((app) => new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    (s as unknown as { keepAliveTimeout: number }).keepAliveTimeout = 65_000;
  })));
  try {
    const db = database.db;
    await db.execute(sql`INSERT INTO guilds (id, name, settings) VALUES (${GUILD}, 'Bench Guild', ${JSON.stringify({ public_leaderboard: { enabled: true, currencies: ['xp'] } })}::jsonb)`);
    await db.execute(sql`INSERT INTO currencies (guild_id, key, name, symbol, level_curve) VALUES (${GUILD}, 'xp', 'XP', '✦', ${JSON.stringify({ kind: 'exponential', base: 100, factor: 1.25 })}::jsonb)`);
    const [xp] = await queryRows<{ id: number }>(db, sql`SELECT id FROM currencies WHERE guild_id = ${GUILD} AND key = 'xp'`);
    await db.execute(sql`
      INSERT INTO wallets (guild_id, user_id, currency_id, balance, lifetime_earned, level)
      SELECT ${GUILD}::bigint, ${String(FIRST_USER)}::bigint + g, ${xp!.id}, 1 + (g * 7919) % 1000000, 1 + (g * 7919) % 1000000, 1 + ((g * 7919) % 1000000) / 20000
      FROM generate_series(1, ${MEMBERS}) g`);
    await db.execute(sql`
      INSERT INTO members (guild_id, user_id, display_name, username, avatar_url, public_opt_out)
      SELECT ${GUILD}::bigint, ${String(FIRST_USER)}::bigint + g, 'Member ' || g, 'member_' || g,
             CASE WHEN g % 3 = 0 THEN 'https://cdn.discordapp.com/avatars/' || g || '/a.png' END, g % 50 = 0
      FROM generate_series(1, ${MEMBERS}) g`);
    await db.execute(sql`ANALYZE wallets`);
    await db.execute(sql`ANALYZE members`);
    if (kind === 'postgres') {
      const plan = await queryRows<{ 'QUERY PLAN': string }>(db, sql.raw(`EXPLAIN SELECT user_id, balance FROM wallets WHERE currency_id = ${xp!.id} AND balance > 0 ORDER BY balance DESC NULLS LAST, user_id LIMIT 50 OFFSET 4950`));
      console.log(`  page 100's ranked query: ${plan.map((p) => p['QUERY PLAN'].trim()).slice(0, 2).join(' → ')}`);
    }
    const [cachedPort, uncachedPort] = servers.map((s) => (s.address() as AddressInfo).port);
    for (const [cache, port] of [['cached', cachedPort], ['uncached', uncachedPort]] as const) {
      for (const page of [1, 100]) {
        const url = `http://127.0.0.1:${port}/p/${GUILD}/leaderboard${page > 1 ? `?page=${page}` : ''}`;
        const stats = await load({ url, requests: REQUESTS, concurrency: CONCURRENCY, warmup: 100 });
        if (stats.failures > 0) throw new Error(`${url}: ${stats.failures} of ${REQUESTS} failed ${stats.errors.join(', ')}`);
        const name = `public page ${page} (${cache})`;
        record({ bench: 'public-leaderboard', database: kind, case: `${name} p50`, value: stats.p50, unit: 'ms', note: `${CONCURRENCY} readers, ${REQUESTS} requests, ${MEMBERS.toLocaleString('en-US')} members` });
        record({ bench: 'public-leaderboard', database: kind, case: `${name} p99`, value: stats.p99, unit: 'ms' });
        record({ bench: 'public-leaderboard', database: kind, case: `${name} throughput`, value: stats.throughput, unit: 'req/s' });
      }
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    await services.close();
    await dispose();
  }
}

interface LoadStats {
  p50: number;
  p99: number;
  throughput: number;
  failures: number;
  errors: string[];
}

/** The readers, run as `node --input-type=module -e` with their configuration as argument. */
const READERS = `
const c = JSON.parse(process.argv[1]);
const errors = [];
const one = async () => {
  const t = performance.now();
  try {
    const res = await fetch(c.url);
    const text = await res.text();
    return { ms: performance.now() - t, ok: res.status === 200 && text.includes('class="row') };
  } catch (error) {
    errors.push(String(error.cause?.code ?? error.message));
    return { ms: performance.now() - t, ok: false };
  }
};
async function run(count) {
  const out = []; let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: c.concurrency }, async () => { while (next++ < count) out.push(await one()); }));
  return { out, seconds: (performance.now() - started) / 1000 };
}
await run(c.warmup);
const { out, seconds } = await run(c.requests);
const ms = out.map((o) => o.ms).sort((a, b) => a - b);
const at = (p) => ms[Math.min(ms.length - 1, Math.floor(p / 100 * ms.length))];
process.stdout.write(JSON.stringify({ p50: at(50), p99: at(99), throughput: c.requests / seconds, failures: out.filter((o) => !o.ok).length, errors: [...new Set(errors)] }));
`;

function load(config: { url: string; requests: number; concurrency: number; warmup: number }): Promise<LoadStats> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', READERS, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadStats) : reject(new Error(`readers exited ${code}: ${err}`))));
  });
}

// The admin API over real HTTP (the same Hono app and node server as `npm start`): latency p50/p99
// of POST dry-run and GET leaderboard with 50 requests in flight, on a guild configured with the
// classic preset and 20,000 members holding xp, stars and gold.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { createApp } from '../src/api/app.ts';
import { createServices } from '../src/app/services.ts';
import { parseEnv } from '../src/config/env.ts';
import { silentLogger } from '../src/log/logger.ts';
import { Metrics } from '../src/metrics/metrics.ts';
import { importRecipe, parseRecipe } from '../src/presets/import.ts';
import { freshDatabase, percentile, record, runConcurrent, sid, userId } from './support.ts';

const GUILD = '1160511689263947796';
const TOKEN = 'bench-admin-token-0123456789';
const MEMBERS = 20_000;
const CONCURRENCY = Number(process.env.BENCH_API_CONCURRENCY ?? 50);
const REQUESTS = Number(process.env.BENCH_API_REQUESTS ?? 3000);

export async function benchApi(kind: 'pglite' | 'postgres'): Promise<void> {
  const { database, dispose } = await freshDatabase(kind, 20);
  // services.close() closes the database and dispose() too (and drops it): close only once.
  const closeOnce = database.close.bind(database);
  let closed: Promise<void> | undefined;
  database.close = () => (closed ??= closeOnce());
  const services = await createServices({
    env: parseEnv({ CAIRN_ADMIN_TOKEN: TOKEN }),
    logger: silentLogger,
    database,
    adminToken: TOKEN,
    metrics: new Metrics({ defaultMetrics: false }),
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: createApp(services).fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  try {
    const recipe = parseRecipe(JSON.parse(readFileSync(new URL('../presets/classic.json', import.meta.url), 'utf8')));
    if (!recipe.ok) throw new Error('classic preset does not parse');
    await importRecipe(database.db, GUILD, recipe.recipe, { actor: 'bench' });
    await services.configs.reload(GUILD);
    // Wallets for every member and currency, with spread-out balances (the leaderboard's index).
    await database.db.execute(sql`
      INSERT INTO wallets (guild_id, user_id, currency_id, balance, lifetime_earned, level)
      SELECT ${GUILD}::bigint, ${userId(0)}::bigint + g, c.id, (g * 7919) % 100000, (g * 7919) % 100000, CASE WHEN c.level_curve IS NULL THEN NULL ELSE 1 END
      FROM generate_series(1, ${MEMBERS}) g CROSS JOIN currencies c WHERE c.guild_id = ${GUILD}`);
    await database.db.execute(sql`ANALYZE wallets`);

    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/guilds/${GUILD}`;
    const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
    const message = (i: number) => ({
      event: {
        source_id: sid(), type: 'message_create', guild_id: GUILD, actor_id: userId(1 + (i % MEMBERS)), channel_id: '705', occurred_at: new Date(Date.UTC(2026, 10, 22, 10, 0, i % 60)).toISOString(),
        data: { length: 240 + (i % 400), has_code_block: i % 7 === 0, has_link: i % 5 === 0, has_attachment: false, attachment_count: 0, emoji_count: i % 9, is_reply: false },
      },
    });
    const cases: { name: string; request: (i: number) => Promise<Response> }[] = [
      { name: 'POST dry-run (classic, message_create)', request: (i) => fetch(`${base}/dry-run`, { method: 'POST', headers, body: JSON.stringify(message(i)) }) },
      { name: 'GET leaderboard (xp, top 10)', request: () => fetch(`${base}/leaderboard?currency=xp&limit=10`, { headers }) },
      { name: 'GET leaderboard (stars, season, top 25)', request: () => fetch(`${base}/leaderboard?currency=stars&season=current&limit=25`, { headers }) },
    ];
    for (const c of cases) {
      // Warm-up: compiled rules, prepared statements, JIT.
      await runConcurrent(200, CONCURRENCY, async (i) => (await c.request(i)).arrayBuffer());
      const millis: number[] = [];
      let failures = 0;
      const seconds = await runConcurrent(REQUESTS, CONCURRENCY, async (i) => {
        const t = performance.now();
        const res = await c.request(i);
        await res.arrayBuffer();
        millis.push(performance.now() - t);
        if (res.status !== 200) failures++;
      });
      if (failures > 0) throw new Error(`${c.name}: ${failures} of ${REQUESTS} requests failed`);
      millis.sort((a, b) => a - b);
      const note = `${CONCURRENCY} in flight, ${REQUESTS} requests, ${MEMBERS.toLocaleString('en-US')} members`;
      record({ bench: 'api', database: kind, case: `${c.name} p50`, value: percentile(millis, 50), unit: 'ms', note });
      record({ bench: 'api', database: kind, case: `${c.name} p90`, value: percentile(millis, 90), unit: 'ms' });
      record({ bench: 'api', database: kind, case: `${c.name} p99`, value: percentile(millis, 99), unit: 'ms' });
      record({ bench: 'api', database: kind, case: `${c.name} throughput`, value: REQUESTS / seconds, unit: 'req/s' });
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await services.close();
    await dispose();
  }
}

// Cairn's HTTP app on a fresh bench database with the classic preset imported for one guild, for
// benchmarks that load it over real HTTP from a separate process (api, single-event ingest).
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../src/api/app.ts';
import { createServices, type Services } from '../src/app/services.ts';
import { parseEnv } from '../src/config/env.ts';
import type { Database } from '../src/db/client.ts';
import { silentLogger } from '../src/log/logger.ts';
import { Metrics } from '../src/metrics/metrics.ts';
import { freshDatabase, importClassic } from './support.ts';

export const BENCH_TOKEN = 'bench-admin-token-0123456789';

export interface BenchApp {
  database: Database;
  services: Services;
  /** http://127.0.0.1:<port>/api/guilds/<guild> */
  guildUrl: string;
  close(): Promise<void>;
}

export async function startBenchApp(kind: 'pglite' | 'postgres', guildId: string, poolSize?: number): Promise<BenchApp> {
  const { database, dispose } = await freshDatabase(kind, poolSize);
  // services.close() closes the database and dispose() too (and drops it): close only once.
  const closeOnce = database.close.bind(database);
  let closed: Promise<void> | undefined;
  database.close = () => (closed ??= closeOnce());
  const services = await createServices({
    env: parseEnv({ CAIRN_ADMIN_TOKEN: BENCH_TOKEN }),
    logger: silentLogger,
    database,
    adminToken: BENCH_TOKEN,
    metrics: new Metrics({ defaultMetrics: false }),
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: createApp(services).fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  // Node closes a kept-alive connection idle for 5 s; when PGlite keeps the event loop busy, that
  // timer can fire just as the client reuses the connection (ECONNRESET). Proxies use 60 s or more.
  (server as unknown as { keepAliveTimeout: number }).keepAliveTimeout = 65_000;
  const close = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await services.close();
    await dispose();
  };
  try {
    await importClassic(database.db, guildId);
    await services.configs.reload(guildId);
  } catch (error) {
    await close();
    throw error;
  }
  const guildUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/guilds/${guildId}`;
  return { database, services, guildUrl, close };
}

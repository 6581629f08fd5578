// An API app over a test database, driven in-process with app.request().
import { createApp } from '../../src/api/app.ts';
import type { Clock } from '../../src/app/clock.ts';
import { createServices, type Services } from '../../src/app/services.ts';
import { parseEnv } from '../../src/config/env.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { Metrics } from '../../src/metrics/metrics.ts';
import type { TestDatabase } from './db.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/**
 * The suite's events are dated November 2026 (factories.ts). Apps under test keep ten years of
 * lake (CAIRN_RETENTION_DAYS) so those events stay inside the retention window as the calendar
 * moves; tests of retention itself set their own window and clock (TEST_NOW).
 */
export const TEST_NOW = new Date('2026-11-30T12:00:00.000Z');

export async function createTestApp(database: TestDatabase, env: Record<string, string> = {}, options: { clock?: Clock } = {}) {
  const parsed = parseEnv({ CAIRN_ADMIN_TOKEN: ADMIN_TOKEN, CAIRN_RETENTION_DAYS: '3650', ...env });
  const services: Services = await createServices({
    env: parsed,
    logger: silentLogger,
    database,
    // CAIRN_ADMIN_TOKEN in `env` stands for a restart with another operator token.
    adminToken: parsed.CAIRN_ADMIN_TOKEN ?? ADMIN_TOKEN,
    metrics: new Metrics({ defaultMetrics: false }),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const app = createApp(services);
  const request = (path: string, init: RequestInit & { json?: unknown; token?: string | null } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token !== null) headers.set('Authorization', `Bearer ${init.token ?? ADMIN_TOKEN}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return app.request(path, { ...init, headers, body });
  };
  return { app, services, request };
}

/** A response body as loosely-typed JSON: the test's assertions check its shape. */
export const json = async (res: Response): Promise<any> => res.json();

// GET /metrics (no auth): Prometheus text exposition.
import { Hono } from 'hono';
import type { AppEnv } from '../types.ts';

export function metricsRoutes() {
  return new Hono<AppEnv>().get('/metrics', async (c) => {
    const { registry } = c.get('services').metrics;
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
  });
}

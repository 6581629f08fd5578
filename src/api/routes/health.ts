// GET /healthz (no auth): is the database answering, and how is the Discord connection.
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppEnv } from '../types.ts';

export function healthRoutes() {
  return new Hono<AppEnv>().get('/healthz', async (c) => {
    const services = c.get('services');
    let db: 'ok' | 'error' = 'ok';
    try {
      await Promise.race([
        services.database.db.execute(sql`SELECT 1`),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
      ]);
    } catch (error) {
      services.logger.warn({ err: error }, 'health check: database did not answer');
      db = 'error';
    }
    const body = { status: db === 'ok' ? 'ok' : 'degraded', db, discord: services.discordStatus(), rules: services.configs.versions() };
    return c.json(body, db === 'ok' ? 200 : 503);
  });
}

// GET /healthz (no auth): is the database answering (db/liveness.ts: fast even while it is busy),
// how is the Discord connection, and is any guild failing (rules erring, events set aside): then
// `degraded`, with the reasons.
import { Hono } from 'hono';
import { DatabaseLiveness } from '../../db/liveness.ts';
import type { AppEnv } from '../types.ts';

/** How long /healthz waits for fresh operations signals before answering with the last ones. */
const OPS_WAIT_MS = 500;

export function healthRoutes() {
  // One per app (an app serves one set of services): concurrent probes share one ping.
  let liveness: DatabaseLiveness | undefined;
  return new Hono<AppEnv>().get('/healthz', async (c) => {
    const services = c.get('services');
    liveness ??= new DatabaseLiveness(services.database.db, {}, (error) => services.logger.warn({ err: error }, 'health check: database did not answer'));
    const db = await liveness.check();
    // A failing guild degrades, but the process serves on (503 is for a database it cannot reach).
    const failing = services.health.summary();
    const status = db !== 'ok' || failing.failingGuilds > 0 ? 'degraded' : 'ok';
    // Counts only (no guild ids): outbox, rule errors, paused guilds, lake rows, jobs' last runs.
    // Never long behind a busy database: a refresh not done in OPS_WAIT_MS leaves the last ones.
    const ops = db === 'ok' ? await services.ops.signals.recent(OPS_WAIT_MS) : undefined;
    const body = {
      status,
      db,
      discord: services.discordStatus(),
      // What this process runs (CAIRN_ROLES): bot, api, jobs.
      roles: services.env.CAIRN_ROLES,
      // Each shard this process holds: id, status, ping, last dispatch (no guild data).
      ...(services.discord ? { shards: services.discordShards() } : {}),
      // How many guilds' configurations this process holds; which ones (and their versions) is
      // guild data, shown on each guild's authenticated health page, never here.
      guildsLoaded: Object.keys(services.configs.versions()).length,
      ...(failing.failingGuilds > 0 ? { failingGuilds: failing.failingGuilds, reasons: failing.reasons } : {}),
      ...(ops ? { ops } : {}),
    };
    return c.json(body, db === 'ok' ? 200 : 503);
  });
}

// Starts Cairn in this process: database (+migrations), demo guild, services, HTTP server.
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app.ts';
import { warmCardFonts } from '../cards/fonts.ts';
import type { Env } from '../config/env.ts';
import { openFromEnv } from '../db/open.ts';
import type { Logger } from '../log/logger.ts';
import { resolveAdminToken, type AdminToken } from './admin-token.ts';
import { ensureDemoGuild } from './demo.ts';
import { createProbeApp } from '../api/probe-app.ts';
import { hasRole } from './roles.ts';
import { startScheduler } from './scheduler.ts';
import { takeStartupLock } from './startup-lock.ts';
import { createServices, type Services } from './services.ts';

export interface RunningCairn {
  url: string;
  services: Services;
  adminToken: AdminToken;
  demoCreated: boolean;
  stop(): Promise<void>;
}

export async function startCairn(env: Env, logger: Logger): Promise<RunningCairn> {
  const started = performance.now();
  // Processes started together on one Postgres migrate and seed one at a time.
  const startup = await takeStartupLock(env);
  try {
    return await startLocked(env, logger, started);
  } finally {
    await startup.release();
  }
}

async function startLocked(env: Env, logger: Logger, started: number): Promise<RunningCairn> {
  const database = await openFromEnv(env);
  logger.info({ database: database.kind, location: database.location }, 'database ready (migrations applied)');
  const adminToken = resolveAdminToken(env.CAIRN_ADMIN_TOKEN, env.DATA_DIR);
  const services = await createServices({ env, logger, database, adminToken: adminToken.token });
  const warming = performance.now();
  warmCardFonts();
  logger.debug({ ms: Math.round(performance.now() - warming) }, 'rank card fonts loaded');
  const demoCreated = env.CAIRN_DEMO_GUILD ? await ensureDemoGuild(database, services.pipeline) : false;
  if (demoCreated) logger.info('created the demo guild from the classic preset');
  // The bot connects in the background: /healthz says 'connecting' until it is ready.
  // (services.discord exists only with the `bot` role: app/services.ts.)
  services.discord?.start().catch((error: unknown) => logger.error({ err: error }, 'could not connect to Discord'));
  const roles = env.CAIRN_ROLES;
  const scheduler = hasRole(roles, 'jobs') ? startScheduler(services) : undefined;
  // Without the `api` role the port serves /healthz and /metrics only.
  const app = hasRole(roles, 'api') ? createApp(services) : createProbeApp(services);
  const server = await new Promise<ServerType>((resolveServer) => {
    const s = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, () => resolveServer(s));
  });
  const address = server.address() as AddressInfo;
  const host = env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST;
  const url = env.CAIRN_BASE_URL ?? `http://${host}:${address.port}`;
  logger.info({ url, roles, holder: scheduler?.holder, ms: Math.round(performance.now() - started) }, 'Cairn is listening');
  let stopping: Promise<void> | undefined;
  return {
    url,
    services,
    adminToken,
    demoCreated,
    stop() {
      stopping ??= (async () => {
        const jobsDone = scheduler?.stop();
        await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
        await jobsDone;
        await services.close();
      })();
      return stopping;
    },
  };
}

// The HTTP face of a process without the `api` role (CAIRN_ROLES=bot or jobs): /healthz and /metrics
// only, so an orchestrator probes it like any other process; everything else is a JSON 404.
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import type { Services } from '../app/services.ts';
import { errorBody } from './errors.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import type { AppEnv } from './types.ts';

export function createProbeApp(services: Services) {
  const app = new Hono<AppEnv>();
  app.use('*', requestId({ headerName: 'X-Request-Id' }));
  app.use('*', async (c, next) => {
    c.set('services', services);
    await next();
  });
  app.route('/', healthRoutes());
  app.route('/', metricsRoutes());
  app.notFound((c) => c.json(errorBody(c, 'not_found', `this process serves no API (CAIRN_ROLES=${services.env.CAIRN_ROLES.join(',')}): only /healthz and /metrics`), 404));
  app.onError((error, c) => {
    services.logger.error({ err: error, path: c.req.path }, 'unhandled error');
    return c.json(errorBody(c, 'internal_error', 'something went wrong on our side'), 500);
  });
  return app;
}

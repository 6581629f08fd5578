// The HTTP application: request ids, logging, limits, auth, routes, and one error handler.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { HTTPException } from 'hono/http-exception';
import type { Services } from '../app/services.ts';
import { ApiError, errorBody } from './errors.ts';
import { AdminTokenAuthenticator, requireAuth, requireGuildAccess, type Authenticator } from './middleware/auth.ts';
import { dryRunRoutes } from './routes/dry-run.ts';
import { eventRoutes } from './routes/events.ts';
import { guildRoutes } from './routes/guilds.ts';
import { healthRoutes } from './routes/health.ts';
import { schemaRoutes } from './routes/schemas.ts';
import { leaderboardRoutes } from './routes/leaderboard.ts';
import { milestoneRoutes } from './routes/milestones.ts';
import { metricsRoutes } from './routes/metrics.ts';
import type { AppEnv } from './types.ts';

export function createApp(services: Services, options: { authenticators?: Authenticator[] } = {}) {
  const authenticators = options.authenticators ?? [new AdminTokenAuthenticator(services.adminToken)];
  const log = services.logger.child({ module: 'http' });
  const app = new Hono<AppEnv>();

  app.use('*', requestId({ headerName: 'X-Request-Id' }));
  app.use('*', async (c, next) => {
    c.set('services', services);
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = c.req.routePath || 'unmatched';
    services.metrics.httpRequests.observe({ method: c.req.method, route, status: String(c.res.status) }, seconds);
    log.debug({ requestId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(seconds * 1000) }, 'request');
  });

  app.route('/', healthRoutes());
  app.route('/', metricsRoutes());

  const api = new Hono<AppEnv>();
  api.use(
    '*',
    bodyLimit({
      maxSize: services.env.CAIRN_MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError('payload_too_large', `the request body exceeds ${services.env.CAIRN_MAX_BODY_BYTES} bytes`);
      },
    }),
  );
  api.use('*', requireAuth(authenticators));
  api.use('/guilds/:guildId/*', requireGuildAccess);
  api.route('/guilds', guildRoutes());
  api.route('/schemas', schemaRoutes());
  api.route('/guilds/:guildId/events', eventRoutes());
  api.route('/guilds/:guildId/dry-run', dryRunRoutes());
  api.route('/guilds/:guildId/leaderboard', leaderboardRoutes());
  api.route('/guilds/:guildId/milestones', milestoneRoutes());
  app.route('/api', api);

  app.notFound((c) => c.json(errorBody(c, 'not_found', `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) {
      return c.json(errorBody(c, error.code, error.message, error.details), error.status);
    }
    if (error instanceof HTTPException) {
      const code = error.status === 401 ? 'unauthorized' : error.status === 413 ? 'payload_too_large' : 'bad_request';
      return c.json(errorBody(c, code, error.message || 'bad request'), error.status);
    }
    log.error({ err: error, requestId: c.get('requestId'), path: c.req.path }, 'unhandled error');
    return c.json(errorBody(c, 'internal_error', 'something went wrong on our side; the request id identifies it in the logs'), 500);
  });
  return app;
}

// The HTTP application: request ids, logging, limits, auth, routes, the panel's static files, the
// OpenAPI document, and one error handler.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { Services } from '../app/services.ts';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../db/unavailable.ts';
import { ApiError, errorBody } from './errors.ts';
import { AdminTokenAuthenticator, ApiTokenAuthenticator, requireAuth, requireGuildAccess, SessionAuthenticator, type Authenticator } from './middleware/auth.ts';
import { bodyLimit } from './middleware/body-limit.ts';
import { rateLimits } from './middleware/rate-limit.ts';
import { storableUrl } from './middleware/storable-url.ts';
import { openApiDocument, type RouteDoc } from './openapi.ts';
import { PublicPages, publicRoutes } from '../public/leaderboard-route.ts';
import { aiDocs, aiRoutes } from './routes/ai.ts';
import { analyticsDocs, analyticsRoutes } from './routes/analytics.ts';
import { commandDocs, commandRoutes } from './routes/commands.ts';
import { authRoutes } from './routes/auth.ts';
import { coreDocs } from './routes/core-docs.ts';
import { currencyDocs, currencyRoutes, zoneRoutes } from './routes/currencies.ts';
import { directoryDocs, directoryRoutes } from './routes/directory.ts';
import { dryRunRoutes } from './routes/dry-run.ts';
import { eventRoutes } from './routes/events.ts';
import { auditLogDocs, auditLogRoutes } from './routes/audit-log.ts';
import { overviewDocs, overviewRoutes } from './routes/overview.ts';
import { seasonDocs, seasonRoutes } from './routes/seasons.ts';
import { settingsDocs, settingsRoutes } from './routes/settings.ts';
import { guildHealthDocs, guildHealthRoutes } from './routes/guild-health.ts';
import { historyDocs, historyRoutes } from './routes/history.ts';
import { guildRoutes } from './routes/guilds.ts';
import { healthRoutes } from './routes/health.ts';
import { importDocs, importRoutes } from './routes/imports.ts';
import { leaderboardDocs, leaderboardRoutes } from './routes/leaderboard.ts';
import { memberCardDocs, memberCardRoutes } from './routes/member-card.ts';
import { memberVisibilityDocs, memberVisibilityRoutes } from './routes/member-visibility.ts';
import { memberDocs, memberRoutes } from './routes/members.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { guildOpsRoutes, operatorOpsRoutes, opsDocs } from './routes/ops.ts';
import { milestoneDocs, milestoneRoutes } from './routes/milestones.ts';
import { moduleDocs, moduleRoutes } from './routes/modules.ts';
import { nameDocs, nameRoutes } from './routes/names.ts';
import { onboardingDocs, onboardingRoutes } from './routes/onboarding.ts';
import { guildPresetRoutes, presetDocs, presetGalleryRoutes } from './routes/presets.ts';
import { privacyDocs, privacyRoutes } from './routes/privacy.ts';
import { inviteDocs, inviteRoutes } from './routes/invites.ts';
import { ruleDocs, ruleRoutes } from './routes/rules.ts';
import { ruleTemplateDocs, ruleTemplateRoutes } from './routes/rule-templates.ts';
import { schemaRoutes } from './routes/schemas.ts';
import { shopDocs, shopRoutes } from './routes/shop.ts';
import { suggestionDocs, suggestionRoutes } from './routes/suggestions.ts';
import { faqDocs, faqRoutes } from './routes/faq.ts';
import { tokenDocs, tokenRoutes } from './routes/tokens.ts';
import { ticketAiDocs, ticketAiRoutes } from './routes/ticket-ai.ts';
import { faqLookupFor, type FaqLookup } from '../tickets/faq-lookup.ts';
import { ticketDocs, ticketRoutes } from './routes/tickets.ts';
import type { AppEnv } from './types.ts';

const CONFIG_SECTIONS = new Set(['rules', 'zones', 'currencies', 'milestones', 'shop', 'presets', 'settings', 'seasons', 'audit-log', 'history', 'commands', 'modules']);

export const ROUTE_DOCS: RouteDoc[] = [...coreDocs, ...ruleDocs, ...ruleTemplateDocs, ...currencyDocs, ...milestoneDocs, ...shopDocs, ...memberDocs, ...memberCardDocs, ...seasonDocs, ...settingsDocs, ...auditLogDocs, ...overviewDocs, ...presetDocs, ...importDocs, ...tokenDocs, ...analyticsDocs, ...aiDocs, ...directoryDocs, ...guildHealthDocs, ...nameDocs, ...leaderboardDocs, ...memberVisibilityDocs, ...historyDocs, ...commandDocs, ...opsDocs, ...moduleDocs, ...ticketDocs, ...ticketAiDocs, ...onboardingDocs, ...faqDocs, ...privacyDocs, ...inviteDocs, ...suggestionDocs];

/** The built panel (SvelteKit, adapter-static). */
export const PANEL_DIR = fileURLToPath(new URL('../../dashboard/build', import.meta.url));

export function createApp(services: Services, options: { authenticators?: Authenticator[]; panelDir?: string; faq?: FaqLookup } = {}) {
  const tokenAuth: Authenticator[] = [new AdminTokenAuthenticator(services.adminToken), new ApiTokenAuthenticator(services.database)];
  const sessionAuth: Authenticator[] = [new SessionAuthenticator(services.database, services.adminToken)];
  const authenticators = options.authenticators ?? [...tokenAuth, ...sessionAuth];
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
  // The public leaderboard (/p/…): no credentials, before the panel's SPA fallback.
  const publicPages = new PublicPages();
  app.route('/', publicRoutes(publicPages));

  const limit = bodyLimit(services.env.CAIRN_MAX_BODY_BYTES);
  // Login and logout come before the credentials check (they are how one gets credentials).
  app.use('/api/auth/*', storableUrl);
  app.use('/api/auth/*', limit);
  app.route('/api/auth', authRoutes(tokenAuth, sessionAuth));

  const api = new Hono<AppEnv>();
  api.use('*', limit);
  api.use('*', requireAuth(authenticators));
  api.use('*', storableUrl);
  api.use('/guilds/:guildId/*', requireGuildAccess);
  api.use('*', rateLimits(services));
  // A configuration change made here is in force here when the response leaves (other processes
  // follow within milliseconds through NOTIFY).
  api.use('/guilds/:guildId/*', async (c, next) => {
    await next();
    const section = c.req.path.split('/')[4];
    if (c.req.method !== 'GET' && c.res.status < 300 && section && CONFIG_SECTIONS.has(section)) await services.configs.reload(c.req.param('guildId')!);
  });
  const openapi = openApiDocument(ROUTE_DOCS);
  api.get('/openapi.json', (c) => c.json(openapi as object));
  api.route('/guilds', guildRoutes());
  api.route('/schemas', schemaRoutes());
  api.route('/presets', presetGalleryRoutes());
  api.route('/tokens', tokenRoutes());
  api.route('/guilds/:guildId/events', eventRoutes());
  api.route('/guilds/:guildId/dry-run', dryRunRoutes());
  api.route('/guilds/:guildId/leaderboard', leaderboardRoutes());
  api.route('/guilds/:guildId/rules', ruleRoutes());
  api.route('/guilds/:guildId/rule-templates', ruleTemplateRoutes());
  api.route('/guilds/:guildId/currencies', currencyRoutes());
  api.route('/guilds/:guildId/zones', zoneRoutes());
  api.route('/guilds/:guildId/milestones', milestoneRoutes());
  api.route('/guilds/:guildId/suggestions', suggestionRoutes());
  api.route('/guilds/:guildId/shop', shopRoutes());
  api.route('/guilds/:guildId/faq', faqRoutes());
  api.route('/guilds/:guildId/commands', commandRoutes());
  api.route('/guilds/:guildId/members', memberCardRoutes());
  api.route('/guilds/:guildId/members', memberRoutes());
  api.route('/guilds/:guildId/members', memberVisibilityRoutes(publicPages));
  api.route('/guilds/:guildId/members', privacyRoutes());
  api.route('/guilds/:guildId/invites', inviteRoutes());
  api.route('/guilds/:guildId/presets', guildPresetRoutes());
  api.route('/guilds/:guildId/import', importRoutes());
  api.route('/guilds/:guildId/analytics', analyticsRoutes());
  api.route('/guilds/:guildId/ai', aiRoutes());
  api.route('/guilds/:guildId/directory', directoryRoutes());
  api.route('/guilds/:guildId/names', nameRoutes());
  api.route('/guilds/:guildId/health', guildHealthRoutes());
  api.route('/guilds/:guildId', guildOpsRoutes());
  api.route('/ops', operatorOpsRoutes());
  api.route('/guilds/:guildId/seasons', seasonRoutes());
  api.route('/guilds/:guildId/audit-log', auditLogRoutes());
  api.route('/guilds/:guildId/history', historyRoutes());
  api.route('/guilds/:guildId/overview', overviewRoutes());
  api.route('/guilds/:guildId/modules', moduleRoutes());
  api.route('/guilds/:guildId/tickets', ticketAiRoutes(options.faq ?? faqLookupFor(services.database.db)));
  api.route('/guilds/:guildId/tickets', ticketRoutes());
  api.route('/guilds/:guildId/onboarding', onboardingRoutes());
  api.route('/guilds/:guildId', settingsRoutes());
  api.all('*', (c) => c.json(errorBody(c, 'not_found', `no route for ${c.req.method} ${c.req.path}`), 404));
  app.route('/api', api);

  // The panel: built files, and index.html for every other path (the SPA routes itself).
  const panelDir = options.panelDir ?? PANEL_DIR;
  const indexFile = join(panelDir, 'index.html');
  if (existsSync(indexFile)) {
    const index = readFileSync(indexFile, 'utf8');
    // Built files come precompressed (.br/.gz); hashed ones under _app/immutable never change.
    const cacheImmutable = (path: string, c: Context) => void (path.includes('/_app/immutable/') && c.header('Cache-Control', 'public, max-age=31536000, immutable'));
    app.use('/*', serveStatic({ root: panelDir, precompressed: true, rewriteRequestPath: (p) => p, onFound: cacheImmutable }));
    // A built file that is not there (a tab open across a deploy) is a 404, never the page as script.
    app.get('/_app/*', (c) => c.text('not found', 404));
    app.get('*', (c) => c.html(index));
  } else {
    app.get('/', (c) => c.html('<!doctype html><title>Cairn</title><p>Cairn is running. The panel is not built: run <code>npm run build</code>.</p>'));
  }

  app.notFound((c) => c.json(errorBody(c, 'not_found', `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(errorBody(c, error.code, error.message, error.details), error.status);
    if (error instanceof HTTPException) {
      const code = error.status === 401 ? 'unauthorized' : error.status === 413 ? 'payload_too_large' : 'bad_request';
      return c.json(errorBody(c, code, error.message || 'bad request'), error.status);
    }
    // The database went away (restart, failover, network). Not the caller's fault and not a bug: the
    // same request can be sent again (events are idempotent by source id, so a retry after a commit
    // whose answer was lost comes back as a duplicate).
    if (isDatabaseUnavailable(error)) {
      log.warn({ err: error, requestId: c.get('requestId'), path: c.req.path }, 'database unavailable; answered 503');
      c.header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      return c.json(errorBody(c, 'unavailable', 'the database is not reachable right now; retry the same request shortly'), 503);
    }
    log.error({ err: error, requestId: c.get('requestId'), path: c.req.path }, 'unhandled error');
    return c.json(errorBody(c, 'internal_error', 'something went wrong on our side; the request id identifies it in the logs'), 500);
  });
  return app;
}

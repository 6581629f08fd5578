// Fair use of the API: every credential, and every guild over all its credentials, has a budget of
// requests per minute in each bucket (ingest, expensive, analytics, api), and each guild a budget
// of events per minute through ingest; so one guild's token cannot starve the others. Counters
// live in the database (PostgresRateLimitStore), shared by every process serving it. The operator's
// token (and its sessions) is exempt: the operator sets these limits and manages every guild.
// /healthz, /metrics and /api/auth/* are outside this middleware (login has its own limit).
import type { Context, MiddlewareHandler } from 'hono';
import { every } from 'hono/combine';
import { rateLimiter } from 'hono-rate-limiter';
import type { Services } from '../../app/services.ts';
import { errorBody } from '../errors.ts';
import type { AppEnv } from '../types.ts';
import { PostgresRateLimitStore } from './postgres-rate-store.ts';

export type Bucket = 'ingest' | 'expensive' | 'analytics' | 'api';

export interface RateLimitOptions {
  /** Requests per window in the ingest, analytics and api buckets (0: no limit). */
  requests: number;
  /** Requests per window to expensive routes: dry runs, previews, imports, rechecks, AI (0: no limit). */
  expensive: number;
  /** Events per window a guild may send through ingest (0: no limit). */
  events: number;
  windowMs: number;
}

export const DefaultRateLimitOptions = {
  requests: 600,
  expensive: 120,
  events: 6_000,
  windowMs: 60_000,
} as const satisfies RateLimitOptions;

/** POST routes (below /api/guilds/:guildId) that cost far more than a read: their own, smaller budget. */
const EXPENSIVE = [/^\/dry-run$/, /^\/rule-templates\/[^/]+\/instantiate$/, /^\/rule-templates\/preview$/, /^\/currencies\/curve-preview$/, /^\/presets\/import$/, /^\/import\/balances$/, /^\/milestones\/recheck$/, /^\/ai\/(audit|digest)$/, /^\/seasons\/roll$/];
const ANALYTICS = [/^\/analytics(\/|$)/, /^\/overview$/];
const GUILD_PATH = /^\/api\/guilds\/([0-9]{1,20})(\/.*)$/;

export interface Scope {
  bucket: Bucket;
  /** The guild the request acts on, when it is below /api/guilds/:guildId. */
  guildId: string | undefined;
}

/** Which bucket a request counts in, and for which guild. */
export function scopeOf(method: string, path: string): Scope {
  const match = GUILD_PATH.exec(path.length > 1 ? path.replace(/\/+$/, '') : path);
  if (!match) return { bucket: 'api', guildId: undefined };
  const [, guildId, rest] = match as unknown as [string, string, string];
  if (method === 'POST' && rest === '/events') return { bucket: 'ingest', guildId };
  if (method === 'POST' && EXPENSIVE.some((re) => re.test(rest))) return { bucket: 'expensive', guildId };
  if (method === 'GET' && ANALYTICS.some((re) => re.test(rest))) return { bucket: 'analytics', guildId };
  return { bucket: 'api', guildId };
}

const WHAT: Record<Bucket, string> = { ingest: 'event ingest', expensive: 'dry runs, previews and imports', analytics: 'analytics', api: 'API requests' };

/** The limits configured in the environment (CAIRN_RATE_LIMIT_*). */
export function rateLimitOptionsFrom(env: Services['env']): RateLimitOptions {
  return { ...DefaultRateLimitOptions, requests: env.CAIRN_RATE_LIMIT_REQUESTS, expensive: env.CAIRN_RATE_LIMIT_EXPENSIVE, events: env.CAIRN_RATE_LIMIT_EVENTS };
}

export function rateLimits(services: Services, options: RateLimitOptions = rateLimitOptionsFrom(services.env)): MiddlewareHandler<AppEnv> {
  const { requests, expensive, events, windowMs } = options;
  const store = new PostgresRateLimitStore(services.database, { windowMs });
  const scopes = new WeakMap<Context, Scope>();
  const scope = (c: Context<AppEnv>) => {
    let found = scopes.get(c);
    if (!found) scopes.set(c, (found = scopeOf(c.req.method, c.req.path)));
    return found;
  };
  const limitOf = (bucket: Bucket) => (bucket === 'expensive' ? expensive : requests);
  const exempt = (c: Context<AppEnv>) => c.get('principal').kind === 'admin';

  const refuse = (c: Context<AppEnv>, kind: 'credential' | 'guild' | 'guild_events', bucket: Bucket, limit: number, resetTime: Date | undefined) => {
    services.metrics.rateLimited.inc({ scope: kind, bucket });
    const seconds = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000));
    c.header('Retry-After', String(seconds));
    const per = Math.round(windowMs / 1000) === 60 ? 'a minute' : `per ${Math.round(windowMs / 1000)} s`;
    const message =
      kind === 'credential'
        ? `too many ${WHAT[bucket]} for this credential: the limit is ${limit.toLocaleString('en-US')} ${per}; retry in ${seconds} s`
        : kind === 'guild'
          ? `too many ${WHAT[bucket]} for this guild: the limit is ${limit.toLocaleString('en-US')} ${per} over all its credentials; retry in ${seconds} s`
          : `too many events for this guild: the limit is ${limit.toLocaleString('en-US')} events ${per}; retry in ${seconds} s`;
    return c.json(errorBody(c, 'rate_limited', message), 429);
  };

  const perCredential = rateLimiter<AppEnv>({
    windowMs,
    store,
    standardHeaders: false,
    limit: (c) => limitOf(scope(c).bucket),
    skip: (c) => exempt(c) || limitOf(scope(c).bucket) === 0,
    keyGenerator: (c) => `credential:${c.get('principal').id}:${scope(c).bucket}`,
    handler: (c) => refuse(c, 'credential', scope(c).bucket, limitOf(scope(c).bucket), c.get('rateLimit')?.resetTime),
  });
  const perGuild = rateLimiter<AppEnv>({
    windowMs,
    store,
    standardHeaders: false,
    limit: (c) => limitOf(scope(c).bucket),
    skip: (c) => exempt(c) || scope(c).guildId === undefined || limitOf(scope(c).bucket) === 0,
    keyGenerator: (c) => `guild:${scope(c).guildId}:${scope(c).bucket}`,
    handler: (c) => refuse(c, 'guild', scope(c).bucket, limitOf(scope(c).bucket), c.get('rateLimit')?.resetTime),
  });
  // Events are counted, not requests: a request whose events would overrun the guild's budget is
  // refused whole (nothing is ingested) and its events are given back.
  const guildEvents: MiddlewareHandler<AppEnv> = async (c, next) => {
    const { bucket, guildId } = scope(c);
    if (bucket !== 'ingest' || guildId === undefined || events === 0 || exempt(c)) return next();
    const weight = await eventCount(c);
    const key = `guild:${guildId}:events`;
    const { totalHits, resetTime } = await store.add(key, weight);
    if (totalHits > events) {
      await store.add(key, -weight);
      return refuse(c, 'guild_events', bucket, events, resetTime);
    }
    return next();
  };
  return every(perCredential, perGuild, guildEvents);
}

/** How many events an ingest body carries (one when it is not an array, or not JSON: the route will say why). */
async function eventCount(c: Context<AppEnv>): Promise<number> {
  const text = await c.req.text();
  const start = text.trimStart();
  if (!start.startsWith('[')) return 1;
  try {
    const body: unknown = JSON.parse(text);
    return Array.isArray(body) ? Math.max(1, body.length) : 1;
  } catch {
    return 1;
  }
}

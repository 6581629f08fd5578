// /api/auth — panel login: with a token (the operator's or a guild-scoped one), or with Discord
// OAuth2 when DISCORD_CLIENT_ID/SECRET are set. Sessions are httpOnly SameSite=Strict cookies;
// logins are rate limited per client address.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { rateLimiter } from 'hono-rate-limiter';
import { z } from 'zod';
import { queryRows } from '../../db/client.ts';
import { createSession, deleteSession, SESSION_COOKIE, SESSION_TTL_MS, type SessionOrigin } from '../auth/sessions.ts';
import { ApiError, errorBody } from '../errors.ts';
import { requireAuth, type Authenticator } from '../middleware/auth.ts';
import type { AppEnv, Principal } from '../types.ts';
import { parseWith, readJson } from '../validate.ts';

const LoginBody = z.object({ token: z.string().min(1, 'is required').max(512) }).strict();
const OAUTH_STATE_COOKIE = 'cairn_oauth_state';
const MANAGE_GUILD = 0x20n;
const ADMINISTRATOR = 0x8n;

function clientAddress(c: Context<AppEnv>): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? c.req.header('x-forwarded-for')?.split(',')[0]?.trim() ?? 'local';
}

function secureCookies(c: Context<AppEnv>): boolean {
  const base = c.get('services').env.CAIRN_BASE_URL;
  return base ? base.startsWith('https://') : new URL(c.req.url).protocol === 'https:';
}

async function startSession(c: Context<AppEnv>, principal: Principal, origin: SessionOrigin) {
  const { db } = c.get('services').database;
  const session = await createSession(db, principal, origin);
  setCookie(c, SESSION_COOKIE, session.id, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: secureCookies(c),
    path: '/',
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
  return session;
}

const describe = (principal: Principal) =>
  principal.kind === 'admin' ? { kind: 'admin', id: principal.id, name: 'Operator', guildIds: null } : { kind: 'user', id: principal.id, name: principal.name, guildIds: principal.guildIds };

export function authRoutes(tokenAuthenticators: Authenticator[], sessionAuthenticators: Authenticator[]) {
  const limiter = rateLimiter<AppEnv>({
    windowMs: 60_000,
    limit: 10,
    standardHeaders: 'draft-7',
    keyGenerator: (c) => clientAddress(c),
    handler: (c) => c.json(errorBody(c, 'rate_limited', 'too many login attempts; wait a minute and try again'), 429),
  });

  const app = new Hono<AppEnv>();

  app.get('/config', (c) => {
    const env = c.get('services').env;
    return c.json({ methods: env.DISCORD_CLIENT_ID && env.DISCORD_CLIENT_SECRET ? ['discord', 'token'] : ['token'] });
  });

  app.post('/login', limiter, async (c) => {
    const { token } = parseWith(LoginBody, await readJson(c));
    for (const authenticator of tokenAuthenticators) {
      const found = await authenticator.authenticate({ bearer: token });
      if (!found?.origin) continue;
      const session = await startSession(c, found.principal, found.origin);
      return c.json({ principal: describe(found.principal), csrfToken: session.csrf, expiresAt: session.expiresAt.toISOString() });
    }
    throw new ApiError('unauthorized', 'that token is not valid');
  });

  app.get('/me', requireAuth([...tokenAuthenticators, ...sessionAuthenticators]), (c) =>
    c.json({ principal: describe(c.get('principal')), csrfToken: c.get('csrf') ?? null }),
  );

  app.post('/logout', requireAuth(sessionAuthenticators), async (c) => {
    const id = getCookie(c, SESSION_COOKIE);
    if (id) await deleteSession(c.get('services').database.db, id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json({ ok: true });
  });

  // Discord OAuth2 (authorization code flow).
  app.get('/discord/login', limiter, (c) => {
    const env = c.get('services').env;
    if (!env.DISCORD_CLIENT_ID || !env.DISCORD_CLIENT_SECRET) throw new ApiError('not_found', 'Discord login is not configured (DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET)');
    const state = randomBytes(18).toString('base64url');
    setCookie(c, OAUTH_STATE_COOKIE, state, { httpOnly: true, sameSite: 'Lax', secure: secureCookies(c), path: '/api/auth/discord', maxAge: 600 });
    const url = new URL('/oauth2/authorize', discordOrigin(env.DISCORD_API_URL));
    url.search = new URLSearchParams({ client_id: env.DISCORD_CLIENT_ID, response_type: 'code', scope: 'identify guilds', redirect_uri: redirectUri(c), state, prompt: 'none' }).toString();
    return c.redirect(url.toString(), 302);
  });

  app.get('/discord/callback', limiter, async (c) => {
    const services = c.get('services');
    const env = services.env;
    if (!env.DISCORD_CLIENT_ID || !env.DISCORD_CLIENT_SECRET) throw new ApiError('not_found', 'Discord login is not configured');
    const state = c.req.query('state');
    const code = c.req.query('code');
    const expected = getCookie(c, OAUTH_STATE_COOKIE);
    deleteCookie(c, OAUTH_STATE_COOKIE, { path: '/api/auth/discord' });
    if (!code || !state || !expected || state !== expected) throw new ApiError('bad_request', 'the Discord login could not be verified (state mismatch); start again');
    const api = apiBase(env.DISCORD_API_URL);
    const tokenResponse = await fetch(`${api}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: env.DISCORD_CLIENT_ID, client_secret: env.DISCORD_CLIENT_SECRET, grant_type: 'authorization_code', code, redirect_uri: redirectUri(c) }),
    });
    if (!tokenResponse.ok) throw new ApiError('unauthorized', `Discord refused the login (${tokenResponse.status})`);
    const { access_token: accessToken } = (await tokenResponse.json()) as { access_token?: string };
    if (!accessToken) throw new ApiError('unauthorized', 'Discord returned no access token');
    const headers = { Authorization: `Bearer ${accessToken}` };
    const [userRes, guildsRes] = await Promise.all([fetch(`${api}/users/@me`, { headers }), fetch(`${api}/users/@me/guilds`, { headers })]);
    if (!userRes.ok || !guildsRes.ok) throw new ApiError('unauthorized', 'Discord did not share your account and guilds');
    const user = (await userRes.json()) as { id: string; username?: string; global_name?: string };
    const guilds = (await guildsRes.json()) as { id: string; owner?: boolean; permissions?: string }[];
    const managed = guilds
      .filter((g) => g.owner || ((BigInt(g.permissions ?? '0') & (MANAGE_GUILD | ADMINISTRATOR)) !== 0n))
      .map((g) => g.id);
    // Cairn's own admin roles (guild settings admin_role_ids) also grant the panel.
    const byRole = await queryRows<{ id: string }>(
      services.database.db,
      sql`SELECT g.id::text FROM guilds g JOIN members m ON m.guild_id = g.id AND m.user_id = ${user.id}
          WHERE jsonb_typeof(g.settings->'admin_role_ids') = 'array'
            AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(g.settings->'admin_role_ids') r WHERE r = ANY(m.roles))`,
    );
    const principal: Principal = { kind: 'user', id: String(user.id), name: user.global_name ?? user.username ?? 'Discord user', guildIds: [...new Set([...managed, ...byRole.map((r) => r.id)])] };
    await startSession(c, principal, { kind: 'discord' });
    return c.redirect('/', 302);
  });

  return app;
}

function discordOrigin(apiUrl: string | undefined): string {
  return apiUrl ? new URL(apiUrl).origin : 'https://discord.com';
}

function apiBase(apiUrl: string | undefined): string {
  return (apiUrl ?? 'https://discord.com/api').replace(/\/+$/, '') + '/v10';
}

/**
 * Where Discord sends the browser back: always under CAIRN_BASE_URL (required with OAuth, see
 * config/env.ts), never the request's Host header, which the client chooses.
 */
function redirectUri(c: Context<AppEnv>): string {
  const base = c.get('services').env.CAIRN_BASE_URL;
  if (!base) throw new ApiError('not_found', 'Discord login needs CAIRN_BASE_URL (the public URL of the panel)');
  return `${base.replace(/\/+$/, '')}/api/auth/discord/callback`;
}

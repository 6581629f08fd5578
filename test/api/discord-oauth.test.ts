// Panel login with Discord OAuth2 (authorization code flow) against a fake Discord on 127.0.0.1.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';

const THIRD_GUILD = '1160511689263947798';
const BASE_URL = 'https://cairn.example.org';
let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
let discord: Server;
const seen: { path: string; body: string; auth?: string }[] = [];

beforeAll(async () => {
  discord = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', body, ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
      res.setHeader('Content-Type', 'application/json');
      if (req.url === '/api/v10/oauth2/token') {
        const code = new URLSearchParams(body).get('code');
        if (code !== 'good-code') return res.writeHead(400).end(JSON.stringify({ error: 'invalid_grant' }));
        return res.end(JSON.stringify({ access_token: 'user-access-token', token_type: 'Bearer' }));
      }
      if (req.headers.authorization !== 'Bearer user-access-token') return res.writeHead(401).end('{}');
      if (req.url === '/api/v10/users/@me') return res.end(JSON.stringify({ id: '555555555555555555', username: 'mod', global_name: 'The Mod' }));
      if (req.url === '/api/v10/users/@me/guilds') {
        return res.end(JSON.stringify([
          { id: GUILD, name: 'A', owner: false, permissions: String(0x20) }, // Manage Guild
          { id: OTHER_GUILD, name: 'B', owner: false, permissions: String(0x400) }, // view only
          { id: THIRD_GUILD, name: 'C', owner: true, permissions: '0' },
        ]));
      }
      res.writeHead(404).end('{}');
    });
  });
  await new Promise<void>((r) => discord.listen(0, '127.0.0.1', r));
  const port = (discord.address() as AddressInfo).port;
  database = await createTestDatabase();
  for (const g of [GUILD, OTHER_GUILD, THIRD_GUILD]) await seedGuild(database, { guildId: g, currencies: [{ key: `c${g.slice(-1)}` }] });
  api = await createTestApp(database, { DISCORD_CLIENT_ID: '123456', DISCORD_CLIENT_SECRET: 'client-secret-value', DISCORD_API_URL: `http://127.0.0.1:${port}/api`, CAIRN_BASE_URL: BASE_URL });
});
afterAll(async () => {
  await api.services.close();
  await new Promise<void>((r) => discord.close(() => r()));
});

describe('Discord OAuth2 login', () => {
  it('signs in and manages exactly the guilds where the user has Manage Server (or owns)', async () => {
    expect(await json(await api.app.request('/api/auth/config'))).toEqual({ methods: ['discord', 'token'] });
    const start = await api.app.request('/api/auth/discord/login');
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get('location')!);
    expect(location.pathname).toBe('/oauth2/authorize');
    expect(location.searchParams.get('client_id')).toBe('123456');
    const state = location.searchParams.get('state')!;
    const stateCookie = start.headers.get('set-cookie')!.split(';')[0]!;
    const callback = await api.app.request(`/api/auth/discord/callback?code=good-code&state=${state}`, { headers: { Cookie: stateCookie } });
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/');
    const session = callback.headers.getSetCookie().find((c) => c.startsWith('cairn_session='))!.split(';')[0]!;
    const me = await json(await api.app.request('/api/auth/me', { headers: { Cookie: session } }));
    expect(me.principal).toEqual({ kind: 'user', id: '555555555555555555', name: 'The Mod', guildIds: [GUILD, THIRD_GUILD] });
    const guilds = await json(await api.app.request('/api/guilds', { headers: { Cookie: session } }));
    expect(guilds.map((g: { id: string }) => g.id).sort()).toEqual([GUILD, THIRD_GUILD].sort());
    expect((await api.app.request(`/api/guilds/${OTHER_GUILD}/rules`, { headers: { Cookie: session } })).status).toBe(403);
    expect(seen.find((s) => s.path === '/api/v10/oauth2/token')!.body).toContain('client_secret=client-secret-value');
  });

  it('refuses a callback whose state does not match, and a code Discord rejects', async () => {
    expect((await api.app.request('/api/auth/discord/callback?code=good-code&state=forged', { headers: { Cookie: 'cairn_oauth_state=other' } })).status).toBe(400);
    const start = await api.app.request('/api/auth/discord/login');
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
    expect((await api.app.request(`/api/auth/discord/callback?code=bad&state=${state}`, { headers: { Cookie: cookie } })).status).toBe(401);
  });
});

/** Signs in through the fake Discord; returns the session cookie. */
async function discordLogin(): Promise<string> {
  const start = await api.app.request('/api/auth/discord/login');
  const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
  const stateCookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const callback = await api.app.request(`/api/auth/discord/callback?code=good-code&state=${state}`, { headers: { Cookie: stateCookie } });
  return callback.headers.getSetCookie().find((c) => c.startsWith('cairn_session='))!.split(';')[0]!;
}

/** A real HTTP request to a listening Cairn, with a Host header of the caller's choosing. */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the OAuth redirect URI', () => {
  it('comes from CAIRN_BASE_URL, never from the Host header of the request', async () => {
    const server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    try {
      const port = (server.address() as AddressInfo).port;
      const start = await rawGet(port, '/api/auth/discord/login', { Host: 'evil.example', 'X-Forwarded-Host': 'evil.example' });
      expect(start.status).toBe(302);
      const location = String(start.headers.location);
      expect(location).not.toContain('evil.example');
      expect(new URL(location).searchParams.get('redirect_uri')).toBe(`${BASE_URL}/api/auth/discord/callback`);

      // The code exchange names the same redirect URI, and the browser returns to the panel's root.
      const state = new URL(location).searchParams.get('state')!;
      const stateCookie = String((start.headers['set-cookie'] as string[])[0]).split(';')[0]!;
      seen.length = 0;
      const callback = await rawGet(port, `/api/auth/discord/callback?code=good-code&state=${state}`, { Host: 'evil.example', Cookie: stateCookie });
      expect(callback.status).toBe(302);
      expect(callback.headers.location).toBe('/');
      const exchange = new URLSearchParams(seen.find((s) => s.path === '/api/v10/oauth2/token')!.body);
      expect(exchange.get('redirect_uri')).toBe(`${BASE_URL}/api/auth/discord/callback`);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('a Discord session and token revocation', () => {
  it('is unaffected by revoking guild tokens (it was not opened with one)', async () => {
    const session = await discordLogin();
    const issued = await json(await api.request('/api/tokens', { method: 'POST', json: { name: 'guild admin', guildIds: [GUILD] } }));
    const tokenSession = await api.app.request('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: issued.token }) });
    const tokenCookie = tokenSession.headers.get('set-cookie')!.split(';')[0]!;
    expect((await api.request(`/api/tokens/${issued.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await api.app.request(`/api/guilds/${GUILD}/currencies`, { headers: { Cookie: tokenCookie } })).status).toBe(401);
    expect((await api.app.request(`/api/guilds/${GUILD}/currencies`, { headers: { Cookie: session } })).status).toBe(200);
    expect((await json(await api.app.request('/api/auth/me', { headers: { Cookie: session } }))).principal.id).toBe('555555555555555555');
  });
});

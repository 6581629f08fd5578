// Authentication and authorisation: tokens, sessions with CSRF, guild-scoped admins, rate limits.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, json, ADMIN_TOKEN } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
});
afterAll(async () => {
  await api.services.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }] });
  await seedGuild(database, { guildId: OTHER_GUILD, currencies: [{ key: 'xp' }] });
});

/** A browser-like session: cookie jar + CSRF header on changes. */
async function login(token: string) {
  const res = await api.app.request('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `10.0.0.${Math.floor(Math.random() * 200)}` }, body: JSON.stringify({ token }) });
  const cookie = res.headers.get('set-cookie') ?? '';
  const body = await json(res);
  return { status: res.status, body, cookie: cookie.split(';')[0]!, setCookie: cookie };
}

const issue = async (guildIds: string[]) => json(await api.request('/api/tokens', { method: 'POST', json: { name: 'guild admin', guildIds } }));

describe('token login and sessions', () => {
  it('logs in with the operator token into an httpOnly SameSite cookie session', async () => {
    const session = await login(ADMIN_TOKEN);
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ principal: { kind: 'admin' }, csrfToken: expect.any(String) });
    expect(session.setCookie).toMatch(/HttpOnly/i);
    expect(session.setCookie).toMatch(/SameSite=Strict/i);
    const me = await json(await api.app.request('/api/auth/me', { headers: { Cookie: session.cookie } }));
    expect(me).toMatchObject({ principal: { kind: 'admin' }, csrfToken: session.body.csrfToken });
    const guilds = await json(await api.app.request('/api/guilds', { headers: { Cookie: session.cookie } }));
    expect(guilds.map((g: { id: string }) => g.id).sort()).toEqual([GUILD, OTHER_GUILD].sort());
  });

  it('refuses a wrong token, and a cookie change without the CSRF token', async () => {
    expect((await login('not-a-token-at-all-0000')).status).toBe(401);
    const session = await login(ADMIN_TOKEN);
    const put = (headers: Record<string, string>) =>
      api.app.request(`/api/guilds/${GUILD}/currencies/gold`, { method: 'PUT', headers: { Cookie: session.cookie, 'Content-Type': 'application/json', ...headers }, body: JSON.stringify({ name: 'Gold' }) });
    const refused = await put({});
    expect(refused.status).toBe(403);
    expect((await json(refused)).error.message).toContain('CSRF');
    expect((await put({ 'X-CSRF-Token': 'forged' })).status).toBe(403);
    expect((await put({ 'X-CSRF-Token': session.body.csrfToken })).status).toBe(200);
  });

  it('logs out: the cookie no longer works', async () => {
    const session = await login(ADMIN_TOKEN);
    const out = await api.app.request('/api/auth/logout', { method: 'POST', headers: { Cookie: session.cookie, 'X-CSRF-Token': session.body.csrfToken } });
    expect(out.status).toBe(200);
    expect((await api.app.request('/api/guilds', { headers: { Cookie: session.cookie } })).status).toBe(401);
  });

  it('rate-limits login attempts from one address', async () => {
    const attempt = () => api.app.request('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '203.0.113.9' }, body: JSON.stringify({ token: 'wrong-token-wrong-token' }) });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await attempt()).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});

describe('two guilds, two admins', () => {
  it('a guild admin sees and changes only their guild; the other is 403 and reveals nothing', async () => {
    const one = await issue([GUILD]);
    const two = await issue([OTHER_GUILD]);
    expect(one.token).toMatch(/^cairn_/);
    const as = (token: string, path: string, init: RequestInit & { json?: unknown } = {}) => api.request(path, { ...init, token });
    expect((await json(await as(one.token, '/api/guilds'))).map((g: { id: string }) => g.id)).toEqual([GUILD]);
    expect((await as(one.token, `/api/guilds/${GUILD}/currencies`)).status).toBe(200);
    const forbidden = await as(one.token, `/api/guilds/${OTHER_GUILD}/currencies`);
    expect(forbidden.status).toBe(403);
    expect(JSON.stringify(await json(forbidden))).not.toContain('xp');
    expect((await as(two.token, `/api/guilds/${GUILD}/rules`, { method: 'POST', json: { key: 'x', name: 'x', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', currency: 'xp', amount: 1 }] } })).status).toBe(403);
    expect((await as(two.token, `/api/guilds/${GUILD}/members/123`)).status).toBe(403);
    // Only the operator issues tokens.
    expect((await as(one.token, '/api/tokens')).status).toBe(403);
    // A guild admin can log into the panel with their token too, scoped the same way.
    const session = await login(two.token);
    expect(session.body.principal).toMatchObject({ kind: 'user', guildIds: [OTHER_GUILD] });
  });

  it('a revoked token stops working', async () => {
    const one = await issue([GUILD]);
    expect((await api.request(`/api/tokens/${one.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await api.request('/api/guilds', { token: one.token })).status).toBe(401);
  });
});

describe('OpenAPI', () => {
  it('documents every route group, generated from the zod schemas', async () => {
    const doc = await json(await api.request('/api/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/api/guilds/{guildId}/rules', '/api/guilds/{guildId}/rules/{key}/rollback', '/api/guilds/{guildId}/members/{userId}', '/api/guilds/{guildId}/presets/import', '/api/guilds/{guildId}/events', '/healthz']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(JSON.stringify(doc.paths['/api/guilds/{guildId}/rules'].post)).toContain('stop_processing');
  });
});

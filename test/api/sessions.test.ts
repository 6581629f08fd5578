// Panel sessions end with the credential they were opened with: revoking a guild token ends its
// sessions, and a restart with a new operator token ends the old operator sessions.
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/api/auth/sessions.ts';
import { sessions } from '../../src/db/schema.ts';
import { ADMIN_TOKEN, createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

let database: TestDatabase;
let api: TestApp;
/** Other processes over the same database (restarts); they share its connection, closed once. */
const restarted: TestApp[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
});
afterAll(async () => {
  for (const other of restarted) await other.services.configs.stop();
  await api.services.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }] });
  await seedGuild(database, { guildId: OTHER_GUILD, currencies: [{ key: 'xp' }] });
});

async function restart(adminToken: string): Promise<TestApp> {
  const app = await createTestApp(database, { CAIRN_ADMIN_TOKEN: adminToken });
  restarted.push(app);
  return app;
}

/** A browser session on `app`: its cookie and CSRF token. */
async function login(app: TestApp, token: string) {
  const res = await app.app.request('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '198.51.100.7' }, body: JSON.stringify({ token }) });
  expect(res.status).toBe(200);
  const body = await json(res);
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrf: body.csrfToken as string };
}

const read = (app: TestApp, session: { cookie: string }) => app.app.request(`/api/guilds/${GUILD}/currencies`, { headers: { Cookie: session.cookie } });
const write = (app: TestApp, session: { cookie: string; csrf: string }, name = 'Gold') =>
  app.app.request(`/api/guilds/${GUILD}/currencies/gold`, {
    method: 'PUT',
    headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  });

const issue = async (guildIds: string[]) => json(await api.request('/api/tokens', { method: 'POST', json: { name: 'guild admin', guildIds } }));

describe('revoking a guild token', () => {
  it('ends the panel sessions opened with it, for reads and writes, at once', async () => {
    const token = await issue([GUILD]);
    const session = await login(api, token.token);
    expect((await read(api, session)).status).toBe(200);
    expect((await write(api, session)).status).toBe(200);

    const revoked = await api.request(`/api/tokens/${token.id}`, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect(await json(revoked)).toEqual({ revoked: token.id, sessionsEnded: 1 });

    const afterRead = await read(api, session);
    expect(afterRead.status).toBe(401);
    expect((await json(afterRead)).error.code).toBe('unauthorized');
    expect((await write(api, session, 'Stolen')).status).toBe(401);
    expect((await api.app.request('/api/auth/me', { headers: { Cookie: session.cookie } })).status).toBe(401);
    const currency = await json(await api.request(`/api/guilds/${GUILD}/currencies/gold`));
    expect(currency.name).toBe('Gold');
  });

  it('leaves the sessions of other tokens and of the operator working', async () => {
    const revokedToken = await issue([GUILD]);
    const keptToken = await issue([GUILD]);
    const doomed = await login(api, revokedToken.token);
    const kept = await login(api, keptToken.token);
    const operator = await login(api, ADMIN_TOKEN);
    expect((await api.request(`/api/tokens/${revokedToken.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await read(api, doomed)).status).toBe(401);
    expect((await read(api, kept)).status).toBe(200);
    expect((await write(api, kept)).status).toBe(200);
    expect((await read(api, operator)).status).toBe(200);
  });

  it('lists tokens without their secrets, and answers 404 for a token that does not exist', async () => {
    const token = await issue([GUILD]);
    const list = await json(await api.request('/api/tokens'));
    expect(list).toEqual([{ id: token.id, name: 'guild admin', guildIds: [GUILD], createdBy: expect.any(String), createdAt: expect.any(String), lastUsedAt: null }]);
    expect(JSON.stringify(list)).not.toContain(token.token);
    expect((await api.request('/api/tokens/999999', { method: 'DELETE' })).status).toBe(404);
    const huge = await api.request('/api/tokens/99999999999', { method: 'DELETE' });
    expect(huge.status).toBe(422);
    expect((await json(huge)).error.code).toBe('validation_failed');
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = await json(await api.request('/api/openapi.json'));
    expect(Object.keys(doc.paths['/api/tokens/{id}'])).toContain('delete');
    expect(JSON.stringify(doc.paths['/api/tokens/{id}'].delete)).toContain('sessionsEnded');
  });
});

describe('a restart with another CAIRN_ADMIN_TOKEN', () => {
  it('ends the operator sessions opened with the old token', async () => {
    const session = await login(api, ADMIN_TOKEN);
    expect((await read(api, session)).status).toBe(200);
    const rotated = await restart('rotated-admin-token-0123456789');
    const refused = await read(rotated, session);
    expect(refused.status).toBe(401);
    expect((await json(refused)).error.code).toBe('unauthorized');
    expect((await write(rotated, session, 'Stolen')).status).toBe(401);
    // The new token opens sessions of its own.
    const fresh = await login(rotated, 'rotated-admin-token-0123456789');
    expect((await write(rotated, fresh)).status).toBe(200);
  });

  it('keeps operator sessions across a restart with the same token, and guild-token sessions across a rotation', async () => {
    const operator = await login(api, ADMIN_TOKEN);
    const token = await issue([GUILD]);
    const guildAdmin = await login(api, token.token);
    const same = await restart(ADMIN_TOKEN);
    expect((await read(same, operator)).status).toBe(200);
    const rotated = await restart('rotated-admin-token-0123456789');
    expect((await read(rotated, guildAdmin)).status).toBe(200);
  });
});

describe('sessions from before migration 0015', () => {
  it('are linked to their token, or ended when their token is gone or they are the operator\'s (no fingerprint)', async () => {
    const token = await issue([GUILD]);
    const legacy = (id: string, subject: string, guildIds: string[] | null) => ({
      idHash: hashSecret(id), kind: guildIds ? 'user' : 'admin', subject, name: 'legacy', guildIds, csrf: 'csrf', expiresAt: new Date(Date.now() + 3_600_000),
    });
    await database.db.insert(sessions).values([
      legacy('token-session', `token:${token.id}`, [GUILD]),
      legacy('revoked-token-session', 'token:4242', [GUILD]),
      legacy('operator-session', 'admin-token', null),
      legacy('discord-session', '555555555555555555', [GUILD]),
    ]);
    const migration = readFileSync(new URL('../../drizzle/0015_session_origins_and_rate_limits.sql', import.meta.url), 'utf8');
    const data = migration.split('--> statement-breakpoint').map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter((s) => /^(UPDATE|DELETE)/.test(s));
    expect(data).toHaveLength(2);
    for (const statement of data) await database.db.execute(sql.raw(statement));

    const cookie = (id: string) => ({ cookie: `cairn_session=${id}` });
    expect((await read(api, cookie('token-session'))).status).toBe(200);
    expect((await read(api, cookie('revoked-token-session'))).status).toBe(401);
    expect((await read(api, cookie('operator-session'))).status).toBe(401);
    expect((await read(api, cookie('discord-session'))).status).toBe(200);
    // The linked session now ends with its token.
    expect(await json(await api.request(`/api/tokens/${token.id}`, { method: 'DELETE' }))).toEqual({ revoked: token.id, sessionsEnded: 1 });
    expect((await read(api, cookie('token-session'))).status).toBe(401);
  });
});

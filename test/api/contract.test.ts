// The API contract as a whole: every registered route is in the OpenAPI document and vice versa;
// every documented route refuses a caller without credentials (401), a guild admin of another guild
// (403, revealing nothing and changing nothing) and a cookie session without its CSRF token (403);
// each route group reports validation errors with field paths; happy responses match the
// documented response schemas. Per-feature behaviour is in the other files of test/api.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_DOCS } from '../../src/api/app.ts';
import type { RouteDoc } from '../../src/api/openapi.ts';
import { queryRows } from '../../src/db/client.ts';
import { ScheduledEventSync } from '../../src/discord/scheduled-event-sync.ts';
import { creditRule, event } from '../rules/support.ts';
import { ADMIN_TOKEN, createTestApp, json } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';
import { saveTicketSettings, seedTicket, seedTicketMessages } from '../support/tickets.ts';
import { seedOnboarding } from '../support/onboarding.ts';

let database: TestDatabase;
/** A scheduled event GET analytics/events/{eventId} can read. */
const SCHEDULED_EVENT = '1300000000000000001';
let api: Awaited<ReturnType<typeof createTestApp>>;
/** Guild-scoped tokens: admin one manages GUILD, admin two manages OTHER_GUILD. */
let one: string;
let two: string;

beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
  // One shared fixture (the security checks change nothing; the happy paths are read-mostly).
  await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'gold', spendable: true }] });
  await seedGuild(database, { guildId: OTHER_GUILD, currencies: [{ key: 'xp' }] });
  await new ScheduledEventSync(database.db).upsert({
    guildId: GUILD, scheduledEventId: SCHEDULED_EVENT, name: 'Town hall', description: null, entityType: 'external', channelId: null, location: 'Library',
    creatorId: ALICE, scheduledStart: '2026-12-01T18:00:00.000Z', scheduledEnd: null, status: 'scheduled', userCount: 3,
  });
  one = (await json(await api.request('/api/tokens', { method: 'POST', json: { name: 'admin one', guildIds: [GUILD] } }))).token;
  two = (await json(await api.request('/api/tokens', { method: 'POST', json: { name: 'admin two', guildIds: [OTHER_GUILD] } }))).token;
  const G = `/api/guilds/${GUILD}`;
  const ok = async (path: string, init: { method: string; json?: unknown }) => {
    const res = await api.request(path, init);
    if (res.status >= 300) throw new Error(`fixture ${init.method} ${path}: ${res.status} ${await res.text()}`);
  };
  await ok(`${G}/zones/help`, { method: 'PUT', json: { name: 'Help', channels: ['42'] } });
  await ok(`${G}/rules/msg`, { method: 'PUT', json: creditRule('msg', { amount: 5, name: 'Message XP' }) });
  await ok(`${G}/rules/msg`, { method: 'PUT', json: creditRule('msg', { amount: 7, name: 'Message XP' }) });
  await ok(`${G}/milestones/helper`, { method: 'PUT', json: { name: 'Helper', requirement: { type: 'custom' } } });
  await ok(`${G}/shop/coffee`, { method: 'PUT', json: { name: 'Coffee', currency: 'gold', price: 1, stock: 100 } });
  await ok(`${G}/faq/msg`, { method: 'PUT', json: { question: 'How do I earn message XP?', answer: 'Chat.' } });
  await ok(`${G}/commands/hello`, { method: 'PUT', json: { description: 'Say hello', reply: { template: 'Hello {member}' } } });
  const today = new Date().toISOString();
  await ok(`${G}/events`, { method: 'POST', json: [event('message_create', { occurred_at: today }), event('message_create', { actor_id: BOB, occurred_at: today })] });
  await ok(`${G}/members/${ALICE}/award`, { method: 'POST', json: { currency: 'gold', amount: 20, reason: 'fixture' } });
  // Ticket #1 with a kept transcript, for GET tickets/{number} and its exports.
  await saveTicketSettings(database, { transcripts: { enabled: true } });
  await seedTicket(database, { number: 1, openedAt: today, openerId: BOB });
  await seedTicketMessages(database, 1, [{ authorId: BOB, content: 'fixture', sentAt: today }]);
  await seedOnboarding(database, GUILD, [{ userId: ALICE, joinedAt: new Date() }]);
});
afterAll(async () => {
  await api.services.close();
});

/** A concrete URL for a documented path: {guildId} → the given guild, other parameters → fixture values. */
function urlOf(doc: RouteDoc, guildId = GUILD): string {
  const values: Record<string, string> = { guildId, key: 'msg', userId: ALICE, id: '1', name: 'rule', kind: 'rule', eventId: SCHEDULED_EVENT, number: '1' };
  return doc.path.replace(/\{(\w+)\}/g, (_, p: string) => values[p] ?? 'x');
}

async function login(token: string) {
  const res = await api.app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `198.51.100.${Math.floor(Math.random() * 250)}` },
    body: JSON.stringify({ token }),
  });
  expect(res.status).toBe(200);
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: (await json(res)).csrfToken as string };
}

/** Everything a refused request could have changed, to prove it changed nothing. */
const fingerprint = async () =>
  JSON.stringify(
    await queryRows(
      database.db,
      sql`SELECT (SELECT count(*) FROM audit_log) AS audit, (SELECT count(*) FROM rules) AS rules, (SELECT count(*) FROM transactions) AS tx,
                 (SELECT count(*) FROM lake_events) AS lake, (SELECT count(*) FROM api_tokens) AS tokens, (SELECT count(*) FROM seasons) AS seasons,
                 (SELECT max(version) FROM rules) AS rule_version, (SELECT settings::text FROM guilds WHERE id = ${GUILD}) AS settings`,
    ),
  );

const protectedDocs = ROUTE_DOCS.filter((d) => !d.public);
const guildDocs = protectedDocs.filter((d) => d.path.startsWith('/api/guilds/{guildId}'));
const changingDocs = protectedDocs.filter((d) => d.method !== 'get');
const bodyFor = (doc: RouteDoc) => (doc.method === 'get' || doc.method === 'delete' ? undefined : JSON.stringify({}));

describe('the OpenAPI document matches the routes', () => {
  it('documents every registered route, and registers every documented one', async () => {
    const toOpenApi = (p: string) => p.replace(/:(\w+)/g, '{$1}');
    const registered = new Set(
      api.app.routes
        .filter((r) => r.method !== 'ALL' && (r.path.startsWith('/api/') || r.path === '/healthz' || r.path === '/metrics'))
        .map((r) => `${r.method.toLowerCase()} ${toOpenApi(r.path)}`),
    );
    const documented = new Set(ROUTE_DOCS.map((d) => `${d.method} ${d.path}`));
    expect([...registered].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((d) => !registered.has(d))).toEqual([]);
    const doc = await json(await api.request('/api/openapi.json'));
    for (const d of ROUTE_DOCS) expect(doc.paths[d.path]?.[d.method], `${d.method} ${d.path}`).toBeDefined();
  });

  it('gives every route that answers JSON a response schema, and every change a request body schema', () => {
    const textual = new Set(['get /metrics', 'get /api/openapi.json', 'get /api/schemas/{name}', 'get /api/auth/discord/login', 'get /api/auth/discord/callback', 'get /api/guilds/{guildId}/members/{userId}/card.png', 'get /api/guilds/{guildId}/tickets/{number}/transcript.html']);
    const bodiless = /\/(delete|rollback|recheck|roll|logout|dismiss|apply)$|\{key\}$|\{id\}$/;
    const missingResponse = ROUTE_DOCS.filter((d) => !d.response && !textual.has(`${d.method} ${d.path}`));
    expect(missingResponse.map((d) => `${d.method} ${d.path}`)).toEqual([]);
    const missingBody = ROUTE_DOCS.filter((d) => (d.method === 'post' || d.method === 'put' || d.method === 'patch') && !d.body && !bodiless.test(d.path));
    expect(missingBody.map((d) => `${d.method} ${d.path}`)).toEqual([]);
  });
});

describe('security on every documented route', () => {
  it('401 without credentials, and with a wrong bearer token', async () => {
    const before = await fingerprint();
    for (const doc of protectedDocs) {
      const init = { method: doc.method.toUpperCase(), headers: { 'Content-Type': 'application/json' }, body: bodyFor(doc) };
      const none = await api.app.request(urlOf(doc), init);
      expect(none.status, `${doc.method} ${doc.path} without credentials`).toBe(401);
      expect((await json(none)).error).toMatchObject({ code: 'unauthorized', requestId: expect.any(String) });
      const wrong = await api.app.request(urlOf(doc), { ...init, headers: { ...init.headers, Authorization: 'Bearer cairn_not-a-real-token' } });
      expect(wrong.status, `${doc.method} ${doc.path} with a wrong token`).toBe(401);
    }
    expect(await fingerprint()).toBe(before);
  });

  it("403 for another guild's admin (token or session), revealing nothing and changing nothing", async () => {
    const before = await fingerprint();
    const session = await login(two);
    for (const doc of guildDocs) {
      const byToken = await api.request(urlOf(doc), { method: doc.method.toUpperCase(), token: two, headers: { 'Content-Type': 'application/json' }, body: bodyFor(doc) });
      expect(byToken.status, `${doc.method} ${doc.path} by token`).toBe(403);
      const text = await byToken.text();
      expect(JSON.parse(text).error.code).toBe('forbidden');
      for (const secret of ['msg', 'Message XP', 'coffee', 'help', ALICE]) expect(text, `${doc.path} leaks ${secret}`).not.toContain(secret);
      const bySession = await api.app.request(urlOf(doc), { method: doc.method.toUpperCase(), headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf, 'Content-Type': 'application/json' }, body: bodyFor(doc) });
      expect(bySession.status, `${doc.method} ${doc.path} by session`).toBe(403);
    }
    // Operator-only routes refuse a guild admin as well.
    for (const doc of protectedDocs.filter((d) => d.path.startsWith('/api/tokens'))) {
      expect((await api.request(urlOf(doc), { method: doc.method.toUpperCase(), token: one, json: doc.method === 'post' ? { name: 'x', guildIds: [OTHER_GUILD] } : undefined })).status).toBe(403);
    }
    expect(await fingerprint()).toBe(before);
    // The same admin reaches their own guild.
    expect((await api.request(`/api/guilds/${OTHER_GUILD}/currencies`, { token: two })).status).toBe(200);
  });

  it('403 for a cookie session changing anything without its CSRF token (or with a wrong one)', async () => {
    const session = await login(ADMIN_TOKEN);
    const before = await fingerprint();
    for (const doc of changingDocs) {
      for (const csrf of [undefined, 'forged-token', `${session.csrf}x`]) {
        const res = await api.app.request(urlOf(doc), {
          method: doc.method.toUpperCase(),
          headers: { Cookie: session.cookie, 'Content-Type': 'application/json', ...(csrf ? { 'X-CSRF-Token': csrf } : {}) },
          body: bodyFor(doc),
        });
        expect(res.status, `${doc.method} ${doc.path} with CSRF ${csrf ?? 'missing'}`).toBe(403);
        expect((await json(res)).error.message).toContain('CSRF');
      }
    }
    expect(await fingerprint()).toBe(before);
    // Reading needs no CSRF token; a change with it goes through.
    expect((await api.app.request(`/api/guilds/${GUILD}/rules`, { headers: { Cookie: session.cookie } })).status).toBe(200);
    const patched = await api.app.request(`/api/guilds/${GUILD}/settings`, { method: 'PATCH', headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf, 'Content-Type': 'application/json' }, body: JSON.stringify({ retention_days: 60 }) });
    expect(patched.status).toBe(200);
  });

  it('a bearer token needs no CSRF token (it is not sent by browsers on their own)', async () => {
    const res = await api.request(`/api/guilds/${GUILD}/currencies/curve-preview`, { method: 'POST', token: one, json: { level_curve: { kind: 'exponential', base: 100, factor: 1.25 }, levels: 3 } });
    expect(res.status).toBe(200);
  });

  it('a malformed guild id in the URL is a 400 naming guildId, before any lookup', async () => {
    const res = await api.request('/api/guilds/not-a-snowflake/rules');
    expect(res.status).toBe(400);
    expect((await json(res)).error.details).toEqual([{ path: 'guildId', message: 'must be digits' }]);
  });
});

describe('validation errors name the field, per route group', () => {
  const G = `/api/guilds/${GUILD}`;
  const cases: [string, string, string, unknown, string][] = [
    ['events', 'POST', `${G}/events`, [{ source_id: '1', type: 'message_create', guild_id: GUILD, actor_id: 'abc', occurred_at: 'yesterday' }], 'actor_id'],
    ['dry run', 'POST', `${G}/dry-run`, { event: { type: 'message_create' } }, 'event.source_id'],
    ['leaderboard', 'GET', `${G}/leaderboard?currency=xp&limit=500`, undefined, 'limit'],
    ['rules', 'PUT', `${G}/rules/r`, { ...creditRule('r'), priority: 'high' }, 'priority'],
    ['rules patch', 'PATCH', `${G}/rules/msg`, { mode: 'sometimes' }, 'mode'],
    ['rules rollback', 'POST', `${G}/rules/msg/rollback`, { version: -1 }, 'version'],
    ['currencies', 'PUT', `${G}/currencies/gems`, { symbol: 'G' }, 'name'],
    ['level curve preview', 'POST', `${G}/currencies/curve-preview`, { level_curve: { kind: 'exponential', base: -1, factor: 1.2 } }, 'level_curve.base'],
    ['zones', 'PUT', `${G}/zones/z`, { name: 'Z', channels: 'everywhere' }, 'channels'],
    ['milestones', 'PUT', `${G}/milestones/m`, { name: 'M', requirement: { type: 'count', event: 'nothing', count: 0 } }, 'requirement'],
    ['milestone award', 'POST', `${G}/milestones/helper/award`, { member: 5 }, 'member'],
    ['shop', 'PUT', `${G}/shop/tea`, { name: 'Tea', currency: 'gold', price: -1 }, 'price'],
    ['commands', 'PUT', `${G}/commands/tea`, { description: 'Tea', reply: { template: '{option.cup}' } }, 'reply.template'],
    ['purchase', 'POST', `${G}/shop/coffee/purchase`, { member: 'someone' }, 'member'],
    ['members award', 'POST', `${G}/members/${ALICE}/award`, { currency: 'gold', amount: 0 }, 'amount'],
    ['members list', 'GET', `${G}/members?limit=0`, undefined, 'limit'],
    ['presets import', 'POST', `${G}/presets/import`, { preset: 'classic', bindings: { channels: { announcements: 'general' } } }, 'bindings.channels.announcements'],
    ['balance import', 'POST', `${G}/import/balances`, { currency: 'xp', format: 'xml', content: 'a' }, 'format'],
    ['seasons', 'POST', `${G}/seasons/roll`, { at: 'yesterday' }, 'at'],
    ['settings', 'PATCH', `${G}/settings`, { retention_days: 1 }, 'retention_days'],
    ['audit log', 'GET', `${G}/audit-log?limit=0`, undefined, 'limit'],
    ['audit rollback', 'POST', `${G}/audit-log/abc/rollback`, undefined, 'id'],
    ['history restore', 'POST', `${G}/history/currency/xp/restore`, { version: 'first' }, 'version'],
    ['overview', 'GET', `${G}/overview?days=0`, undefined, 'days'],
    ['data sources', 'GET', `${G}/data-sources?days=9999`, undefined, 'days'],
    ['tickets', 'GET', `${G}/tickets?status=pending`, undefined, 'status[0]'],
    ['ticket metrics', 'GET', `${G}/tickets/metrics?weeks=0`, undefined, 'weeks'],
    ['tokens', 'POST', '/api/tokens', { name: 'x', guildIds: ['general'] }, 'guildIds[0]'],
  ];
  it.each(cases)('%s: %s %s → 422 with the field path', async (_group, method, path, body, field) => {
    const res = await api.request(path, { method, ...(body === undefined ? {} : { json: body }) });
    const out = await json(res);
    expect(res.status, JSON.stringify(out)).toBe(422);
    expect(out.error.code).toBe('validation_failed');
    // Events report per index: [{ index, errors: [{ path }] }]; everything else lists { path } directly.
    const paths = (out.error.details as { path?: string; index?: number; errors?: { path: string }[] }[]).flatMap((d) => d.errors?.map((e) => `[${d.index}].${e.path}`) ?? [d.path]);
    expect(paths).toContainEqual(expect.stringContaining(field));
  });

  it('login: a missing token is a 422 naming token', async () => {
    const res = await api.app.request('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '198.51.100.254' }, body: '{}' });
    expect(res.status).toBe(422);
    expect((await json(res)).error.details[0].path).toBe('token');
  });

  it('malformed JSON and a non-JSON content type are 400 and 415, not crashes', async () => {
    const bad = await api.app.request(`${G}/rules/r`, { method: 'PUT', headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' }, body: '{"key":' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBe('invalid_json');
    const text = await api.app.request(`${G}/rules/r`, { method: 'PUT', headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'text/plain' }, body: 'hello' });
    expect(text.status).toBe(415);
  });
});

describe('happy responses match their documented schemas', () => {
  const docOf = (method: RouteDoc['method'], path: string) => {
    const doc = ROUTE_DOCS.find((d) => d.method === method && d.path === path);
    if (!doc?.response) throw new Error(`no documented response for ${method} ${path}`);
    return doc.response;
  };
  const check = async (method: RouteDoc['method'], path: string, url: string, body?: unknown, token?: string) => {
    const res = await api.request(url, { method: method.toUpperCase(), ...(body === undefined ? {} : { json: body }), ...(token ? { token } : {}) });
    const out = await json(res);
    expect(res.status, `${method} ${url}: ${JSON.stringify(out)}`).toBeLessThan(300);
    const parsed = docOf(method, path).safeParse(out);
    expect(parsed.success, `${method} ${url} does not match its schema: ${parsed.error?.message}`).toBe(true);
    return out;
  };

  it('every documented guild GET, read as the guild admin', async () => {
    const gets = guildDocs.filter((d) => d.method === 'get' && d.response);
    expect(gets.length).toBeGreaterThan(15);
    for (const doc of gets) {
      const url = urlOf(doc) + (doc.path.endsWith('/leaderboard') ? '?currency=xp' : doc.path.endsWith('/faq/search') ? '?q=xp' : '');
      const fixed = url.replace(/\/currencies\/msg$/, '/currencies/xp').replace(/\/zones\/msg$/, '/zones/help').replace(/\/milestones\/msg$/, '/milestones/helper').replace(/\/shop\/msg$/, '/shop/coffee').replace(/\/commands\/rule$/, '/commands/hello').replace(/\/rule-templates\/msg$/, '/rule-templates/weekend-multiplier');
      await check('get', doc.path, fixed, undefined, one);
    }
  });

  it('the other routes: guilds, auth, presets, tokens, dry run, writes', async () => {
    const G = `/api/guilds/${GUILD}`;
    const P = '/api/guilds/{guildId}';
    expect((await check('get', '/api/guilds', '/api/guilds', undefined, one)).map((g: { id: string }) => g.id)).toEqual([GUILD]);
    await check('get', '/api/presets', '/api/presets');
    await check('get', '/api/presets/{key}', '/api/presets/classic');
    await check('get', '/api/tokens', '/api/tokens');
    await check('get', '/api/auth/me', '/api/auth/me', undefined, one);
    await check('get', '/api/auth/config', '/api/auth/config');
    await check('get', '/api/schemas', '/api/schemas');
    const trace = await check('post', `${P}/dry-run`, `${G}/dry-run`, { event: event('message_create') });
    expect(trace.rules[0]).toMatchObject({ rule: 'msg', fired: true });
    await check('post', `${P}/presets/import`, `${G}/presets/import`, { preset: 'minimal-karma', dryRun: true });
    await check('post', `${P}/currencies/curve-preview`, `${G}/currencies/curve-preview`, { level_curve: { kind: 'table', thresholds: [10, 30] }, levels: 3 });
    await check('post', `${P}/shop/{key}/purchase`, `${G}/shop/coffee/purchase`, { member: ALICE });
    await check('post', `${P}/milestones/{key}/award`, `${G}/milestones/helper/award`, { member: BOB });
    await check('post', `${P}/members/{userId}/award`, `${G}/members/${BOB}/award`, { currency: 'xp', amount: 3 });
    await check('post', `${P}/import/balances`, `${G}/import/balances`, { currency: 'xp', format: 'csv', content: `user_id,xp\n${BOB},40\n` });
    await check('patch', `${P}/settings`, `${G}/settings`, { retention_days: 120 });
    await check('post', `${P}/seasons/roll`, `${G}/seasons/roll`, {});
    await check('patch', `${P}/rules/{key}`, `${G}/rules/msg`, { priority: 3 });
    await check('post', `${P}/rules/{key}/rollback`, `${G}/rules/msg/rollback`, { version: 1 });
    const log = await check('get', `${P}/audit-log`, `${G}/audit-log?entity=rule`);
    await check('post', `${P}/audit-log/{id}/rollback`, `${G}/audit-log/${log[0].id}/rollback`);
    await check('post', `${P}/history/{kind}/{key}/restore`, `${G}/history/rule/msg/restore`, { version: 1 });
    const zoneChange = await check('get', `${P}/audit-log`, `${G}/audit-log?entity=zone`);
    await check('put', `${P}/zones/{key}`, `${G}/zones/help`, { name: 'Helpers', channels: ['42'] });
    const [renamed] = await check('get', `${P}/audit-log`, `${G}/audit-log?entity=zone`);
    expect(renamed.id).not.toBe(zoneChange[0].id);
    await check('post', `${P}/audit-log/{id}/rollback`, `${G}/audit-log/${renamed.id}/rollback`);
    await check('post', `${P}/milestones/recheck`, `${G}/milestones/recheck`, {});
    await check('post', '/api/tokens', '/api/tokens', { name: 'third', guildIds: [GUILD] });
    await check('delete', `${P}/shop/{key}`, `${G}/shop/coffee`);
  });
});

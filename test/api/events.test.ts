import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { guilds, lakeEvents } from '../../src/db/schema.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, messageEvent } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database, { CAIRN_MAX_BODY_BYTES: '65536' });
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
});

const post = (json: unknown, init: { token?: string | null; body?: string; contentType?: string } = {}) =>
  api.request(`/api/guilds/${GUILD}/events`, {
    method: 'POST',
    ...(init.body === undefined ? { json } : { body: init.body, headers: { 'Content-Type': init.contentType ?? 'application/json' } }),
    ...(init.token === undefined ? {} : { token: init.token }),
  });

const lakeCount = async () => (await database.db.select().from(lakeEvents)).length;

describe('POST /api/guilds/:guildId/events — happy path', () => {
  it('accepts one event and reports duplicates on a second post', async () => {
    const event = messageEvent();
    expect(await json(await post(event))).toMatchObject({ accepted: 1, duplicate: 0, rejected: [] });
    expect(await (await post([event, messageEvent()])).json()).toMatchObject({ accepted: 1, duplicate: 1, rejected: [] });
  });

  it('round-trips a snowflake above 2^53 exactly, HTTP to database and back', async () => {
    const res = await post(messageEvent({ actor_id: '1160511689263947796' }));
    expect(res.status).toBe(200);
    const [row] = await database.db.select().from(lakeEvents);
    expect(row!.actorId).toBe('1160511689263947796');
    expect(JSON.stringify({ actor_id: row!.actorId })).toContain('"1160511689263947796"');
  });

  it('registers a guild it has not seen before', async () => {
    const res = await api.request('/api/guilds/42/events', { method: 'POST', json: messageEvent({ guild_id: '42' }) });
    expect(res.status).toBe(200);
    const guilds = await database.db.query.guilds.findMany();
    expect(guilds.map((g) => g.id)).toContain('42');
  });

  it('leaves out the event types the guild does not capture (Data sources), and says how many', async () => {
    // The guild only (no currencies: other tests reset the database behind the running engine).
    await database.db.insert(guilds).values({ id: GUILD, name: 'capture' });
    const patch = await api.request(`/api/guilds/${GUILD}/settings`, { method: 'PATCH', json: { capture: { reaction_add: false } } });
    expect(patch.status).toBe(200);
    const reaction = { ...messageEvent(), type: 'reaction_add', target_id: '987654321098765433', data: { emoji: '👍', message_id: '1300000000000000001' } };
    expect(await json(await post([messageEvent(), reaction]))).toMatchObject({ accepted: 1, duplicate: 0, ignored: 1, rejected: [], events: [{ status: 'accepted' }, { status: 'ignored', reason: expect.stringContaining('reaction_add') }] });
    expect((await database.db.select().from(lakeEvents)).map((e) => e.type)).toEqual(['message_create']);
    expect(await (await api.request('/metrics', { token: null })).text()).toMatch(/outcome="ignored",origin="api"\} 1/);
    const sources = await json(await api.request(`/api/guilds/${GUILD}/data-sources`));
    expect(JSON.stringify(sources)).toContain('"type":"reaction_add","captured":false');
    expect((await api.request(`/api/guilds/${GUILD}/settings`, { method: 'PATCH', json: { capture: { reaction_add: true } } })).status).toBe(200);
    expect(await json(await post(reaction))).toMatchObject({ accepted: 1, duplicate: 0, rejected: [] });
  });

  it('reports invalid events of a mixed batch by index while storing the valid ones', async () => {
    const res = await post([messageEvent(), { ...messageEvent(), type: 'nope' }]);
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ accepted: 1, rejected: [{ index: 1, errors: [{ path: 'type' }] }] });
  });
});

describe('POST /api/guilds/:guildId/events — errors', () => {
  it('malformed JSON is a 400 with a clear message and writes nothing', async () => {
    const res = await post(undefined, { body: '{"source_id": ' });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error).toMatchObject({ code: 'invalid_json', requestId: expect.any(String) });
    expect(await lakeCount()).toBe(0);
  });

  it('a body that is not JSON is a 415', async () => {
    const res = await post(undefined, { body: 'hello', contentType: 'text/plain' });
    expect(res.status).toBe(415);
  });

  it.each([
    ['unknown event type', { type: 'message_sent' }, 'type'],
    ['missing guild', { guild_id: undefined }, 'guild_id'],
    ['numeric ids', { actor_id: 987654321098765 }, 'actor_id'],
    ['bad date', { occurred_at: '22/11/2026' }, 'occurred_at'],
  ])('%s is a 422 naming the field, and nothing is written', async (_name, patch, path) => {
    const res = await post({ ...messageEvent(), ...patch });
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details[0].errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await lakeCount()).toBe(0);
  });

  it('an oversized payload is a 413 and nothing is written', async () => {
    const events = Array.from({ length: 400 }, () => messageEvent());
    const res = await post(events);
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe('payload_too_large');
    expect(await lakeCount()).toBe(0);
  });

  it('an empty array is a 422', async () => {
    expect((await post([])).status).toBe(422);
  });

  it('an unknown /api route is a JSON 404', async () => {
    const res = await api.request('/api/nothing-here');
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('not_found');
  });
});

describe('POST /api/guilds/:guildId/events — security', () => {
  it('no token is a 401 and nothing is written', async () => {
    const res = await post(messageEvent(), { token: null });
    expect(res.status).toBe(401);
    expect((await json(res)).error.code).toBe('unauthorized');
    expect(await lakeCount()).toBe(0);
  });

  it('a wrong token is a 401', async () => {
    expect((await post(messageEvent(), { token: 'not-the-token-at-all' })).status).toBe(401);
  });

  it('healthz and metrics need no credentials', async () => {
    const health = await api.app.request('/healthz');
    expect(health.status).toBe(200);
    expect(await json(health)).toMatchObject({ status: 'ok', db: 'ok', discord: 'disabled' });
    const metrics = await api.app.request('/metrics');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('cairn_events_ingested_total');
  });

  it('every response carries a request id', async () => {
    const res = await post(messageEvent(), { token: null });
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });
});

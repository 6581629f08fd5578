// Requests the API fuzz (test/fuzz/api-fuzz.test.ts) answered with a 500, each shrunk to its
// smallest form: now a 4xx naming the field, and nothing changed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, seedGuild } from '../support/factories.ts';

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
  await seedGuild(database);
  await api.services.configs.reload(GUILD);
});

async function call(method: string, path: string, body?: unknown) {
  const res = await api.request(`/api/guilds/${GUILD}${path}`, { method, ...(body === undefined ? {} : { json: body }) });
  return { status: res.status, body: await json(res) };
}

describe('set-aside event ids', () => {
  it.each(['discard', 'retry'])('refuses an id beyond the id column on %s with the field named', async (action) => {
    const res = await call('POST', `/health/failed-events/${action}`, { ids: [9007199254740991] });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([{ path: 'ids[0]', message: expect.stringMatching(/at most 2,?147,?483,?647/) }]);
  });
});

describe('document schemas by name', () => {
  it.each(['constructor', 'toString', '__proto__'])('answers 404 for "%s", a name every object inherits', async (name) => {
    const res = await api.request(`/api/schemas/${name}`);
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('not_found');
  });
});

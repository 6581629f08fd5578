// Fair use: per-credential and per-guild budgets in separate buckets, a per-guild event budget,
// 429 rate_limited with Retry-After, counted in /metrics, shared by every process on the database.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, queryRows, type Database } from '../../src/db/client.ts';
import { ADMIN_TOKEN, createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, messageEvent, OTHER_GUILD, seedGuild } from '../support/factories.ts';

const LIMITS = { CAIRN_RATE_LIMIT_REQUESTS: '5', CAIRN_RATE_LIMIT_EXPENSIVE: '3', CAIRN_RATE_LIMIT_EVENTS: '20' };
type TestApp = Awaited<ReturnType<typeof createTestApp>>;

let database: TestDatabase;
let api: TestApp;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database, LIMITS);
});
afterAll(async () => {
  await api.services.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }] });
  await seedGuild(database, { guildId: OTHER_GUILD, currencies: [{ key: 'xp' }] });
});

const issue = async (guildIds: string[]): Promise<string> => (await json(await api.request('/api/tokens', { method: 'POST', json: { name: 'guild admin', guildIds } }))).token;
const get = (token: string, path: string, app: TestApp = api) => app.request(path, { token });
const statuses = async (count: number, send: () => Response | Promise<Response>) => {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((await send()).status);
  return out;
};

describe('per-credential limits', () => {
  it('a burst beyond the limit gets 429 rate_limited with Retry-After, while another guild\'s token is still served', async () => {
    const flooder = await issue([GUILD]);
    const neighbour = await issue([OTHER_GUILD]);
    expect(await statuses(5, () => get(flooder, `/api/guilds/${GUILD}/currencies`))).toEqual([200, 200, 200, 200, 200]);
    const refused = await get(flooder, `/api/guilds/${GUILD}/currencies`);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    const body = await json(refused);
    expect(body.error).toMatchObject({ code: 'rate_limited', requestId: expect.any(String) });
    expect(body.error.message).toMatch(/^too many API requests for this credential: the limit is 5 a minute; retry in \d+ s$/);
    expect((await get(neighbour, `/api/guilds/${OTHER_GUILD}/currencies`)).status).toBe(200);
    expect((await get(ADMIN_TOKEN, `/api/guilds/${GUILD}/currencies`)).status).toBe(200);
  });

  it('keeps buckets apart: a token out of analytics budget still reads its configuration; expensive routes have their own, smaller budget', async () => {
    const token = await issue([GUILD]);
    expect(await statuses(6, () => get(token, `/api/guilds/${GUILD}/analytics/growth`))).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await get(token, `/api/guilds/${GUILD}/rules`)).status).toBe(200);
    const dryRun = () => api.request(`/api/guilds/${GUILD}/dry-run`, { method: 'POST', token, json: { event: messageEvent() } });
    expect(await statuses(4, dryRun)).toEqual([200, 200, 200, 429]);
    expect((await get(token, `/api/guilds/${GUILD}/rules`)).status).toBe(200);
  });

  it('counts a panel session opened with a token against that token\'s budget', async () => {
    const token = await issue([GUILD]);
    expect(await statuses(3, () => get(token, `/api/guilds/${GUILD}/rules`))).toEqual([200, 200, 200]);
    const login = await api.app.request('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '192.0.2.44' }, body: JSON.stringify({ token }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const viaPanel = () => api.app.request(`/api/guilds/${GUILD}/rules`, { headers: { Cookie: cookie } });
    expect(await statuses(3, viaPanel)).toEqual([200, 200, 429]);
  });

  it('exempts the operator token', async () => {
    expect(new Set(await statuses(12, () => get(ADMIN_TOKEN, `/api/guilds/${GUILD}/rules`)))).toEqual(new Set([200]));
  });
});

describe('per-guild limits', () => {
  it('two tokens of one guild share its budget; a third guild is unaffected', async () => {
    const first = await issue([GUILD]);
    const second = await issue([GUILD]);
    const neighbour = await issue([OTHER_GUILD]);
    expect(await statuses(3, () => get(first, `/api/guilds/${GUILD}/rules`))).toEqual([200, 200, 200]);
    expect(await statuses(3, () => get(second, `/api/guilds/${GUILD}/rules`))).toEqual([200, 200, 429]);
    const refused = await json(await get(second, `/api/guilds/${GUILD}/rules`));
    expect(refused.error.message).toMatch(/^too many API requests for this guild: the limit is 5 a minute over all its credentials/);
    expect((await get(neighbour, `/api/guilds/${OTHER_GUILD}/rules`)).status).toBe(200);
    // The second token still reaches routes outside the guild.
    expect((await get(second, '/api/guilds')).status).toBe(200);
  });

  it('counts events, not requests: a request that would overrun the guild\'s event budget is refused whole and writes nothing', async () => {
    const token = await issue([GUILD]);
    const neighbour = await issue([OTHER_GUILD]);
    const send = (count: number, guildId = GUILD, as = token) =>
      api.request(`/api/guilds/${guildId}/events`, { method: 'POST', token: as, json: Array.from({ length: count }, () => messageEvent({ guild_id: guildId })) });
    expect((await json(await send(15))).accepted).toBe(15);
    const refused = await send(10);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await json(refused)).error.message).toMatch(/^too many events for this guild: the limit is 20 events a minute/);
    const [lake] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM lake_events WHERE guild_id = ${GUILD}`);
    expect(lake!.n).toBe(15);
    // The refused events were given back: five more still fit.
    expect((await json(await send(5))).accepted).toBe(5);
    expect((await send(1)).status).toBe(429);
    expect((await json(await send(20, OTHER_GUILD, neighbour))).accepted).toBe(20);
  });
});

describe('what is never limited, and what is counted', () => {
  it('/healthz and /metrics answer through a flood, and /metrics counts the refusals by scope and bucket', async () => {
    const refusals = async () => {
      const metrics = await api.app.request('/metrics');
      expect(metrics.status).toBe(200);
      return Number((await metrics.text()).match(/^cairn_rate_limited_total\{scope="credential",bucket="api"\} (\d+)$/m)?.[1] ?? 0);
    };
    const before = await refusals();
    const token = await issue([GUILD]);
    await statuses(7, () => get(token, `/api/guilds/${GUILD}/rules`));
    expect(new Set(await statuses(10, () => api.app.request('/healthz')))).toEqual(new Set([200]));
    expect(await refusals()).toBe(before + 2);
  });

  it('documents 429 on the credentialed routes in the OpenAPI document', async () => {
    const doc = await json(await api.request('/api/openapi.json'));
    expect(Object.keys(doc.paths['/api/guilds/{guildId}/events'].post.responses)).toContain('429');
    expect(Object.keys(doc.paths['/healthz'].get.responses)).not.toContain('429');
  });
});

describe('several processes on one database', () => {
  let second: TestApp;
  let secondDatabase: Database;
  beforeAll(async () => {
    // On Postgres a second process has its own connections; PGlite belongs to one process, so the
    // second app shares its connection there (the same table counts either way).
    secondDatabase = database.url ? await openDatabase({ kind: 'postgres', url: database.url, poolSize: 4 }) : database;
    second = await createTestApp(Object.assign(secondDatabase, { url: database.url }), LIMITS);
  });
  afterAll(async () => {
    if (secondDatabase !== database) await second.services.close();
    else await second.services.configs.stop();
  });

  it('share one count: a token alternating between two instances gets its limit once, not twice', async () => {
    const token = await issue([GUILD]);
    const results: number[] = [];
    for (let i = 0; i < 8; i++) results.push((await get(token, `/api/guilds/${GUILD}/rules`, i % 2 === 0 ? api : second)).status);
    expect(results).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
  });
});

// GET /api/guilds/:guildId/members/:userId/card.png: a PNG for a member of the guild (cached
// privately, revalidated by ETag), 404 for an unknown member or one of another guild, 401 without
// credentials, 403 for another guild's admin, 422 naming userId for a malformed id. The avatar is
// fetched from the configured Discord's origin (a server on 127.0.0.1 here), never the network.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members } from '../../src/db/schema.ts';
import { credit } from '../../src/ledger/ledger.ts';
import { AVATAR_CENTRE, pixelAt, pngSize, solidImage } from '../cards/support.ts';
import { ADMIN_TOKEN, createTestApp, json } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, CAROL, GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
let cdn: Server;
let cdnOrigin: string;
let cdnHits = 0;
let one: string;

const cardOf = (userId: string, guildId = GUILD) => `/api/guilds/${guildId}/members/${userId}/card.png`;

beforeAll(async () => {
  cdn = createServer((req, res) => {
    cdnHits++;
    if (req.url?.startsWith('/avatars/')) res.writeHead(200, { 'Content-Type': 'image/png' }).end(solidImage('#0000ff', 128));
    else res.writeHead(404).end();
  });
  cdn.listen(0, '127.0.0.1');
  await once(cdn, 'listening');
  cdnOrigin = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
  database = await createTestDatabase();
  // The Discord Cairn talks to (here a local server) is the only origin trusted for avatars.
  api = await createTestApp(database, { DISCORD_API_URL: `${cdnOrigin}/api` });
  await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'gold' }] });
  await seedGuild(database, { guildId: OTHER_GUILD, currencies: [{ key: 'xp' }] });
  await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'xp', amount: 40 });
  await database.db.insert(members).values([
    { guildId: GUILD, userId: ALICE, displayName: 'Ada', username: 'ada', avatarUrl: `${cdnOrigin}/avatars/${ALICE}/abc.png` },
    { guildId: OTHER_GUILD, userId: BOB, displayName: 'Bob elsewhere' },
  ]);
  one = (await json(await api.request('/api/tokens', { method: 'POST', json: { name: 'admin one', guildIds: [GUILD] } }))).token;
});
afterAll(async () => {
  await api.services.close();
  cdn.closeAllConnections();
  await new Promise((resolve) => cdn.close(resolve));
});

describe('GET …/members/:userId/card.png', () => {
  it("answers the member's card as a 934×282 PNG, privately cacheable, with an ETag", async () => {
    const res = await api.request(cardOf(ALICE), { token: one });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toBe('private, max-age=60');
    expect(res.headers.get('etag')).toMatch(/^"card-1-[A-Za-z0-9_-]+"$/);
    const png = Buffer.from(await res.arrayBuffer());
    expect(pngSize(png)).toEqual({ width: 934, height: 282 });
    // The avatar came from the configured origin and fills the circle.
    expect(await pixelAt(png, AVATAR_CENTRE.x - 60, AVATAR_CENTRE.y)).toEqual([0, 0, 255]);
    expect(cdnHits).toBe(1);
  });

  it('answers 304 without a body for the ETag it gave, and a new card once the balance moves', async () => {
    const first = await api.request(cardOf(ALICE), { token: one });
    const etag = first.headers.get('etag')!;
    const again = await api.request(cardOf(ALICE), { token: one, headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'xp', amount: 1 });
    const moved = await api.request(cardOf(ALICE), { token: one, headers: { 'If-None-Match': etag } });
    expect(moved.status).toBe(200);
    expect(moved.headers.get('etag')).not.toBe(etag);
  });

  it('draws a member with a wallet but no directory entry', async () => {
    await credit(database.db, { guildId: GUILD, userId: CAROL, currency: 'gold', amount: 3 });
    const res = await api.request(cardOf(CAROL));
    expect(res.status).toBe(200);
    expect(pngSize(Buffer.from(await res.arrayBuffer()))).toEqual({ width: 934, height: 282 });
  });

  it("answers 404 for a member of another guild and for an id the guild never saw, as JSON errors", async () => {
    for (const userId of [BOB, '123456789012345678']) {
      const res = await api.request(cardOf(userId), { token: one });
      expect(res.status, userId).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect((await json(res)).error).toMatchObject({ code: 'not_found', requestId: expect.any(String) });
    }
    // The member is there in their own guild.
    expect((await api.request(cardOf(BOB, OTHER_GUILD))).status).toBe(200);
  });

  it('answers 401 without credentials or with a wrong token, and 403 to the admin of another guild', async () => {
    expect((await api.request(cardOf(ALICE), { token: null })).status).toBe(401);
    expect((await api.request(cardOf(ALICE), { token: 'cairn_not-a-real-token' })).status).toBe(401);
    const res = await api.request(cardOf(BOB, OTHER_GUILD), { token: one });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('Bob');
  });

  it('answers 422 naming userId for a malformed id (letters, negative, beyond 2^64) and 400 for a NUL byte, never 500', async () => {
    for (const userId of ['abc', '99999999999999999999999', String(2 ** 53) + '0'.repeat(10), '-1']) {
      const res = await api.request(cardOf(userId), { token: ADMIN_TOKEN });
      expect(res.status, userId).toBe(422);
      expect((await json(res)).error.details).toEqual([expect.objectContaining({ path: 'userId' })]);
    }
    // A NUL byte in the URL is refused before any route (storable-url middleware).
    const nul = await api.request(cardOf('12%0034'), { token: ADMIN_TOKEN });
    expect(nul.status).toBe(400);
    expect((await json(nul)).error.code).toBe('bad_request');
  });

  it('is documented in the OpenAPI document as image/png', async () => {
    const doc = await json(await api.request('/api/openapi.json'));
    const op = doc.paths['/api/guilds/{guildId}/members/{userId}/card.png'].get;
    expect(Object.keys(op.responses['200'].content)).toEqual(['image/png']);
    expect(op.responses['404']).toBeDefined();
    expect(op.responses['401']).toBeDefined();
  });
});

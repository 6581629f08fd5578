// The public leaderboard page through app.request, without credentials: off unless the guild opts
// in, only its listed currencies, opted-out members hidden entirely, names escaped, cached.
import { gunzipSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, guilds, members } from '../../src/db/schema.ts';
import { credit } from '../../src/ledger/ledger.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, CAROL, GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
const page = (path: string) => api.request(path, { token: null });
const optIn = (settings: Record<string, unknown>, guildId = GUILD) => database.db.update(guilds).set({ settings }).where(eq(guilds.id, guildId));
const PATH = `/p/${GUILD}/leaderboard`;

beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
});
afterAll(async () => {
  await api.services.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'gold', spendable: true }] });
  await seedGuild(database, { guildId: OTHER_GUILD, currencies: [{ key: 'xp' }] });
  await database.db.insert(members).values([
    { guildId: GUILD, userId: ALICE, displayName: '<script>alert("x")</script> & "Al"' },
    { guildId: GUILD, userId: BOB, displayName: 'Secret Bob', avatarUrl: 'https://cdn.discordapp.com/avatars/bob.png', publicOptOut: true },
    { guildId: GUILD, userId: CAROL, displayName: 'Carol', avatarUrl: 'javascript:alert(1)' },
  ]);
  for (const [user, amount] of [[ALICE, 30], [BOB, 20], [CAROL, 10]] as const) await credit(database.db, { guildId: GUILD, userId: user, currency: 'xp', amount });
  await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'gold', amount: 5 });
});

describe('GET /p/:guildId/leaderboard', () => {
  it('answers the same 404 page for a guild that did not opt in, an unknown guild and a malformed id', async () => {
    for (const path of [PATH, `/p/${OTHER_GUILD}/leaderboard`, '/p/42/leaderboard', '/p/not-a-guild/leaderboard', `/p/${'9'.repeat(30)}/leaderboard`, `/p/${GUILD}/other`]) {
      const res = await page(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('not public');
    }
    await optIn({ public_leaderboard: { enabled: false, currencies: ['xp'] } });
    expect((await page(PATH)).status).toBe(404);
  });

  it('shows an opted-in guild without credentials: names escaped, levels, only the listed currencies', async () => {
    await optIn({ public_leaderboard: { enabled: true, currencies: ['xp'] }, accent_color: '#ff0066' });
    const res = await page(PATH);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=30');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain(`Guild ${GUILD}`);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Al&quot;');
    expect(html).not.toContain('<script');
    expect(html).toContain('Carol');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('--accent:#ff0066');
    expect(html).toMatch(/All time<\/a>.*Last 7 days<\/a>/s);
    // Gold is not listed: no tab, and asking for it is a 404.
    expect(html).not.toContain('currency=gold');
    expect((await page(`${PATH}?currency=gold`)).status).toBe(404);
    expect((await page(`${PATH}?currency=nope`)).status).toBe(404);
  });

  it('shows an opted-out member as "Hidden member": no name, avatar or id anywhere in the page', async () => {
    await optIn({ public_leaderboard: { enabled: true, currencies: ['xp', 'gold'] } });
    const html = await (await page(PATH)).text();
    expect(html).toContain('Hidden member');
    expect(html).not.toContain('Secret Bob');
    expect(html).not.toContain('bob.png');
    expect(html).not.toContain(BOB);
    // Ids of members who did not opt out are not printed either (initials colours come from a hash).
    expect(html).not.toContain(ALICE);
  });

  it('sends the page gzip-compressed to clients that accept it, the same bytes once unpacked', async () => {
    await optIn({ public_leaderboard: { enabled: true, currencies: ['xp'] } });
    // A page no other test of this file asks for (the app, and so its cache, lives for the file).
    const WEEK = `${PATH}?period=week`;
    const plain = await page(WEEK);
    expect(plain.headers.get('content-encoding')).toBeNull();
    const html = await plain.text();
    const packed = await api.request(WEEK, { token: null, headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    expect(packed.status).toBe(200);
    expect(packed.headers.get('content-encoding')).toBe('gzip');
    expect(packed.headers.get('vary')).toBe('Accept-Encoding');
    expect(packed.headers.get('content-type')).toContain('text/html');
    const bytes = Buffer.from(await packed.arrayBuffer());
    expect(bytes.length).toBeLessThan(Buffer.byteLength(html) / 2);
    expect(gunzipSync(bytes).toString('utf8')).toBe(html);
  });

  it('pages by 50 with ?page=N and refuses pages past the end and malformed parameters', async () => {
    await optIn({ public_leaderboard: { enabled: true, currencies: ['xp'] } });
    const many = Array.from({ length: 120 }, (_, i) => String(300000000000000000n + BigInt(i)));
    for (const id of many) await credit(database.db, { guildId: GUILD, userId: id, currency: 'xp', amount: 1 });
    const first = await (await page(PATH)).text();
    expect(first).toContain('Page 1 of 3');
    expect(first).toContain('123 members ranked');
    const third = await page(`${PATH}?currency=xp&period=all&page=3`);
    expect(third.status).toBe(200);
    const thirdHtml = await third.text();
    expect(thirdHtml).toContain('Page 3 of 3');
    expect((thirdHtml.match(/class="row/g) ?? []).length).toBe(23);
    for (const bad of ['page=4', 'page=0', 'page=-1', 'page=abc', 'page=9007199254740993', 'period=month', 'currency=%00']) expect((await page(`${PATH}?${bad}`)).status, bad).toBe(404);
  });

  it('serves a page again from the cache, and an admin hiding a member drops the guild’s cached pages', async () => {
    await optIn({ public_leaderboard: { enabled: true, currencies: ['xp'] } });
    // A page no other test of this file asks for (the app, and so its cache, lives for the file).
    const SEASON = `${PATH}?period=season`;
    expect((await page(SEASON)).headers.get('x-cache')).toBe('miss');
    expect((await page(SEASON)).headers.get('x-cache')).toBe('hit');
    const hide = await api.request(`/api/guilds/${GUILD}/members/${CAROL}/visibility`, { method: 'PUT', json: { public: false } });
    expect(hide.status).toBe(200);
    expect(await json(hide)).toEqual({ userId: CAROL, public: false });
    const after = await page(SEASON);
    expect(after.headers.get('x-cache')).toBe('miss');
    expect(await after.text()).not.toContain('Carol');
    // Switching the page off takes effect at once, cache or not.
    await optIn({ public_leaderboard: { enabled: false, currencies: ['xp'] } });
    expect((await page(SEASON)).status).toBe(404);
  });
});

describe('PUT /api/guilds/:g/members/:id/visibility', () => {
  it('is audit-logged, refuses unknown members and bad bodies with their path, and needs credentials', async () => {
    const res = await api.request(`/api/guilds/${GUILD}/members/${BOB}/visibility`, { method: 'PUT', json: { public: true } });
    expect(await json(res)).toEqual({ userId: BOB, public: true });
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'member.visibility'));
    expect(entry).toMatchObject({ entityType: 'member', entityKey: BOB, before: { public: false }, after: { public: true }, actor: 'operator' });
    // A member of another guild only is unknown here.
    await credit(database.db, { guildId: OTHER_GUILD, userId: '555555555555555555', currency: 'xp', amount: 1 });
    expect((await api.request(`/api/guilds/${GUILD}/members/555555555555555555/visibility`, { method: 'PUT', json: { public: false } })).status).toBe(404);
    const bad = await api.request(`/api/guilds/${GUILD}/members/${BOB}/visibility`, { method: 'PUT', json: { public: 'no' } });
    expect(bad.status).toBe(422);
    expect((await json(bad)).error.details[0].path).toBe('public');
    expect((await api.request(`/api/guilds/${GUILD}/members/${'9'.repeat(30)}/visibility`, { method: 'PUT', json: { public: false } })).status).toBe(422);
    expect((await api.request(`/api/guilds/${GUILD}/members/${BOB}/visibility`, { method: 'PUT', json: { public: false }, token: null })).status).toBe(401);
  });
});

// GET/POST /api/guilds/:g/names: the names behind ids from the stored directory; another guild's
// ids are never resolved; hostile ids are refused with their paths.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { guildChannels, guildRoles, members } from '../../src/db/schema.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, CAROL, CHANNEL, GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
});
afterAll(async () => {
  await api.services.close();
});

const CATEGORY = '1111111111111111100';
const OLD_CHANNEL = '1111111111111111112';
const ROLE = '2222222222222222221';
const GONE_ROLE = '2222222222222222222';

beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }] });
  await seedGuild(database, { guildId: OTHER_GUILD, currencies: [{ key: 'xp' }] });
  await database.db.insert(members).values([
    { guildId: GUILD, userId: ALICE, displayName: 'Alice', username: 'alice', avatarUrl: 'https://cdn.discordapp.com/avatars/a.png' },
    { guildId: GUILD, userId: BOB, displayName: 'Bob', username: 'bob', leftAt: new Date('2026-11-01T00:00:00Z') },
    // Carol is known only in the other guild.
    { guildId: OTHER_GUILD, userId: CAROL, displayName: 'Carol', username: 'carol' },
  ]);
  await database.db.insert(guildChannels).values([
    { guildId: GUILD, channelId: CATEGORY, name: 'Community', type: 4 },
    { guildId: GUILD, channelId: CHANNEL, name: 'general', type: 0, parentId: CATEGORY },
    { guildId: GUILD, channelId: OLD_CHANNEL, name: 'old-news', type: 5, deletedAt: new Date() },
    { guildId: OTHER_GUILD, channelId: '1111111111111111113', name: 'secret', type: 0 },
  ]);
  await database.db.insert(guildRoles).values([
    { guildId: GUILD, roleId: ROLE, name: 'Regular', color: 0x3498db },
    { guildId: GUILD, roleId: GONE_ROLE, name: 'Beta tester', color: 0, deletedAt: new Date() },
    { guildId: OTHER_GUILD, roleId: '2222222222222222223', name: 'Other mod', color: 1 },
  ]);
});

const get = (query: string, guild = GUILD) => api.request(`/api/guilds/${guild}/names?${query}`);
const post = (body: unknown, guild = GUILD) => api.request(`/api/guilds/${guild}/names`, { method: 'POST', json: body });

describe('names — happy path', () => {
  it('names members, channels (with their category) and roles (with their colour) by id', async () => {
    const res = await get(`members=${ALICE},${BOB}&channels=${CHANNEL},${OLD_CHANNEL}&roles=${ROLE},${GONE_ROLE}`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      members: {
        [ALICE]: { displayName: 'Alice', username: 'alice', avatarUrl: 'https://cdn.discordapp.com/avatars/a.png', left: false },
        [BOB]: { displayName: 'Bob', username: 'bob', avatarUrl: null, left: true },
      },
      channels: {
        [CHANNEL]: { name: 'general', kind: 'text', parentId: CATEGORY, parentName: 'Community', deleted: false },
        [OLD_CHANNEL]: { name: 'old-news', kind: 'announcement', parentId: null, parentName: null, deleted: true },
      },
      roles: { [ROLE]: { name: 'Regular', color: 0x3498db, deleted: false }, [GONE_ROLE]: { name: 'Beta tester', color: 0, deleted: true } },
    });
  });

  it('answers the same through POST, and leaves unknown ids out', async () => {
    const body = await json(await post({ members: [ALICE, '123456789012345678'], roles: [ROLE] }));
    expect(Object.keys(body.members)).toEqual([ALICE]);
    expect(body.roles[ROLE].name).toBe('Regular');
    expect(body.channels).toEqual({});
  });

  it('an empty request is an empty answer', async () => {
    expect(await json(await get(''))).toEqual({ members: {}, channels: {}, roles: {} });
  });

  it('repeated ids are looked up once', async () => {
    const body = await json(await post({ members: Array(500).fill(ALICE) }));
    expect(Object.keys(body.members)).toEqual([ALICE]);
  });
});

describe('names — security', () => {
  it('never resolves ids of another guild', async () => {
    const body = await json(await get(`members=${CAROL}&channels=1111111111111111113&roles=2222222222222222223`));
    expect(body).toEqual({ members: {}, channels: {}, roles: {} });
    const other = await json(await get(`members=${CAROL}`, OTHER_GUILD));
    expect(other.members[CAROL].displayName).toBe('Carol');
  });
});

describe('names — hostile input', () => {
  it.each([
    ['a name', 'members=alice', 'members[0]'],
    ['a number past 2^63', `roles=${ROLE},99999999999999999999`, 'roles[1]'],
    ['2^53 written as a float', 'members=9007199254740992.0', 'members[0]'],
    ['an empty item', `members=${ALICE},,${BOB}`, 'members[1]'],
    ['an unknown list', 'users=1', 'users'],
  ])('%s is refused with its path', async (_what, query, path) => {
    const res = await get(query);
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('a NUL byte is refused before any lookup, naming the query value', async () => {
    const res = await get(`channels=${CHANNEL},1%002`);
    expect(res.status).toBe(400);
    expect(JSON.stringify((await json(res)).error.details)).toContain('channels');
  });

  it('more than 500 ids of a kind are refused, in the query and in a body', async () => {
    const many = Array.from({ length: 501 }, (_, i) => String(1000000000000000000n + BigInt(i)));
    const viaQuery = await get(`members=${many.join(',')}`);
    expect(viaQuery.status).toBe(422);
    expect((await json(viaQuery)).error.details[0].path).toBe('members');
    const viaBody = await post({ members: many });
    expect(viaBody.status).toBe(422);
    expect((await json(viaBody)).error.details[0].path).toBe('members');
  });

  it('a huge query string is refused without being split, and numbers in a body are refused', async () => {
    const res = await get(`channels=${'1,'.repeat(20_000)}`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const numbers = await post({ members: [Number(ALICE)], roles: 'x' });
    expect(numbers.status).toBe(422);
    expect((await json(numbers)).error.details.map((d: { path: string }) => d.path)).toEqual(['members[0]', 'roles']);
  });
});

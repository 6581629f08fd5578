// GET /api/guilds/:g/members and the profile header: search by name or id prefix, sorting by any
// balance, name or join date, the presence and join-date filters, paging with the total, and
// hostile query values answered with 4xx and field paths (never 500). Other guilds stay out.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { guildRoles, members } from '../../src/db/schema.ts';
import { credit } from '../../src/ledger/ledger.ts';
import { resyncLevels } from '../../src/ledger/levels.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;

const DAY = 86_400_000;
const id = (n: number) => String(1200000000000000000n + BigInt(n));
const MOD = '1300000000000000001';
const REG = '1300000000000000002';
/** name, username, roles, joined days ago, left days ago, xp, gold */
const PEOPLE: [string, string, string[], number, number | null, number, number][] = [
  ['Maya Lindqvist', 'maya.paints', [MOD, REG], 400, null, 900, 5],
  ['Léa Dubois', 'lea.dbs', [REG], 60, null, 300, 40],
  ['pixelfox', 'pixelfox', [REG], 10, null, 120, 0],
  ['Rin 🌙', 'rinmoon', [], 3, null, 50, 12],
  ['Ben Carter', 'bencarter', [REG], 90, 2, 200, 1],
  ['1337', 'leet_one', [], 200, null, 10, 0],
];

beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'gold' }] });
  await seedGuild(database, { guildId: OTHER_GUILD, currencies: [{ key: 'xp' }] });
  // xp has levels: 100 per level from level 0.
  await database.db.execute(sql`UPDATE currencies SET level_curve = '{"kind":"table","start_level":0,"thresholds":[100,200,400,800,1600]}' WHERE guild_id = ${GUILD} AND key = 'xp'`);
  await database.db.insert(guildRoles).values([
    { guildId: GUILD, roleId: GUILD, name: '@everyone', color: 0, position: 0 },
    { guildId: GUILD, roleId: REG, name: 'Regular', color: 0x2ecc71, position: 1 },
    { guildId: GUILD, roleId: MOD, name: 'Moderator', color: 0x3498db, position: 2 },
  ]);
  const now = Date.now();
  await database.db.insert(members).values(PEOPLE.map(([name, username, roles, joined, left], i) => ({
    guildId: GUILD, userId: id(i), displayName: name, username, roles, joinedAt: new Date(now - joined * DAY), leftAt: left === null ? null : new Date(now - left * DAY),
  })));
  for (const [i, [, , , , , xp, gold]] of PEOPLE.entries()) {
    await credit(database.db, { guildId: GUILD, userId: id(i), currency: 'xp', amount: xp });
    if (gold > 0) await credit(database.db, { guildId: GUILD, userId: id(i), currency: 'gold', amount: gold });
  }
  const [xp] = await queryRows<{ id: number }>(database.db, sql`SELECT id FROM currencies WHERE guild_id = ${GUILD} AND key = 'xp'`);
  await resyncLevels(database.db, GUILD, xp!.id); // levels as the engine keeps them
  // Someone with a wallet the directory has never named, and another guild with a namesake.
  await credit(database.db, { guildId: GUILD, userId: id(50), currency: 'xp', amount: 5 });
  await database.db.insert(members).values({ guildId: OTHER_GUILD, userId: id(90), displayName: 'Maya Other', username: 'maya.other' });
  await credit(database.db, { guildId: OTHER_GUILD, userId: id(90), currency: 'xp', amount: 10_000 });
});
afterAll(async () => {
  await api.services.close();
});

const list = async (query: string) => {
  const res = await api.request(`/api/guilds/${GUILD}/members?${query}`);
  expect(res.status).toBe(200);
  return json(res);
};
const names = async (query: string) => (await list(query)).members.map((m: { displayName: string | null; userId: string }) => m.displayName ?? m.userId);

describe('GET /api/guilds/:g/members', () => {
  it('lists every member with name, username, avatar, roles by name and colour, balances, levels and the total', async () => {
    const body = await list('');
    expect(body).toMatchObject({ total: 7, limit: 50, offset: 0 });
    const maya = body.members.find((m: { userId: string }) => m.userId === id(0));
    expect(maya).toEqual({
      userId: id(0), displayName: 'Maya Lindqvist', username: 'maya.paints', avatarUrl: null, isBot: false,
      joinedAt: expect.any(String), leftAt: null,
      roles: [{ id: MOD, name: 'Moderator', color: 0x3498db }, { id: REG, name: 'Regular', color: 0x2ecc71 }],
      balances: { xp: 900, gold: 5 }, levels: { xp: 4 },
    });
    // Sorted by name, the unnamed wallet last.
    expect(body.members.map((m: { displayName: string | null }) => m.displayName)).toEqual(['1337', 'Ben Carter', 'Léa Dubois', 'Maya Lindqvist', 'pixelfox', 'Rin 🌙', null]);
    expect(body.members.at(-1)).toMatchObject({ userId: id(50), username: null, roles: [], levels: { xp: 0 } });
  });

  it('finds members by display name or username, case-insensitively, by prefix or anywhere in the name, prefixes first', async () => {
    expect(await names('search=maya')).toEqual(['Maya Lindqvist']);
    expect(await names('search=MAYA')).toEqual(['Maya Lindqvist']);
    expect(await names('search=dubo')).toEqual(['Léa Dubois']);
    expect(await names('search=rinmo')).toEqual(['Rin 🌙']);
    expect(await names('search=.paints')).toEqual(['Maya Lindqvist']);
    expect(await names('search=Léa')).toEqual(['Léa Dubois']);
    // "a" starts "Ben Carter"? no: names starting with the search come first, then the rest by name.
    expect(await names('search=p')).toEqual(['pixelfox', 'Maya Lindqvist']);
    expect(await names('search=%20%20maya%20')).toEqual(['Maya Lindqvist']);
  });

  it('finds members by the start of their id, and a name made of digits by the same search', async () => {
    expect(await names(`search=${id(3)}`)).toEqual(['Rin 🌙']);
    expect((await list(`search=${id(0).slice(0, 17)}`)).total).toBe(7);
    expect(await names('search=1337')).toEqual(['1337']);
    expect(await names(`search=${id(0).slice(3)}`)).toEqual([]); // not a prefix
  });

  it('sorts by any currency balance, either way, and by join date', async () => {
    expect(await names('sort=balance&currency=gold')).toEqual(['Léa Dubois', 'Rin 🌙', 'Maya Lindqvist', 'Ben Carter', '1337', 'pixelfox', id(50)]);
    expect((await names('sort=balance&currency=xp&order=asc')).slice(0, 3)).toEqual([id(50), '1337', 'Rin 🌙']);
    expect((await names('sort=balance&currency=xp')).slice(0, 2)).toEqual(['Maya Lindqvist', 'Léa Dubois']);
    expect(await names('sort=joined')).toEqual(['Rin 🌙', 'pixelfox', 'Léa Dubois', 'Ben Carter', '1337', 'Maya Lindqvist', id(50)]);
    expect((await names('sort=joined&order=asc')).slice(0, 2)).toEqual(['Maya Lindqvist', '1337']);
    expect(await names('sort=name&order=desc&limit=2')).toEqual(['Rin 🌙', 'pixelfox']);
  });

  it('filters members who joined in the last N days', async () => {
    expect(await names('joinedWithinDays=30')).toEqual(['pixelfox', 'Rin 🌙']);
    expect(await names('joinedWithinDays=5&sort=balance&currency=xp')).toEqual(['Rin 🌙']);
    expect((await list('joinedWithinDays=36500')).total).toBe(6); // the unnamed wallet has no join date
  });

  it('shows members who left, flagged, and filters present or left ones', async () => {
    const all = await list('search=ben');
    expect(all.members).toEqual([expect.objectContaining({ displayName: 'Ben Carter', leftAt: expect.any(String) })]);
    expect(await names('status=left')).toEqual(['Ben Carter']);
    expect(await names('status=present')).not.toContain('Ben Carter');
    expect((await list('status=present')).total).toBe(6);
  });

  it('pages with the total of what matched', async () => {
    const first = await list('limit=3');
    const second = await list('limit=3&offset=3');
    const last = await list('limit=3&offset=6');
    expect([first.total, second.total, last.total]).toEqual([7, 7, 7]);
    expect([...first.members, ...second.members, ...last.members].map((m: { userId: string }) => m.userId)).toHaveLength(7);
    expect(new Set([...first.members, ...second.members, ...last.members].map((m: { userId: string }) => m.userId)).size).toBe(7);
    expect(await list('offset=500')).toMatchObject({ total: 7, members: [] });
  });

  it('never lists another guild’s members', async () => {
    expect(await names('search=maya')).toEqual(['Maya Lindqvist']);
    expect(await names(`search=${id(90)}`)).toEqual([]);
    expect((await list('sort=balance&currency=xp')).members.map((m: { userId: string }) => m.userId)).not.toContain(id(90));
    const other = await json(await api.request(`/api/guilds/${OTHER_GUILD}/members`));
    expect(other.members.map((m: { userId: string }) => m.userId)).toEqual([id(90)]);
    expect((await api.request(`/api/guilds/${GUILD}/members/${id(90)}`)).status).toBe(404);
  });

  it('answers SQL-ish and wildcard searches with what literally matches (nothing), not an error', async () => {
    expect(await names('search=_')).toEqual(['1337']); // leet_one: "_" is a character, not a wildcard
    for (const search of ["' OR 1=1 --", "'; DROP TABLE members; --", '%', '_o_', '\\', 'a%b', '%%%%', '"', 'maya\' OR \'1\'=\'1', '𝕄𝕒𝕪𝕒', '١٢٣']) {
      const res = await api.request(`/api/guilds/${GUILD}/members?search=${encodeURIComponent(search)}`);
      expect(res.status, search).toBe(200);
      expect((await json(res)).members, search).toEqual([]);
    }
    expect((await list('')).total).toBe(7); // the table is still there
  });

  it('refuses hostile query values with 4xx naming the field, never 500', async () => {
    const cases: [string, string][] = [
      [`search=${'m'.repeat(101)}`, 'search'],
      [`search=${'m'.repeat(100_000)}`, 'search'],
      ['search=ma%00ya', 'search'],
      ['search=%00', 'search'],
      ['search=a%0Ab', 'search'],
      [`offset=${2 ** 53}`, 'offset'],
      [`offset=${2 ** 53 + 1}`, 'offset'],
      ['offset=-1', 'offset'],
      ['limit=0', 'limit'],
      ['limit=1e9', 'limit'],
      [`limit=${2 ** 53}`, 'limit'],
      ['limit=NaN', 'limit'],
      ['limit=Infinity', 'limit'],
      ['joinedWithinDays=0', 'joinedWithinDays'],
      [`joinedWithinDays=${2 ** 53}`, 'joinedWithinDays'],
      ['joinedWithinDays=1.5', 'joinedWithinDays'],
      ['joinedWithinDays=%00', 'joinedWithinDays'],
      ['sort=balance; DROP TABLE members', 'sort'],
      ['sort=balance', 'currency'],
      ['sort=balance&currency=gems', 'currency'],
      ['sort=balance&currency=x%00p', 'currency'],
      [`sort=balance&currency=${'x'.repeat(65)}`, 'currency'],
      ['order=sideways', 'order'],
      ['status=gone', 'status'],
    ];
    for (const [query, path] of cases) {
      const res = await api.request(`/api/guilds/${GUILD}/members?${query}`);
      expect(res.status, query.slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(res.status, query.slice(0, 80)).toBeLessThan(500);
      // A NUL is refused before the route (as query.<field>); the route's own checks name the field.
      const paths = (await json(res)).error.details.map((d: { path: string }) => d.path.replace(/^query\./, ''));
      expect(paths, query.slice(0, 80)).toContain(path);
    }
  });
});

describe('GET /api/guilds/:g/members/:id (the profile header)', () => {
  it('has the username, avatar, roles as named coloured chips, join date and rank per currency', async () => {
    const maya = await json(await api.request(`/api/guilds/${GUILD}/members/${id(0)}`));
    expect(maya).toMatchObject({
      userId: id(0), displayName: 'Maya Lindqvist', username: 'maya.paints', avatarUrl: null, isBot: false, leftAt: null,
      roles: [{ id: MOD, name: 'Moderator', color: 0x3498db }, { id: REG, name: 'Regular', color: 0x2ecc71 }],
    });
    expect(maya.currencies).toEqual([
      expect.objectContaining({ key: 'xp', balance: 900, level: 4, levelStartsAt: 800, nextLevelAt: 1600, levelTotal: 900, rank: 1 }),
      expect.objectContaining({ key: 'gold', balance: 5, level: null, levelTotal: null, rank: 3 }),
    ]);
    const pixelfox = await json(await api.request(`/api/guilds/${GUILD}/members/${id(2)}`));
    expect(pixelfox.currencies.find((c: { key: string }) => c.key === 'gold').rank).toBeNull(); // no gold
    expect(pixelfox.currencies.find((c: { key: string }) => c.key === 'xp').rank).toBe(4);
  });

  it('flags a member who left, and names a role the directory does not know by its id only', async () => {
    await database.db.execute(sql`UPDATE members SET roles = ARRAY[${REG}, '1300000000000000099', ${GUILD}] WHERE guild_id = ${GUILD} AND user_id = ${id(4)}`);
    const ben = await json(await api.request(`/api/guilds/${GUILD}/members/${id(4)}`));
    expect(ben.leftAt).toEqual(expect.any(String));
    expect(ben.roles).toEqual([{ id: REG, name: 'Regular', color: 0x2ecc71 }, { id: '1300000000000000099', name: null, color: 0 }]);
  });

  it('refuses a hostile member id with the field named', async () => {
    for (const bad of ['9223372036854775808', String(2 ** 53) + '0000', 'abc', '-1', '1e3']) {
      const res = await api.request(`/api/guilds/${GUILD}/members/${bad}`);
      expect(res.status, bad).toBe(422);
      expect((await json(res)).error.details[0].path).toBe('userId');
    }
    const nul = await api.request(`/api/guilds/${GUILD}/members/12%00`);
    expect(nul.status).toBeGreaterThanOrEqual(400);
    expect(nul.status).toBeLessThan(500);
  });
});

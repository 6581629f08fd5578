// The invites API (issue 18): the inviters' leaderboard, how members joined (an invite and its
// inviter, the vanity URL, unknown), the members one member invited, and one member's counts and
// own join. Joins are recorded by the real invite tracker (test/support/invites.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, CAROL, GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';
import { recordJoins } from '../support/invites.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
});
afterAll(async () => {
  await api.services.close();
});

const NEW1 = '1200000000000000001';
const NEW2 = '1200000000000000002';
const NEW3 = '1200000000000000003';
const get = async (path: string, guild = GUILD) => {
  const res = await api.request(`/api/guilds/${guild}/invites${path}`);
  return { status: res.status, body: await json(res) };
};

beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }] });
  await seedGuild(database, { guildId: OTHER_GUILD, currencies: [{ key: 'xp' }] });
  await recordJoins(database.db, GUILD, [
    { userId: CAROL, via: 'code', code: 'bob1', inviterId: BOB, joinedAt: '2026-11-01T10:00:00Z' },
    { userId: NEW1, via: 'code', code: 'alice1', inviterId: ALICE, joinedAt: '2026-11-02T10:00:00Z' },
    { userId: NEW2, via: 'code', code: 'alice1', inviterId: ALICE, joinedAt: '2026-11-03T10:00:00Z', leftAt: '2026-11-04T10:00:00Z' },
    { userId: NEW3, via: 'vanity', joinedAt: '2026-11-05T10:00:00Z' },
    { userId: ALICE, via: 'unknown', joinedAt: '2026-11-06T10:00:00Z' },
  ]);
});

describe('the invites API', () => {
  it('ranks inviters by members still here, and says how each member joined, newest first', async () => {
    expect((await get('')).body.inviters).toEqual([
      { inviter_id: ALICE, invited: 2, still_here: 1, left_within_a_week: 1 },
      { inviter_id: BOB, invited: 1, still_here: 1, left_within_a_week: 0 },
    ]);
    const { status, body } = await get('/joins');
    expect(status).toBe(200);
    expect(body.joins.map((j: { user_id: string; via: string }) => [j.user_id, j.via])).toEqual([[ALICE, 'unknown'], [NEW3, 'vanity'], [NEW2, 'code'], [NEW1, 'code'], [CAROL, 'code']]);
    expect(body.joins[2]).toEqual({ user_id: NEW2, via: 'code', invite_code: 'alice1', inviter_id: ALICE, joined_at: '2026-11-03T10:00:00.000Z', left_at: '2026-11-04T10:00:00.000Z' });
  });

  it("filters the joins to one member's invites, and tells one member's counts and own join", async () => {
    expect((await get(`/joins?inviter=${ALICE}`)).body.joins.map((j: { user_id: string }) => j.user_id)).toEqual([NEW2, NEW1]);
    expect((await get(`/${ALICE}`)).body).toEqual({ inviter_id: ALICE, invited: 2, still_here: 1, left_within_a_week: 1, joined_via: { via: 'unknown', invite_code: null, inviter_id: null } });
    expect((await get(`/${CAROL}`)).body).toMatchObject({ invited: 0, joined_via: { via: 'code', invite_code: 'bob1', inviter_id: BOB } });
    expect((await get(`/${NEW1}`, OTHER_GUILD)).body).toMatchObject({ invited: 0, joined_via: null });
  });

  it('refuses a bad member id or filter with the field at fault', async () => {
    expect(await get('/not-an-id')).toMatchObject({ status: 422, body: { error: { details: [expect.objectContaining({ path: 'userId' })] } } });
    expect(await get('/joins?inviter=abc')).toMatchObject({ status: 422, body: { error: { details: [expect.objectContaining({ path: 'inviter' })] } } });
    expect((await get('/joins?limit=0')).status).toBe(422);
  });
});

// GET /api/guilds/:g/leaderboard as the panel reads it: names, avatars, levels with progress, the
// three periods, paging with a total, field-level refusals, and nothing of another guild.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/app/clock.ts';
import { currencies, members } from '../../src/db/schema.ts';
import { credit, debit } from '../../src/ledger/ledger.ts';
import { resyncLevels } from '../../src/ledger/levels.ts';
import { rollSeason } from '../../src/ledger/seasons.ts';
import { createTestApp, json, TEST_NOW } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, CAROL, GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
const DAY = 24 * 3600 * 1000;
const daysAgo = (n: number) => new Date(TEST_NOW.getTime() - n * DAY);
const board = async (query: string, guildId = GUILD) => {
  const res = await api.request(`/api/guilds/${guildId}/leaderboard?${query}`);
  return { status: res.status, body: await json(res) };
};

beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database, {}, { clock: fixedClock(TEST_NOW) });
});
afterAll(async () => {
  await api.services.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  const seeded = await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'gold', spendable: true }] });
  await seedGuild(database, { guildId: OTHER_GUILD, currencies: [{ key: 'xp' }] });
  // Level n → n+1 costs trunc(100 × 1.25^n): level 1 ends at 125, level 2 at 156.
  await database.db.update(currencies).set({ levelCurve: { kind: 'exponential', base: 100, factor: 1.25 } }).where(eq(currencies.id, seeded.xp!.id));
  await database.db.insert(members).values([
    { guildId: GUILD, userId: ALICE, displayName: 'Alice Liddell', avatarUrl: 'https://cdn.discordapp.com/avatars/a.png' },
    { guildId: GUILD, userId: BOB, displayName: null, username: 'bob_the_builder', leftAt: daysAgo(1) },
    // Another guild's directory entry of the same user must never leak into this guild's board.
    { guildId: OTHER_GUILD, userId: CAROL, displayName: 'Other Guild Carol' },
  ]);
  await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'xp', amount: 140, at: daysAgo(30) });
  await credit(database.db, { guildId: GUILD, userId: BOB, currency: 'xp', amount: 60, at: daysAgo(30) });
  await credit(database.db, { guildId: GUILD, userId: BOB, currency: 'xp', amount: 50, at: daysAgo(2) });
  await credit(database.db, { guildId: GUILD, userId: CAROL, currency: 'xp', amount: 20, at: daysAgo(1) });
  await debit(database.db, { guildId: GUILD, userId: CAROL, currency: 'xp', amount: 5, at: daysAgo(1) });
  await credit(database.db, { guildId: OTHER_GUILD, userId: CAROL, currency: 'xp', amount: 9_999, at: daysAgo(1) });
  await resyncLevels(database.db, GUILD, seeded.xp!.id);
});

describe('the leaderboard with names and levels', () => {
  it('gives each entry its name, avatar, whether it left, and its level with the progress to the next', async () => {
    const { status, body } = await board('currency=xp&limit=10');
    expect(status).toBe(200);
    expect(body).toMatchObject({ currency: 'xp', currencyName: 'xp', period: 'all', measure: 'balance', total: 3, limit: 10, offset: 0, since: null });
    expect(body.entries).toEqual([
      { rank: 1, userId: ALICE, value: 140, displayName: 'Alice Liddell', avatarUrl: 'https://cdn.discordapp.com/avatars/a.png', left: false, publicOptOut: false, level: { level: 2, levelStartsAt: 125, nextLevelAt: 156, progress: 15 / 31 } },
      { rank: 2, userId: BOB, value: 110, displayName: 'bob_the_builder', avatarUrl: null, left: true, publicOptOut: false, level: { level: 1, levelStartsAt: 0, nextLevelAt: 125, progress: 110 / 125 } },
      // Carol has no directory entry here (only in the other guild): no name, not "Other Guild Carol".
      { rank: 3, userId: CAROL, value: 15, displayName: null, avatarUrl: null, left: false, publicOptOut: false, level: { level: 1, levelStartsAt: 0, nextLevelAt: 125, progress: 20 / 125 } },
    ]);
    expect(JSON.stringify(body)).not.toContain('Other Guild');
    expect(JSON.stringify(body)).not.toContain('9999');
  });

  it('has no level for a currency without a curve', async () => {
    await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'gold', amount: 3 });
    const { body } = await board('currency=gold');
    expect(body.entries).toEqual([expect.objectContaining({ userId: ALICE, value: 3, level: null })]);
  });

  it('pages with a total: every member once, in rank order, and an empty page past the end', async () => {
    const first = await board('currency=xp&limit=2');
    const second = await board('currency=xp&limit=2&offset=2');
    expect(first.body.total).toBe(3);
    expect(second.body.total).toBe(3);
    expect([...first.body.entries, ...second.body.entries].map((e: { rank: number; userId: string }) => [e.rank, e.userId])).toEqual([[1, ALICE], [2, BOB], [3, CAROL]]);
    const past = await board('currency=xp&limit=2&offset=50&period=week');
    expect(past.body).toMatchObject({ total: 2, entries: [] });
  });

  it('ranks the last 7 days by what was earned (positive deltas), not by balance', async () => {
    const { body } = await board('currency=xp&period=week');
    expect(body).toMatchObject({ period: 'week', measure: 'week_earned', since: daysAgo(7).toISOString(), total: 2 });
    // Bob earned 50 two days ago; Carol 20 yesterday (her debit does not count); Alice nothing this week.
    expect(body.entries.map((e: { userId: string; value: number }) => [e.userId, e.value])).toEqual([[BOB, 50], [CAROL, 20]]);
    // Levels are the member's current ones, whatever the period.
    expect(body.entries[0].level.level).toBe(1);
  });

  it('ranks a season by what was earned in it, a past season by its snapshot', async () => {
    await rollSeason(database.db, GUILD, { boundary: daysAgo(0.5) });
    await credit(database.db, { guildId: GUILD, userId: CAROL, currency: 'xp', amount: 7 });
    const current = await board('currency=xp&period=season');
    expect(current.body).toMatchObject({ period: 'season', measure: 'season_earned', season: { number: 2, current: true }, total: 1, entries: [{ userId: CAROL, value: 7, displayName: null }] });
    const past = await board('currency=xp&season=1');
    expect(past.body).toMatchObject({ period: 'season', season: { number: 1, current: false } });
    expect(past.body.entries.map((e: { userId: string }) => e.userId)).toEqual([ALICE, BOB, CAROL]);
  });
});

describe('refusals name the field', () => {
  it('an unknown currency is a 422 at path currency, a missing season a 404', async () => {
    const unknown = await board('currency=gems');
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details).toEqual([{ path: 'currency', message: 'unknown currency "gems"' }]);
    expect((await board('currency=xp&season=9')).status).toBe(404);
  });

  it('hostile parameters are 4xx with their path, never 500', async () => {
    const cases: [string, string][] = [
      ['currency=xp&season=9007199254740993', 'season'],
      ['currency=xp&offset=9007199254740993', 'offset'],
      [`currency=${'x'.repeat(10_000)}`, 'currency'],
      ['currency=xp&period=month', 'period'],
      ['currency=xp&limit=-1', 'limit'],
    ];
    for (const [query, path] of cases) {
      const { status, body } = await board(query);
      expect(status, query.slice(0, 60)).toBe(422);
      expect(body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    // A NUL byte never reaches the database: the URL itself is refused.
    expect((await board('currency=x%00p')).status).toBe(400);
  });

  it("never shows another guild's wallets: the other guild's currency is unknown here", async () => {
    const other = await board('currency=xp', OTHER_GUILD);
    expect(other.body.entries.map((e: { userId: string }) => e.userId)).toEqual([CAROL]);
    expect(other.body.entries[0]).toMatchObject({ displayName: 'Other Guild Carol', value: 9_999 });
  });
});

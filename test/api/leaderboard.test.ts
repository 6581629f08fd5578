import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { guilds, outbox } from '../../src/db/schema.ts';
import { credit } from '../../src/ledger/ledger.ts';
import { periodKey, queueLeaderboardPosts } from '../../src/ledger/leaderboard-post.ts';
import { saveMilestone } from '../../src/milestones/repository.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, GUILD, seedGuild } from '../support/factories.ts';

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
  await seedGuild(database, { currencies: [{ key: 'xp' }] });
  await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'xp', amount: 5 });
  await credit(database.db, { guildId: GUILD, userId: BOB, currency: 'xp', amount: 9 });
});

describe('GET /api/guilds/:guildId/leaderboard', () => {
  it('ranks members of a currency, all time and this season', async () => {
    const all = await json(await api.request(`/api/guilds/${GUILD}/leaderboard?currency=xp`));
    expect(all).toMatchObject({ currency: 'xp', period: 'all', entries: [{ rank: 1, userId: BOB, value: 9 }, { rank: 2, userId: ALICE, value: 5 }] });
    const season = await json(await api.request(`/api/guilds/${GUILD}/leaderboard?currency=xp&season=current&limit=1`));
    expect(season).toMatchObject({ period: 'season', season: { number: 1, current: true }, entries: [{ userId: BOB }] });
    expect(season.entries).toHaveLength(1);
  });

  it('names bad parameters', async () => {
    const missing = await api.request(`/api/guilds/${GUILD}/leaderboard`);
    expect(missing.status).toBe(422);
    expect((await json(missing)).error.details).toEqual([expect.objectContaining({ path: 'currency' })]);
    expect((await api.request(`/api/guilds/${GUILD}/leaderboard?currency=gems`)).status).toBe(422);
    expect((await api.request(`/api/guilds/${GUILD}/leaderboard?currency=xp&limit=1000`)).status).toBe(422);
    expect((await api.request(`/api/guilds/${GUILD}/leaderboard?currency=xp&season=9`)).status).toBe(404);
  });

  it('requires credentials', async () => {
    expect((await api.request(`/api/guilds/${GUILD}/leaderboard?currency=xp`, { token: null })).status).toBe(401);
  });
});

describe('POST /api/guilds/:guildId/milestones/recheck', () => {
  it('awards a new template to members who already qualify', async () => {
    await saveMilestone(database.db, GUILD, { key: 'rich', name: 'Rich', requirement: { type: 'wallet', currency: 'xp', min: 6 } }, 'test');
    const res = await api.request(`/api/guilds/${GUILD}/milestones/recheck`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ members: 2, awarded: [{ member: BOB, milestone: 'rich' }] });
    const bad = await api.request(`/api/guilds/${GUILD}/milestones/recheck`, { method: 'POST', body: '{"milestones": 3', headers: { 'Content-Type': 'application/json' } });
    expect(bad.status).toBe(400);
  });
});

describe('scheduled leaderboard posts', () => {
  it('queues one post per guild and period through the outbox, titled with the currency label', async () => {
    await database.db.update(guilds).set({ settings: { leaderboard_post: { channel_id: '900', currency: 'xp', cadence: 'weekly', top: 2, period: 'all' }, labels: { xp: 'Sparks' } } }).where(eq(guilds.id, GUILD));
    const now = new Date('2026-11-23T09:00:00.000Z');
    expect(await queueLeaderboardPosts(database.db, now)).toEqual([GUILD]);
    expect(await queueLeaderboardPosts(database.db, new Date('2026-11-25T09:00:00.000Z'))).toEqual([]);
    const rows = await database.db.select().from(outbox);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload).toMatchObject({ channel_id: '900', leaderboard_period: 'weekly:2026-W48', embed: { title: 'Weekly leaderboard · Sparks', description: `**1.** <@${BOB}> — 9\n**2.** <@${ALICE}> — 5` } });
    expect(periodKey(new Date('2027-01-01T00:00:00.000Z'), 'weekly')).toBe('2026-W53');
    expect(periodKey(new Date('2026-11-23T00:00:00.000Z'), 'monthly')).toBe('2026-11');
  });
});

describe('GET /api/schemas/:name', () => {
  it('serves the rule document as JSON Schema, generated from the zod schema', async () => {
    const schema = await json(await api.request('/api/schemas/rule'));
    expect(schema).toMatchObject({ type: 'object', required: expect.arrayContaining(['key', 'name', 'trigger', 'effects']) });
    expect(JSON.stringify(schema)).toContain('stop_processing');
    for (const name of ['milestone', 'zone', 'currency', 'shop-item', 'recipe']) expect((await api.request(`/api/schemas/${name}`)).status).toBe(200);
    expect((await api.request('/api/schemas/nope')).status).toBe(404);
    expect((await api.request('/api/schemas/rule', { token: null })).status).toBe(401);
  });
});

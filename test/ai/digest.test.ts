// The weekly digest: last week's figures → Gemini (fake) → one outbox message per guild and week,
// previewed and posted from the API; a failure queues nothing and is in the ledger.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lastWeek, queueWeeklyDigests } from '../../src/ai/digest.ts';
import { fixedClock } from '../../src/app/clock.ts';
import { aiCalls, outbox } from '../../src/db/schema.ts';
import { saveRule } from '../../src/rules/repository.ts';
import { creditRule, event } from '../rules/support.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, GUILD, seedGuild } from '../support/factories.ts';
import { FakeGemini } from './fake-gemini.ts';

const NOW = new Date('2026-11-25T12:00:00.000Z'); // a Wednesday: last week is 16–23 November
const CHANNEL_ID = '3333333333333333333';
let database: TestDatabase;
let gemini: FakeGemini;
let api: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  gemini = await FakeGemini.start();
  api = await createTestApp(database, { GEMINI_API_KEY: 'k', GEMINI_BASE_URL: gemini.url }, { clock: fixedClock(NOW) });
});
afterAll(async () => {
  await api.services.close();
  await gemini.stop();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }] });
  await saveRule(database.db, GUILD, creditRule('msg-xp', { amount: 10 }), 'test');
  await api.services.configs.reload(GUILD);
  const at = '2026-11-18T10:00:00.000Z';
  await api.services.pipeline.ingestEvents(
    [event('message_create', { occurred_at: at }), event('message_create', { occurred_at: at }), event('message_create', { actor_id: BOB, occurred_at: at }), event('member_join', { actor_id: BOB, occurred_at: at, data: {} }), event('message_create', { occurred_at: '2026-11-24T10:00:00.000Z' })],
    'api',
  );
  gemini.requests.length = 0;
  gemini.always({ json: { title: 'A lively week', summary: 'Three messages and one new member. <@' + ALICE + '> led the way.', highlights: ['Bob joined'] }, promptTokens: 300, responseTokens: 60 });
});

const outboxRows = () => database.db.select().from(outbox).where(eq(outbox.guildId, GUILD));

describe('weekly digest', () => {
  it('covers the last full week, Monday to Monday (UTC)', () => {
    expect(lastWeek(NOW)).toEqual({ from: new Date('2026-11-16T00:00:00.000Z'), to: new Date('2026-11-23T00:00:00.000Z'), key: '2026-11-16' });
    expect(lastWeek(new Date('2026-11-23T00:00:00.000Z')).key).toBe('2026-11-16');
  });

  it('previews from the API with last week’s figures only, and posts once per week', async () => {
    expect((await api.request(`/api/guilds/${GUILD}/ai/digest`, { method: 'PUT', json: { channel_id: CHANNEL_ID } })).status).toBe(200);
    const preview = await json(await api.request(`/api/guilds/${GUILD}/ai/digest`, { method: 'POST', json: {} }));
    expect(preview).toMatchObject({ week: '2026-11-16', queued: false, digest: { title: 'A lively week' }, stats: { events: { message_create: 3, member_join: 1 }, active_members: 2, joins: 1 } });
    expect(preview.stats.top_earners).toEqual([{ user_id: ALICE, currency: 'xp', earned: 20 }, { user_id: BOB, currency: 'xp', earned: 10 }]);
    expect(gemini.requests[0]!.prompt).toContain(`<@${ALICE}>`);
    expect(gemini.requests[0]!.prompt).toContain('"message_create":3');
    expect(await outboxRows()).toHaveLength(0);

    const job = await queueWeeklyDigests(api.services.ai, database.db, NOW);
    expect(job).toEqual({ queued: [GUILD], failed: [] });
    expect(await queueWeeklyDigests(api.services.ai, database.db, NOW)).toEqual({ queued: [], failed: [] });
    const posted = await json(await api.request(`/api/guilds/${GUILD}/ai/digest`, { method: 'POST', json: { post: true } }));
    expect(posted.queued).toBe(false); // already queued for that week
    const rows = await outboxRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.kind).toBe('message');
    expect(rows[0]!.payload).toMatchObject({ channel_id: CHANNEL_ID, digest_week: '2026-11-16', embed: { title: 'A lively week', description: expect.stringContaining('• Bob joined') } });
  });

  it('a failed digest queues nothing, is recorded, and is retried on the next run', async () => {
    await api.request(`/api/guilds/${GUILD}/ai/digest`, { method: 'PUT', json: { channel_id: CHANNEL_ID } });
    gemini.always({ status: 500 });
    expect(await queueWeeklyDigests(api.services.ai, database.db, NOW)).toEqual({ queued: [], failed: [{ guild: GUILD, reason: expect.stringContaining('HTTP 500') }] });
    expect(await outboxRows()).toHaveLength(0);
    await api.services.ai.settled();
    expect((await database.db.select().from(aiCalls)).map((c) => `${c.feature}:${c.outcome}`)).toEqual(['digest:error']);
    gemini.always({ json: { title: 'Later', summary: 'Fine.', highlights: [] } });
    expect((await queueWeeklyDigests(api.services.ai, database.db, NOW)).queued).toEqual([GUILD]);
  });

  it('does nothing for guilds without a digest channel; the API names what is missing or wrong', async () => {
    expect(await queueWeeklyDigests(api.services.ai, database.db, NOW)).toEqual({ queued: [], failed: [] });
    expect(gemini.requests).toHaveLength(0);
    const post = await api.request(`/api/guilds/${GUILD}/ai/digest`, { method: 'POST', json: { post: true } });
    expect(post.status).toBe(422);
    expect((await json(post)).error.details[0].path).toBe('post');
    const bad = await api.request(`/api/guilds/${GUILD}/ai/digest`, { method: 'PUT', json: { channel_id: 'general' } });
    expect(bad.status).toBe(422);
    expect((await json(bad)).error.details[0].path).toBe('channel_id');
  });
});

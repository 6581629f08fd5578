// Gateway events through the real discord.js client and the fake Discord end as ledger
// transactions (classic preset), and rule side effects reach Discord's REST API through the outbox.
import { eq } from 'drizzle-orm';
import { afterEach, beforeAll, afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/app/clock.ts';
import { lakeEvents, outbox } from '../../src/db/schema.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { balances, importClassic, lakeCount, saveRules, startBot, until, waitForLake, type BotHarness } from './support/harness.ts';
import { ALICE, ANNOUNCE_CHANNEL, BOB, CAROL, GUILD, LEVEL_ROLE, VOICE_CHANNEL, member, message, reaction, snowflakeAt, thread, voiceState } from './support/payloads.ts';

let database: TestDatabase;
let harness: BotHarness | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
});
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('gateway events become ledger transactions (classic preset)', () => {
  it('rewards a message with 15 XP and a Star, keeping only its metadata in the lake', async () => {
    await importClassic(database);
    harness = await startBot(database);
    const payload = message({ author: ALICE, content: 'hello there, see https://example.com' });
    harness.fake.dispatch('MESSAGE_CREATE', payload);
    await waitForLake(harness, database, 1, 'message_create');
    expect(await balances(database, ALICE)).toEqual({ xp: Math.trunc(15 * 1.25), stars: 1 });
    const [row] = await database.db.select().from(lakeEvents).where(eq(lakeEvents.type, 'message_create'));
    expect(row).toMatchObject({ sourceId: payload.id, actorId: ALICE, origin: 'gateway' });
    expect(row!.data).toMatchObject({ length: 36, has_link: true, has_code_block: false });
    expect(JSON.stringify(row!.data)).not.toContain('hello');
  });

  it("rewards the reactor and the message's author for a reaction", async () => {
    await importClassic(database);
    harness = await startBot(database);
    const post = message({ author: ALICE });
    harness.fake.dispatch('MESSAGE_CREATE', post);
    await waitForLake(harness, database, 1, 'message_create');
    harness.fake.dispatch('MESSAGE_REACTION_ADD', reaction({ user: BOB, messageId: post.id as string, messageAuthor: ALICE }));
    await waitForLake(harness, database, 1, 'reaction_add');
    expect(await balances(database, BOB)).toEqual({ xp: 2, stars: 1 });
    expect(await balances(database, ALICE)).toEqual({ xp: 15 + 3, stars: 1 + 1 });
  });

  it('rewards starting a thread with 20 XP and 2 Stars', async () => {
    await importClassic(database);
    harness = await startBot(database);
    harness.fake.dispatch('THREAD_CREATE', thread({ owner: CAROL }));
    await waitForLake(harness, database, 1, 'thread_create');
    expect(await balances(database, CAROL)).toEqual({ xp: 20, stars: 2 });
  });

  it('pairs a voice join and leave into one session worth a Star per 10 minutes', async () => {
    await importClassic(database);
    const clock = fixedClock(new Date('2026-11-22T10:00:00.000Z'));
    harness = await startBot(database, { clock });
    harness.fake.dispatch('VOICE_STATE_UPDATE', voiceState(ALICE, VOICE_CHANNEL));
    await waitForLake(harness, database, 1, 'voice_join');
    clock.advance(25 * 60_000);
    harness.fake.dispatch('VOICE_STATE_UPDATE', voiceState(ALICE, null));
    await waitForLake(harness, database, 1, 'voice_session_end');
    const [end] = await database.db.select().from(lakeEvents).where(eq(lakeEvents.type, 'voice_session_end'));
    expect(end).toMatchObject({ actorId: ALICE, channelId: VOICE_CHANNEL });
    expect(end!.data).toMatchObject({ duration_seconds: 1500, is_afk: false });
    expect(await balances(database, ALICE)).toEqual({ stars: 2 });
  });

  it('records a member join and applies a welcome rule to it', async () => {
    await importClassic(database);
    await saveRules(database, [
      { key: 'welcome', name: 'Welcome gift', trigger: { events: ['member_join'] }, effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: 100 }] },
    ]);
    harness = await startBot(database);
    const newcomer = '987654321098765499';
    harness.fake.dispatch('GUILD_MEMBER_ADD', { ...member(newcomer, { joined_at: '2026-11-22T10:00:00.000000+00:00' }), guild_id: GUILD });
    await waitForLake(harness, database, 1, 'member_join');
    expect(await balances(database, newcomer)).toEqual({ gold: 100 });
    const [join] = await database.db.select().from(lakeEvents).where(eq(lakeEvents.type, 'member_join'));
    expect(join!.sourceId).toBe(`join:${GUILD}:${newcomer}:${Date.parse('2026-11-22T10:00:00Z')}`);
  });

  it('gives the role and posts the announcement a rule asks for, through Discord REST', async () => {
    await importClassic(database);
    await saveRules(database, [
      {
        key: 'first-words',
        name: 'First words',
        trigger: { events: ['message_create'] },
        effects: [
          { type: 'role_add', to: 'actor', role: LEVEL_ROLE },
          { type: 'message', channel: ANNOUNCE_CHANNEL, template: '{{actor.mention}} said their first words!' },
        ],
      },
    ]);
    harness = await startBot(database);
    harness.fake.dispatch('MESSAGE_CREATE', message({ author: BOB }));
    const [role] = await harness.fake.waitForCalls('PUT', new RegExp(`^/guilds/${GUILD}/members/${BOB}/roles/${LEVEL_ROLE}$`));
    expect(role!.headers['x-audit-log-reason']).toBe('First%20words');
    const [post] = await harness.fake.waitForCalls('POST', new RegExp(`^/channels/${ANNOUNCE_CHANNEL}/messages$`));
    expect(post!.body).toMatchObject({ content: `<@${BOB}> said their first words!`, allowed_mentions: { parse: ['users'] } });
    await until(async () => (await database.db.select().from(outbox)).every((r) => r.status === 'sent'), 5_000, 'outbox rows sent');
    expect(await balances(database, BOB)).toMatchObject({ xp: 15, stars: 1 });
  });

  it('ignores messages from bots and direct messages', async () => {
    await importClassic(database);
    harness = await startBot(database);
    harness.fake.dispatch('MESSAGE_CREATE', message({ author: BOB, bot: true }));
    harness.fake.dispatch('MESSAGE_CREATE', message({ author: BOB, guild: null }));
    harness.fake.dispatch('MESSAGE_CREATE', message({ author: ALICE, id: snowflakeAt() }));
    await waitForLake(harness, database, 1, 'message_create');
    expect(await lakeCount(database)).toBe(1);
    expect(await balances(database, BOB)).toEqual({});
  });
});

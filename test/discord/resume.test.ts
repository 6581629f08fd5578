// Exactly-once from the gateway: events replayed after a RESUME, duplicated dispatches and bot
// restarts never award twice, and events missed while disconnected all arrive after the RESUME.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { balances, importClassic, lakeCount, startBot, transactionCount, until, waitForLake, type BotHarness } from './support/harness.ts';
import { ALICE, BOB, CAROL, GUILD, member, message, reaction, thread } from './support/payloads.ts';

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
  await importClassic(database);
});
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** Sends a little of everything; returns the payloads so they can be sent again. */
function sendActivity(h: BotHarness) {
  const post = message({ author: ALICE });
  const payloads: [string, Record<string, unknown>][] = [
    ['MESSAGE_CREATE', post],
    ['MESSAGE_REACTION_ADD', reaction({ user: BOB, messageId: post.id as string, messageAuthor: ALICE })],
    ['THREAD_CREATE', thread({ owner: CAROL })],
    ['GUILD_MEMBER_ADD', { ...member('987654321098765499', { joined_at: '2026-11-22T09:00:00.000000+00:00' }), guild_id: GUILD }],
  ];
  for (const [t, d] of payloads) h.fake.dispatch(t, d);
  return payloads;
}

async function snapshot() {
  return { lake: await lakeCount(database), transactions: await transactionCount(database), alice: await balances(database, ALICE), bob: await balances(database, BOB) };
}

describe('gateway replays and restarts', () => {
  it('a RESUME that replays already-seen events changes nothing', async () => {
    harness = await startBot(database);
    const sent = sendActivity(harness);
    await waitForLake(harness, database, sent.length);
    const before = await snapshot();
    const duplicatesBefore = harness.bot.events.stats.duplicate;

    harness.fake.replayDuplicatesOnResume(sent.length);
    harness.fake.disconnect();
    await harness.fake.waitForOp(6);
    await until(() => harness!.bot.events.stats.duplicate - duplicatesBefore >= sent.length, 10_000, 'the replayed events');
    await harness.bot.events.flush();

    expect(await snapshot()).toEqual(before);
    expect(before.transactions).toBeGreaterThan(0);
  });

  it('a disconnect with events missed in between loses none of them', async () => {
    harness = await startBot(database);
    harness.fake.disconnect();
    // Sent while the bot is away: the fake buffers them and replays them after the RESUME.
    const sent = sendActivity(harness);
    const resume = await harness.fake.waitForOp(6);
    expect(resume.seq).toBeLessThan(harness.fake.sequence);
    await waitForLake(harness, database, sent.length);
    expect(await lakeCount(database, 'member_join')).toBe(1);
    expect(await balances(database, ALICE)).toEqual({ xp: 15 + 3, stars: 1 + 1 });
    expect(await balances(database, BOB)).toEqual({ xp: 2, stars: 1 });
    expect(await balances(database, CAROL)).toEqual({ xp: 20, stars: 2 });
  });

  it('the same dispatch delivered twice is ingested once', async () => {
    harness = await startBot(database);
    const post = message({ author: ALICE });
    const like = reaction({ user: BOB, messageId: post.id as string, messageAuthor: ALICE });
    for (const [t, d] of [['MESSAGE_CREATE', post], ['MESSAGE_CREATE', post], ['MESSAGE_REACTION_ADD', like], ['MESSAGE_REACTION_ADD', like]] as const) harness.fake.dispatch(t, d);
    await until(() => harness!.bot.events.stats.accepted + harness!.bot.events.stats.duplicate >= 4, 10_000, 'four events');
    expect(await lakeCount(database)).toBe(2);
    expect(await balances(database, ALICE)).toEqual({ xp: 18, stars: 2 });
  });

  it('a restarted bot receiving the same events again awards nothing twice', async () => {
    harness = await startBot(database);
    const sent = sendActivity(harness);
    await waitForLake(harness, database, sent.length);
    const before = await snapshot();
    const fake = harness.fake;
    await harness.stop({ fake: false });

    harness = await startBot(database, { fake });
    for (const [t, d] of sent) fake.dispatch(t, d);
    await until(() => harness!.bot.events.stats.duplicate >= sent.length, 10_000, 'the re-sent events');
    expect(await snapshot()).toEqual(before);
  });
});

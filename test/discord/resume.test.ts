// Exactly-once from the gateway: events replayed after a RESUME, duplicated dispatches and bot
// restarts never award twice, and events missed while disconnected all arrive after the RESUME.
import { describe, expect, it } from 'vitest';
import { balances, lakeCount, transactionCount, until, waitForLake, type BotHarness } from './support/harness.ts';
import { useBot } from './support/use-bot.ts';
import { ALICE, BOB, CAROL, GUILD, member, message, reaction, thread } from './support/payloads.ts';

const ctx = useBot({ preset: 'classic', start: 'manual' });

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
  return { lake: await lakeCount(ctx.database), transactions: await transactionCount(ctx.database), alice: await balances(ctx.database, ALICE), bob: await balances(ctx.database, BOB) };
}

describe('gateway replays and restarts', () => {
  it('a RESUME that replays already-seen events changes nothing', async () => {
    await ctx.start();
    const sent = sendActivity(ctx.harness);
    await waitForLake(ctx.harness, ctx.database, sent.length);
    const before = await snapshot();
    const duplicatesBefore = ctx.harness.bot.events.stats.duplicate;

    ctx.harness.fake.replayDuplicatesOnResume(sent.length);
    ctx.harness.fake.disconnect();
    await ctx.harness.fake.waitForOp(6);
    await until(() => ctx.harness.bot.events.stats.duplicate - duplicatesBefore >= sent.length, 10_000, 'the replayed events');
    await ctx.harness.bot.events.flush();

    expect(await snapshot()).toEqual(before);
    expect(before.transactions).toBeGreaterThan(0);
  });

  it('a disconnect with events missed in between loses none of them', async () => {
    await ctx.start();
    ctx.harness.fake.disconnect();
    // Sent while the bot is away: the fake buffers them and replays them after the RESUME.
    const sent = sendActivity(ctx.harness);
    const resume = await ctx.harness.fake.waitForOp(6);
    expect(resume.seq).toBeLessThan(ctx.harness.fake.sequence);
    await waitForLake(ctx.harness, ctx.database, sent.length);
    expect(await lakeCount(ctx.database, 'member_join')).toBe(1);
    expect(await balances(ctx.database, ALICE)).toEqual({ xp: 15 + 3, stars: 1 + 1 });
    expect(await balances(ctx.database, BOB)).toEqual({ xp: 2, stars: 1 });
    expect(await balances(ctx.database, CAROL)).toEqual({ xp: 20, stars: 2 });
  });

  it('the same dispatch delivered twice is ingested once', async () => {
    await ctx.start();
    const post = message({ author: ALICE });
    const like = reaction({ user: BOB, messageId: post.id as string, messageAuthor: ALICE });
    for (const [t, d] of [['MESSAGE_CREATE', post], ['MESSAGE_CREATE', post], ['MESSAGE_REACTION_ADD', like], ['MESSAGE_REACTION_ADD', like]] as const) ctx.harness.fake.dispatch(t, d);
    await until(() => ctx.harness.bot.events.stats.accepted + ctx.harness.bot.events.stats.duplicate >= 4, 10_000, 'four events');
    expect(await lakeCount(ctx.database)).toBe(2);
    expect(await balances(ctx.database, ALICE)).toEqual({ xp: 18, stars: 2 });
  });

  it('a restarted bot receiving the same events again awards nothing twice', async () => {
    await ctx.start();
    const sent = sendActivity(ctx.harness);
    await waitForLake(ctx.harness, ctx.database, sent.length);
    const before = await snapshot();
    const fake = ctx.harness.fake;

    await ctx.restart();
    for (const [t, d] of sent) fake.dispatch(t, d);
    await until(() => ctx.harness.bot.events.stats.duplicate >= sent.length, 10_000, 'the re-sent events');
    expect(await snapshot()).toEqual(before);
  });
});

// Graceful shutdown keeps what is in flight: gateway events still waiting in the micro-batcher when
// the bot stops are written (lake and ledger) before it disconnects.
import { describe, expect, it } from 'vitest';
import { balances, lakeCount, until } from './support/harness.ts';
import { useBot } from './support/use-bot.ts';
import { ALICE, BOB, CAROL, message } from './support/payloads.ts';

const ctx = useBot({ preset: 'classic', start: 'manual' });

describe('graceful shutdown', () => {
  it('writes the events still queued in the batcher before disconnecting', async () => {
    // Batches wait a minute here, so the events are only in memory when the bot is stopped.
    const harness = await ctx.start({ bot: { batch: { maxWaitMs: 60_000 } } });
    for (const author of [ALICE, BOB, CAROL]) harness.fake.dispatch('MESSAGE_CREATE', message({ author }));
    await until(() => harness.bot.events.pending === 3, 10_000, 'three queued events');
    expect(await lakeCount(ctx.database)).toBe(0);

    await harness.stop();

    expect(await lakeCount(ctx.database, 'message_create')).toBe(3);
    for (const member of [ALICE, BOB, CAROL]) expect(await balances(ctx.database, member)).toEqual({ xp: 15, stars: 1 });
    expect(harness.bot.events.stats).toMatchObject({ accepted: 3, lost: 0 });
    expect(harness.bot.status()).not.toBe('ready');
  });
});

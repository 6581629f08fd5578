// Bad gateway payloads — missing fields, ids as numbers, unknown dispatch types, frames that are not
// JSON — are logged and skipped; the bot stays connected and keeps rewarding good events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balances, lakeCount, waitForLake } from './support/harness.ts';
import { useBot } from './support/use-bot.ts';
import { ALICE, GUILD, message } from './support/payloads.ts';

const ctx = useBot({ preset: 'classic' });
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

const BAD_DISPATCHES: [string, unknown][] = [
  ['MESSAGE_CREATE', {}],
  // An id sent as a JSON number (it would lose precision in JavaScript).
  ['MESSAGE_CREATE', { ...message(), id: 1312345678901234, author: { id: 42 } }],
  ['MESSAGE_REACTION_ADD', { guild_id: GUILD, user_id: ALICE }],
  ['MESSAGE_REACTION_REMOVE', { guild_id: GUILD, channel_id: '1', message_id: '2', user_id: ALICE, emoji: {} }],
  ['THREAD_CREATE', { id: '1', guild_id: GUILD, newly_created: true }],
  ['VOICE_STATE_UPDATE', { guild_id: GUILD, channel_id: '5' }],
  ['GUILD_MEMBER_ADD', { guild_id: GUILD }],
  ['GUILD_MEMBER_UPDATE', { guild_id: GUILD }],
  ['GUILD_MEMBER_REMOVE', { guild_id: GUILD }],
  ['GUILD_MEMBERS_CHUNK', { members: [] }],
  ['INTERACTION_CREATE', { guild_id: GUILD, type: 2, id: '9' }],
  ['NOT_A_REAL_DISPATCH', { anything: true }],
];

describe('malformed gateway payloads', () => {
  it('are logged and skipped, never crash the bot, and good events still count', async () => {
    for (const [t, d] of BAD_DISPATCHES) ctx.harness.fake.dispatch(t, d);
    ctx.harness.fake.sendRaw('this is not JSON');
    ctx.harness.fake.sendRaw({ op: 99, d: null });
    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: ALICE }));
    await waitForLake(ctx.harness, ctx.database, 1, 'message_create');

    expect(await lakeCount(ctx.database)).toBe(1);
    expect(await balances(ctx.database, ALICE)).toEqual({ xp: 15, stars: 1 });
    expect(ctx.harness.bot.status()).toBe('ready');
    expect(unhandled).toEqual([]);

    const malformed = ctx.harness.logs.filter((l) => l.msg === 'malformed gateway payload skipped').map((l) => l.dispatch);
    expect(new Set(malformed)).toEqual(
      new Set(['MESSAGE_CREATE', 'MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE', 'THREAD_CREATE', 'VOICE_STATE_UPDATE', 'GUILD_MEMBER_ADD', 'GUILD_MEMBER_UPDATE', 'GUILD_MEMBER_REMOVE', 'GUILD_MEMBERS_CHUNK', 'INTERACTION_CREATE']),
    );
    const invalidId = ctx.harness.logs.find((l) => l.msg === 'malformed gateway payload skipped' && JSON.stringify(l.problems).includes('id: must be a string of digits'));
    expect(invalidId).toBeDefined();
    expect(ctx.harness.logs.some((l) => l.msg === 'unknown gateway dispatch type skipped' && l.dispatch === 'NOT_A_REAL_DISPATCH')).toBe(true);
    // discord.js's own handlers throw on some of these; those are caught and reported too.
    expect(ctx.harness.logs.some((l) => l.msg === "gateway packet discord.js could not handle; skipped" && l.dispatch === 'GUILD_MEMBER_ADD')).toBe(true);
    expect(ctx.harness.logs.filter((l) => l.level >= 50)).toEqual([]);
  });
});

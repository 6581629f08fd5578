// reaction_add / reaction_remove from MESSAGE_REACTION_* payloads.
import { describe, expect, it } from 'vitest';
import { emojiKey, normalizeReaction } from '../../../src/discord/normalize/reaction.ts';
import { ALICE, BOB, CHANNEL, GUILD, reaction, snowflakeAt } from '../support/payloads.ts';

const SENT = '2026-11-22T10:00:00.000Z';
const MESSAGE = snowflakeAt(SENT);
const at = (seconds: number) => new Date(Date.parse(SENT) + seconds * 1000).toISOString();

describe('normalizeReaction', () => {
  it('credits the reactor with the message author (from the payload) as target', () => {
    const result = normalizeReaction('add', reaction({ user: BOB, messageId: MESSAGE, messageAuthor: ALICE }), { occurredAt: at(90) });
    expect(result).toEqual({
      ok: true,
      event: {
        source_id: `react:${MESSAGE}:${BOB}:u1f44d`,
        type: 'reaction_add',
        guild_id: GUILD,
        actor_id: BOB,
        target_id: ALICE,
        channel_id: CHANNEL,
        occurred_at: at(90),
        data: { emoji: '👍', message_id: MESSAGE, unique_reactor_count: 1, message_age_seconds: 90 },
      },
    });
  });

  it('sums the reactions already on the message, plus this one', () => {
    const result = normalizeReaction('add', reaction({ user: BOB, messageId: MESSAGE, messageAuthor: ALICE }), { occurredAt: at(1), reactionTotalBefore: 11 });
    expect(result.ok && result.event?.data.unique_reactor_count).toBe(12);
  });

  it('takes the author from the cache when the payload does not name it, and never targets a bot', () => {
    const removal = reaction({ user: BOB, messageId: MESSAGE }, 'remove');
    const known = normalizeReaction('remove', removal, { occurredAt: at(5), messageAuthorId: ALICE, reactionTotalBefore: 3 });
    expect(known.ok && known.event).toMatchObject({ source_id: `unreact:${MESSAGE}:${BOB}:u1f44d`, type: 'reaction_remove', target_id: ALICE, data: { unique_reactor_count: 2 } });
    const bot = normalizeReaction('add', reaction({ user: BOB, messageId: MESSAGE, messageAuthor: ALICE }), { occurredAt: at(5), authorIsBot: true });
    expect(bot.ok && bot.event?.target_id).toBeNull();
    const unknown = normalizeReaction('remove', removal, { occurredAt: at(5) });
    expect(unknown.ok && unknown.event).toMatchObject({ target_id: null, data: { unique_reactor_count: 0 } });
  });

  it('keys custom emoji by id and shows them as Discord writes them', () => {
    const custom = { id: '123456789012345678', name: 'cairn', animated: true };
    const result = normalizeReaction('add', reaction({ user: BOB, messageId: MESSAGE, emoji: custom }), { occurredAt: at(1) });
    expect(result.ok && result.event).toMatchObject({ source_id: `react:${MESSAGE}:${BOB}:123456789012345678`, data: { emoji: '<a:cairn:123456789012345678>' } });
    expect(emojiKey({ id: null, name: '👍🏽' })).toBe('u1f44d-1f3fd');
  });

  it('skips bot reactors and reactions outside guilds', () => {
    expect(normalizeReaction('add', reaction({ user: BOB, messageId: MESSAGE, bot: true }), { occurredAt: at(1) })).toMatchObject({ event: null, skipped: 'bot reactor' });
    const { guild_id: _guild, ...dm } = reaction({ user: BOB, messageId: MESSAGE });
    expect(normalizeReaction('add', dm, { occurredAt: at(1) })).toMatchObject({ event: null });
  });

  it('never reports a negative age for a message from the future (clock skew)', () => {
    const result = normalizeReaction('add', reaction({ user: BOB, messageId: MESSAGE }), { occurredAt: at(-3) });
    expect(result.ok && result.event?.data.message_age_seconds).toBe(0);
  });

  it('reports a payload without an emoji', () => {
    expect(normalizeReaction('add', { ...reaction({ user: BOB, messageId: MESSAGE }), emoji: {} }, { occurredAt: at(1) })).toEqual({ ok: false, problems: ['emoji: has neither an id nor a name'] });
  });
});

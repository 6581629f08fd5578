// message_create from MESSAGE_CREATE payloads: metadata only, bots and DMs skipped.
import { describe, expect, it } from 'vitest';
import { normalizeMessage } from '../../../src/discord/normalize/message.ts';
import { ALICE, BOB, CHANNEL, GUILD, THREAD_ID, message } from '../support/payloads.ts';

const event = (payload: unknown, context = {}) => {
  const result = normalizeMessage(payload, context);
  if (!result.ok || !result.event) throw new Error(`expected an event, got ${JSON.stringify(result)}`);
  return result.event;
};

describe('normalizeMessage', () => {
  it('keeps the message id as source id and the author as actor, with the payload timestamp', () => {
    const payload = message({ id: '1312345678901234567', author: ALICE, at: '2026-11-22T10:00:00.123+00:00' });
    expect(event(payload)).toMatchObject({
      source_id: '1312345678901234567',
      type: 'message_create',
      guild_id: GUILD,
      actor_id: ALICE,
      target_id: null,
      channel_id: CHANNEL,
      occurred_at: '2026-11-22T10:00:00.123Z',
    });
  });

  it('measures the text and throws it away', () => {
    const content = 'Look: ```ts\nconst x = 1;\n``` and https://example.com 🎉👍🏽 <:cairn:123456789012345678>';
    const e = event(message({ content, attachments: 2 }));
    expect(e.data).toEqual({
      length: [...content].length,
      has_code_block: true,
      has_link: true,
      has_attachment: true,
      attachment_count: 2,
      emoji_count: 3,
      is_reply: false,
    });
    expect(JSON.stringify(e)).not.toContain('Look');
  });

  it('counts characters, not UTF-16 units, as Synapse did', () => {
    expect(event(message({ content: '👍👍' })).data.length).toBe(2);
  });

  it('targets the author of the replied-to message, unless that author is a bot', () => {
    expect(event(message({ author: ALICE, replyTo: { id: '1312345678901234000', author: BOB } }))).toMatchObject({ target_id: BOB, data: { is_reply: true } });
    expect(event(message({ author: ALICE, replyTo: { id: '1312345678901234000', author: BOB, bot: true } }))).toMatchObject({ target_id: null, data: { is_reply: true } });
  });

  it('counts a thread message in the parent channel and names the thread', () => {
    const e = event(message({ channel: THREAD_ID }), { threadParentId: CHANNEL });
    expect(e.channel_id).toBe(CHANNEL);
    expect(e.data.thread_id).toBe(THREAD_ID);
  });

  it('skips bots, webhooks, direct messages and system messages', () => {
    expect(normalizeMessage(message({ bot: true }))).toMatchObject({ ok: true, event: null, skipped: 'bot or webhook author' });
    expect(normalizeMessage({ ...message(), webhook_id: '1312345678901234567' })).toMatchObject({ event: null });
    expect(normalizeMessage(message({ guild: null }))).toMatchObject({ event: null, skipped: 'direct message' });
    expect(normalizeMessage({ ...message(), type: 7 })).toMatchObject({ event: null, skipped: 'system message (type 7)' });
  });

  it('reports what is missing from a malformed payload', () => {
    expect(normalizeMessage({ id: 5, channel_id: CHANNEL })).toEqual({
      ok: false,
      problems: expect.arrayContaining(['id: must be a string of digits (a Discord snowflake), not a number', 'type: Invalid input: expected number, received undefined']),
    });
  });

  it('reads a payload with no content (no Message Content intent) as an empty message', () => {
    expect(event({ ...message(), content: '' }).data).toMatchObject({ length: 0, has_link: false, emoji_count: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { parseLakeEvent } from '../../src/events/lake-event.ts';
import { messageEvent } from '../support/factories.ts';

const errorsOf = (input: unknown) => {
  const result = parseLakeEvent(input);
  return result.ok ? [] : result.errors;
};

describe('LakeEvent validation', () => {
  it('accepts the envelope of the product specification and normalises the time to UTC', () => {
    const result = parseLakeEvent({ ...messageEvent(), occurred_at: '2026-11-22T11:00:00+01:00' });
    expect(result).toMatchObject({ ok: true, value: { occurred_at: '2026-11-22T10:00:00.000Z', data: { length: 312 } } });
  });

  it('keeps snowflakes above 2^53 exactly as strings', () => {
    const result = parseLakeEvent(messageEvent({ guild_id: '1160511689263947796', actor_id: '9223372036854775807' }));
    expect(result.ok && result.value.guild_id).toBe('1160511689263947796');
    expect(result.ok && result.value.actor_id).toBe('9223372036854775807');
  });

  it('rejects numeric ids with the field named', () => {
    expect(errorsOf({ ...messageEvent(), actor_id: 987654321098765 })).toEqual([
      { path: 'actor_id', message: expect.stringContaining('not a number') },
    ]);
  });

  it('rejects an unknown event type and lists the known ones', () => {
    expect(errorsOf({ ...messageEvent(), type: 'message_sent' })).toEqual([
      { path: 'type', message: expect.stringContaining('unknown event type "message_sent"') },
    ]);
  });

  it('rejects a missing guild, a bad date and an id beyond 64 bits', () => {
    const { guild_id: _omit, ...rest } = messageEvent();
    expect(errorsOf(rest).map((e) => e.path)).toEqual(['guild_id']);
    expect(errorsOf({ ...messageEvent(), occurred_at: 'yesterday' }).map((e) => e.path)).toEqual(['occurred_at']);
    expect(errorsOf({ ...messageEvent(), channel_id: '99999999999999999999' }).map((e) => e.path)).toEqual(['channel_id']);
  });

  it('reports bad data fields with their full path', () => {
    expect(errorsOf({ ...messageEvent(), data: { length: -1, has_link: 'yes' } }).map((e) => e.path)).toEqual([
      'data.length',
      'data.has_link',
    ]);
  });

  it('refuses engine-internal types from outside', () => {
    expect(errorsOf({ ...messageEvent(), type: 'level_up', data: { currency: 'xp', level: 2 } })).toEqual([
      { path: 'type', message: expect.stringContaining('internal event type') },
    ]);
  });

  it('drops message content and other unknown data keys', () => {
    const result = parseLakeEvent({ ...messageEvent(), data: { length: 5, content: 'secret words' } });
    expect(result.ok && result.value.data).not.toHaveProperty('content');
  });

  it('requires the receiving member on a manual award', () => {
    expect(
      errorsOf({ ...messageEvent(), type: 'manual_award', data: { currency: 'gold', amount: 5 } }).map((e) => e.path),
    ).toEqual(['target_id']);
  });
});

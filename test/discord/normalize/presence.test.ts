// PRESENCE_UPDATE payloads → presence states, and a closed session → presence_session_end.
import { describe, expect, it } from 'vitest';
import { parsePresence as parsePresenceState, presenceSessionEndEvent } from '../../../src/discord/normalize/presence.ts';

describe('presence normalizer', () => {
  it('reads online, idle and dnd as tracked statuses, and offline or invisible as none', () => {
    const state = (status: string) => parsePresenceState({ user: { id: '987654321098765432' }, guild_id: '1160511689263947796', status });
    expect(state('online')).toEqual({ ok: true, state: { guildId: '1160511689263947796', userId: '987654321098765432', status: 'online', isBot: false } });
    expect(state('dnd')).toMatchObject({ state: { status: 'dnd' } });
    expect(state('offline')).toMatchObject({ state: { status: null } });
    expect(state('invisible')).toMatchObject({ state: { status: null } });
  });

  it('takes the guild from GUILD_CREATE when the presence omits it, and refuses a payload without a user', () => {
    expect(parsePresenceState({ user: { id: '987654321098765432', bot: true }, status: 'idle' }, '42')).toMatchObject({ ok: true, state: { guildId: '42', isBot: true } });
    expect(parsePresenceState({ user: { id: '987654321098765432' }, status: 'idle' })).toEqual({ ok: false, problems: ['guild_id: is required'] });
    expect(parsePresenceState({ guild_id: '42', status: 'idle' })).toMatchObject({ ok: false });
  });

  it('closes a session as presence_session_end whose source id is fixed by its start', () => {
    const session = { guildId: '42', userId: '7', status: 'idle' as const, startedAt: new Date('2026-11-22T10:00:00Z'), lastSeenAt: new Date('2026-11-22T10:00:00Z') };
    const end = presenceSessionEndEvent(session, new Date('2026-11-22T10:30:00.500Z'));
    expect(end).toEqual({
      source_id: `presence:42:7:${Date.parse('2026-11-22T10:00:00Z')}`, type: 'presence_session_end', guild_id: '42', actor_id: '7', target_id: null, channel_id: null,
      occurred_at: '2026-11-22T10:30:00.500Z', data: { status: 'idle', duration_seconds: 1800, started_at: '2026-11-22T10:00:00.000Z' },
    });
    expect(presenceSessionEndEvent(session, new Date('2026-11-22T11:00:00Z')).source_id).toBe(end.source_id);
  });
});

// Voice states and sessions: parsing VOICE_STATE_UPDATE and the events a session produces.
import { describe, expect, it } from 'vitest';
import { openSession, parseVoiceState, voiceJoinEvent, voiceMoveEvent, voiceSessionEndEvent, type VoiceState } from '../../../src/discord/normalize/voice.ts';
import { AFK_CHANNEL, ALICE, GUILD, STAGE_CHANNEL, VOICE_CHANNEL, voiceState } from '../support/payloads.ts';

const settings = { afkChannelId: AFK_CHANNEL, excludedChannelIds: [STAGE_CHANNEL] };
const T0 = new Date('2026-11-22T10:00:00.000Z');
const state = (overrides: Record<string, unknown> = {}, channel: string | null = VOICE_CHANNEL): VoiceState => {
  const parsed = parseVoiceState(voiceState(ALICE, channel, overrides));
  if (!parsed.ok) throw new Error(parsed.problems.join());
  return parsed.state;
};

describe('voice normalizers', () => {
  it('reads a voice state, counting server mute and deafen as well as the member’s own', () => {
    expect(state()).toEqual({ guildId: GUILD, userId: ALICE, channelId: VOICE_CHANNEL, sessionId: `voice-session-${ALICE}`, selfMute: false, selfDeaf: false, idle: false, isBot: false });
    expect(state({ self_mute: true, self_deaf: true }).idle).toBe(true);
    expect(state({ mute: true, deaf: true }).idle).toBe(true);
    expect(state({ self_mute: true }).idle).toBe(false);
  });

  it('takes the guild from GUILD_CREATE for its voice_states, which carry none', () => {
    const { guild_id: _guild, ...payload } = voiceState(ALICE, VOICE_CHANNEL);
    expect(parseVoiceState(payload)).toEqual({ ok: false, problems: ['guild_id: is required'] });
    expect(parseVoiceState(payload, GUILD)).toMatchObject({ ok: true, state: { guildId: GUILD } });
  });

  it('closes a session as voice_session_end with its duration, keyed by its start', () => {
    const session = openSession(state() as VoiceState & { channelId: string }, T0, settings);
    const end = voiceSessionEndEvent(session, new Date(T0.getTime() + 1_234_567));
    expect(end).toEqual({
      source_id: `voice:${GUILD}:${ALICE}:${T0.getTime()}`,
      type: 'voice_session_end',
      guild_id: GUILD,
      actor_id: ALICE,
      target_id: null,
      channel_id: VOICE_CHANNEL,
      occurred_at: '2026-11-22T10:20:34.567Z',
      data: { duration_seconds: 1234, is_afk: false, started_at: T0.toISOString() },
    });
    expect(voiceSessionEndEvent(session, new Date(T0.getTime() + 5)).source_id).toBe(end.source_id);
  });

  it('tags AFK channels, excluded channels and idle sessions as AFK', () => {
    const afk = openSession(state({}, AFK_CHANNEL) as VoiceState & { channelId: string }, T0, settings);
    const excluded = openSession(state({}, STAGE_CHANNEL) as VoiceState & { channelId: string }, T0, settings);
    const idle = openSession(state({ self_mute: true, self_deaf: true }) as VoiceState & { channelId: string }, T0, settings);
    for (const session of [afk, excluded, idle]) expect(voiceSessionEndEvent(session, new Date(T0.getTime() + 60_000)).data.is_afk).toBe(true);
  });

  it('names the join and the move after the session they open', () => {
    const session = openSession(state() as VoiceState & { channelId: string }, T0, settings);
    expect(voiceJoinEvent(session, state())).toMatchObject({ source_id: `voicejoin:${GUILD}:${ALICE}:${T0.getTime()}`, type: 'voice_join', data: { is_afk: false } });
    expect(voiceMoveEvent(session, STAGE_CHANNEL, state())).toMatchObject({ source_id: `voicemove:${GUILD}:${ALICE}:${T0.getTime()}`, type: 'voice_move', data: { from_channel_id: STAGE_CHANNEL } });
  });
});

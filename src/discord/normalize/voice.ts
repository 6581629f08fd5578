// VOICE_STATE_UPDATE → voice sessions: a session is one member's stay in one voice channel. Joining
// opens one (voice_join), moving closes it and opens the next (voice_move), leaving closes it; each
// closed session becomes voice_session_end with its duration and whether it was AFK time (the
// guild's AFK channel, a channel the admins excluded, or muted and deafened the whole session).
import { z } from 'zod';
import type { LakeEvent } from '../../events/lake-event.ts';
import { GatewayMember, Snowflake } from './gateway-schemas.ts';
import { parsePayload } from './result.ts';

const VoiceStatePayload = z.object({
  guild_id: Snowflake.optional(),
  channel_id: Snowflake.nullable(),
  user_id: Snowflake,
  member: GatewayMember.optional(),
  session_id: z.string().nullable().optional(),
  deaf: z.boolean().default(false),
  mute: z.boolean().default(false),
  self_deaf: z.boolean().default(false),
  self_mute: z.boolean().default(false),
});

export interface VoiceState {
  guildId: string;
  userId: string;
  channelId: string | null;
  sessionId: string | null;
  selfMute: boolean;
  selfDeaf: boolean;
  /** Muted and deafened (by themselves or the server): not taking part. */
  idle: boolean;
  isBot: boolean;
}

/** Parses a voice state; GUILD_CREATE's voice_states omit guild_id, so it may be given. */
export function parseVoiceState(data: unknown, guildId?: string): { ok: true; state: VoiceState } | { ok: false; problems: string[] } {
  const parsed = parsePayload(VoiceStatePayload, data);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  const guild = v.guild_id ?? guildId;
  if (!guild) return { ok: false, problems: ['guild_id: is required'] };
  return {
    ok: true,
    state: {
      guildId: guild,
      userId: v.user_id,
      channelId: v.channel_id,
      sessionId: v.session_id ?? null,
      selfMute: v.self_mute,
      selfDeaf: v.self_deaf,
      idle: (v.self_mute || v.mute) && (v.self_deaf || v.deaf),
      isBot: v.member?.user.bot ?? false,
    },
  };
}

export interface VoiceSession {
  guildId: string;
  userId: string;
  channelId: string;
  sessionId: string | null;
  startedAt: Date;
  lastSeenAt: Date;
  idleWholeSession: boolean;
  inAfkChannel: boolean;
}

export interface VoiceSettings {
  afkChannelId: string | null;
  /** guilds.settings.voice_excluded_channels */
  excludedChannelIds: readonly string[];
}

export function isAfkChannel(channelId: string, settings: VoiceSettings): boolean {
  return channelId === settings.afkChannelId || settings.excludedChannelIds.includes(channelId);
}

/** The session a state opens at `at`. */
export function openSession(state: VoiceState & { channelId: string }, at: Date, settings: VoiceSettings): VoiceSession {
  return {
    guildId: state.guildId,
    userId: state.userId,
    channelId: state.channelId,
    sessionId: state.sessionId,
    startedAt: at,
    lastSeenAt: at,
    idleWholeSession: state.idle,
    inAfkChannel: isAfkChannel(state.channelId, settings),
  };
}

const key = (s: VoiceSession) => `${s.guildId}:${s.userId}:${s.startedAt.getTime()}`;

export function voiceJoinEvent(session: VoiceSession, state: VoiceState): LakeEvent {
  return {
    source_id: `voicejoin:${key(session)}`,
    type: 'voice_join',
    guild_id: session.guildId,
    actor_id: session.userId,
    target_id: null,
    channel_id: session.channelId,
    occurred_at: session.startedAt.toISOString(),
    data: { self_mute: state.selfMute, self_deaf: state.selfDeaf, is_afk: session.inAfkChannel },
  };
}

export function voiceMoveEvent(session: VoiceSession, fromChannelId: string, state: VoiceState): LakeEvent {
  return {
    ...voiceJoinEvent(session, state),
    source_id: `voicemove:${key(session)}`,
    type: 'voice_move',
    data: { from_channel_id: fromChannelId, self_mute: state.selfMute, self_deaf: state.selfDeaf, is_afk: session.inAfkChannel },
  };
}

/** The closed session as an event; its source id is the session's, so closing twice is one event. */
export function voiceSessionEndEvent(session: VoiceSession, endedAt: Date): LakeEvent {
  const end = Math.max(endedAt.getTime(), session.startedAt.getTime());
  return {
    source_id: `voice:${key(session)}`,
    type: 'voice_session_end',
    guild_id: session.guildId,
    actor_id: session.userId,
    target_id: null,
    channel_id: session.channelId,
    occurred_at: new Date(end).toISOString(),
    data: {
      duration_seconds: Math.floor((end - session.startedAt.getTime()) / 1000),
      is_afk: session.inAfkChannel || session.idleWholeSession,
      started_at: session.startedAt.toISOString(),
    },
  };
}

// Voice sessions in progress (the shared mechanics are SessionTracker's): joins, moves and leaves
// paired into voice_session_end, AFK tagging, and reconciliation with a guild's voice states; a
// crash between an end and its row's deletion closes the session again under the same source id.
import { sql } from 'drizzle-orm';
import { queryRows } from '../db/client.ts';
import { scheduledAttendance, type ScheduledWindow } from './normalize/scheduled-event.ts';
import {
  openSession,
  voiceJoinEvent,
  voiceMoveEvent,
  voiceSessionEndEvent,
  type VoiceSession,
  type VoiceSettings,
  type VoiceState,
} from './normalize/voice.ts';
import { sessionKey, SessionTracker, type SessionDeps } from './session-tracker.ts';

export interface VoiceSessionDeps extends SessionDeps {
  settings(guildId: string): Promise<VoiceSettings>;
  scheduledEvents(guildId: string): readonly ScheduledWindow[];
}

export const DefaultVoiceOptions = { refreshMs: 30_000 } as const;

interface SessionRow {
  guild_id: string;
  user_id: string;
  channel_id: string;
  session_id: string | null;
  started_at: string | Date;
  last_seen_at: string | Date;
  idle_whole_session: boolean;
  in_afk_channel: boolean;
}

export class VoiceSessions extends SessionTracker<VoiceSession> {
  constructor(
    private readonly deps: VoiceSessionDeps,
    options: { refreshMs: number } = DefaultVoiceOptions,
  ) {
    super(deps, 'voice_sessions', options.refreshMs);
  }

  /** A VOICE_STATE_UPDATE. */
  update(state: VoiceState): Promise<void> {
    return this.serial(() => this.#apply(state));
  }

  /**
   * A GUILD_CREATE: the guild's voice states now. Sessions this process or a crashed one left open
   * continue if the member is still in the same channel, and otherwise end at their last_seen_at.
   */
  reconcile(guildId: string, states: readonly VoiceState[], afkChannelId: string | null): Promise<void> {
    return this.serial(async () => {
      const now = this.deps.clock.now();
      const settings = { ...(await this.deps.settings(guildId)), afkChannelId };
      const rows = await queryRows<SessionRow>(
        this.deps.db,
        sql`SELECT guild_id::text, user_id::text, channel_id::text, session_id, started_at, last_seen_at, idle_whole_session, in_afk_channel
            FROM voice_sessions WHERE guild_id = ${guildId}`,
      );
      const present = new Map(states.filter((s) => s.channelId && !s.isBot).map((s) => [s.userId, s]));
      for (const row of rows) {
        const session = fromRow(row);
        const state = present.get(session.userId);
        if (state && state.channelId === session.channelId) {
          session.lastSeenAt = now;
          if (!state.idle) session.idleWholeSession = false;
          this.sessions.set(sessionKey(guildId, session.userId), session);
          present.delete(session.userId);
        } else {
          this.sessions.delete(sessionKey(guildId, session.userId));
          this.close(session, session.lastSeenAt);
        }
      }
      for (const [key, session] of this.sessions) {
        if (session.guildId === guildId && !rows.some((r) => r.user_id === session.userId)) {
          this.sessions.delete(key);
          this.close(session, session.lastSeenAt);
        }
      }
      for (const state of present.values()) await this.#begin(state as VoiceState & { channelId: string }, now, settings, undefined);
    });
  }

  async #apply(state: VoiceState): Promise<void> {
    if (state.isBot) return;
    const key = sessionKey(state.guildId, state.userId);
    const current = this.sessions.get(key);
    const now = this.deps.clock.now();
    if (current && current.channelId === state.channelId) {
      if (!state.idle && current.idleWholeSession) {
        current.idleWholeSession = false;
        await this.deps.db.execute(sql`
          UPDATE voice_sessions SET idle_whole_session = false
          WHERE guild_id = ${state.guildId} AND user_id = ${state.userId}`);
      }
      return;
    }
    if (current) {
      this.sessions.delete(key);
      this.close(current, now);
    }
    if (state.channelId) {
      const settings = await this.deps.settings(state.guildId);
      await this.#begin(state as VoiceState & { channelId: string }, now, settings, current?.channelId);
    }
  }

  async #begin(state: VoiceState & { channelId: string }, at: Date, settings: VoiceSettings, fromChannelId: string | undefined): Promise<void> {
    const session = openSession(state, at, settings);
    this.sessions.set(sessionKey(state.guildId, state.userId), session);
    await this.deps.db.execute(sql`
      INSERT INTO voice_sessions (guild_id, user_id, channel_id, session_id, started_at, last_seen_at, idle_whole_session, in_afk_channel)
      VALUES (${session.guildId}, ${session.userId}, ${session.channelId}, ${session.sessionId}, ${at.toISOString()}::timestamptz,
              ${at.toISOString()}::timestamptz, ${session.idleWholeSession}, ${session.inAfkChannel})
      ON CONFLICT (guild_id, user_id) DO UPDATE SET channel_id = excluded.channel_id, session_id = excluded.session_id,
        started_at = excluded.started_at, last_seen_at = excluded.last_seen_at,
        idle_whole_session = excluded.idle_whole_session, in_afk_channel = excluded.in_afk_channel`);
    this.deps.emit(fromChannelId ? voiceMoveEvent(session, fromChannelId, state) : voiceJoinEvent(session, state));
  }

  /** Emits the session's end (and any scheduled-event attendance); its row goes once that is committed. */
  protected close(session: VoiceSession, endedAt: Date): void {
    for (const attendance of scheduledAttendance(session, endedAt, this.deps.scheduledEvents(session.guildId))) this.deps.emit(attendance);
    this.endSession(session, voiceSessionEndEvent(session, endedAt));
  }
}

function fromRow(row: SessionRow): VoiceSession {
  return {
    guildId: row.guild_id,
    userId: row.user_id,
    channelId: row.channel_id,
    sessionId: row.session_id,
    startedAt: new Date(row.started_at),
    lastSeenAt: new Date(row.last_seen_at),
    idleWholeSession: row.idle_whole_session,
    inAfkChannel: row.in_afk_channel,
  };
}

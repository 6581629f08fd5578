// Voice sessions in progress, kept in memory and in the voice_sessions table so a restart can close
// them. Each change is applied in arrival order; a closed session is deleted once its
// voice_session_end is committed (a crash in between closes it again under the same source id).
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';
import type { LakeEvent } from '../events/lake-event.ts';
import type { Clock } from '../app/clock.ts';
import type { Logger } from '../log/logger.ts';
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

export interface VoiceSessionDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  emit(event: LakeEvent, onCommitted?: () => void): void;
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

const keyOf = (guildId: string, userId: string) => `${guildId}:${userId}`;

export class VoiceSessions {
  readonly #open = new Map<string, VoiceSession>();
  #queue: Promise<unknown> = Promise.resolve();
  readonly #deletes = new Set<Promise<unknown>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: VoiceSessionDeps,
    private readonly options: { refreshMs: number } = DefaultVoiceOptions,
  ) {}

  /** Open sessions (a copy), for tests and shutdown. */
  get open(): VoiceSession[] {
    return [...this.#open.values()].map((s) => ({ ...s }));
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      this.refresh().catch((error) => this.deps.logger.error({ err: error }, 'could not refresh voice sessions'));
    }, this.options.refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** A VOICE_STATE_UPDATE. */
  update(state: VoiceState): Promise<void> {
    return this.#serial(() => this.#apply(state));
  }

  /**
   * A GUILD_CREATE: the guild's voice states now. Sessions this process or a crashed one left open
   * continue if the member is still in the same channel, and otherwise end at their last_seen_at.
   */
  reconcile(guildId: string, states: readonly VoiceState[], afkChannelId: string | null): Promise<void> {
    return this.#serial(async () => {
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
          this.#open.set(keyOf(guildId, session.userId), session);
          present.delete(session.userId);
        } else {
          this.#open.delete(keyOf(guildId, session.userId));
          this.#close(session, session.lastSeenAt);
        }
      }
      for (const [key, session] of this.#open) {
        if (session.guildId === guildId && !rows.some((r) => r.user_id === session.userId)) {
          this.#open.delete(key);
          this.#close(session, session.lastSeenAt);
        }
      }
      for (const state of present.values()) await this.#begin(state as VoiceState & { channelId: string }, now, settings, undefined);
    });
  }

  /** Marks every open session as seen now (a crash ends them here). */
  refresh(): Promise<void> {
    return this.#serial(async () => {
      if (this.#open.size === 0) return;
      const now = this.deps.clock.now();
      const keys = [...this.#open.values()].map((s) => ({ g: s.guildId, u: s.userId }));
      for (const s of this.#open.values()) s.lastSeenAt = now;
      await this.deps.db.execute(sql`
        UPDATE voice_sessions v SET last_seen_at = ${now.toISOString()}::timestamptz
        FROM json_to_recordset(${JSON.stringify(keys)}::json) AS k(g bigint, u bigint)
        WHERE v.guild_id = k.g AND v.user_id = k.u`);
    });
  }

  /** Ends every open session now (graceful shutdown). */
  closeAll(): Promise<void> {
    return this.#serial(async () => {
      const now = this.deps.clock.now();
      for (const [key, session] of this.#open) {
        this.#open.delete(key);
        this.#close(session, now);
      }
    });
  }

  /** Waits for the changes queued so far, and for the rows of committed ends to be deleted. */
  async settle(): Promise<void> {
    await this.#queue;
    await Promise.all([...this.#deletes]);
  }

  #serial(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #apply(state: VoiceState): Promise<void> {
    if (state.isBot) return;
    const key = keyOf(state.guildId, state.userId);
    const current = this.#open.get(key);
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
      this.#open.delete(key);
      this.#close(current, now);
    }
    if (state.channelId) {
      const settings = await this.deps.settings(state.guildId);
      await this.#begin(state as VoiceState & { channelId: string }, now, settings, current?.channelId);
    }
  }

  async #begin(state: VoiceState & { channelId: string }, at: Date, settings: VoiceSettings, fromChannelId: string | undefined): Promise<void> {
    const session = openSession(state, at, settings);
    this.#open.set(keyOf(state.guildId, state.userId), session);
    await this.deps.db.execute(sql`
      INSERT INTO voice_sessions (guild_id, user_id, channel_id, session_id, started_at, last_seen_at, idle_whole_session, in_afk_channel)
      VALUES (${session.guildId}, ${session.userId}, ${session.channelId}, ${session.sessionId}, ${at.toISOString()}::timestamptz,
              ${at.toISOString()}::timestamptz, ${session.idleWholeSession}, ${session.inAfkChannel})
      ON CONFLICT (guild_id, user_id) DO UPDATE SET channel_id = excluded.channel_id, session_id = excluded.session_id,
        started_at = excluded.started_at, last_seen_at = excluded.last_seen_at,
        idle_whole_session = excluded.idle_whole_session, in_afk_channel = excluded.in_afk_channel`);
    this.deps.emit(fromChannelId ? voiceMoveEvent(session, fromChannelId, state) : voiceJoinEvent(session, state));
  }

  /** Emits the session's end (and any scheduled-event attendance); deletes its row after commit. */
  #close(session: VoiceSession, endedAt: Date): void {
    for (const attendance of scheduledAttendance(session, endedAt, this.deps.scheduledEvents(session.guildId))) this.deps.emit(attendance);
    this.deps.emit(voiceSessionEndEvent(session, endedAt), () => {
      const deleting = this.deps.db
        .execute(sql`
          DELETE FROM voice_sessions
          WHERE guild_id = ${session.guildId} AND user_id = ${session.userId} AND started_at = ${session.startedAt.toISOString()}::timestamptz`)
        .catch((error) => this.deps.logger.error({ err: error }, 'could not delete a closed voice session'))
        .finally(() => this.#deletes.delete(deleting));
      this.#deletes.add(deleting);
    });
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

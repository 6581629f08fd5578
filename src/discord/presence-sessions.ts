// Presence sessions in progress (only with the presence intent, off by default), kept in memory and
// in the presence_sessions table so a restart can close them, with the same guarantees as voice
// sessions (SessionTracker): changes applied in arrival order, every open session ended on a
// graceful shutdown, and sessions a crash left open ended at their last_seen_at when the guild
// arrives again.
import { sql } from 'drizzle-orm';
import { queryRows } from '../db/client.ts';
import { presenceSessionEndEvent, type PresenceSession, type PresenceState, type TrackedStatus } from './normalize/presence.ts';
import { sessionKey, SessionTracker, type SessionDeps } from './session-tracker.ts';

export type PresenceSessionDeps = SessionDeps;

export class PresenceSessions extends SessionTracker<PresenceSession> {
  constructor(deps: PresenceSessionDeps, options: { refreshMs: number } = { refreshMs: 60_000 }) {
    super(deps, 'presence_sessions', options.refreshMs);
  }

  /** A PRESENCE_UPDATE. */
  update(state: PresenceState): Promise<void> {
    return this.serial(async () => {
      if (state.isBot) return;
      const key = sessionKey(state.guildId, state.userId);
      const current = this.sessions.get(key);
      if (current && current.status === state.status) return;
      const now = this.base.clock.now();
      if (current) {
        this.sessions.delete(key);
        this.close(current, now);
      }
      if (state.status) await this.#begin(state.guildId, state.userId, state.status, now);
    });
  }

  /**
   * A GUILD_CREATE: the presences now. Stored sessions continue when the member still has the same
   * status, and otherwise end at their last_seen_at (a crash, or a change missed while away).
   */
  reconcile(guildId: string, states: readonly PresenceState[]): Promise<void> {
    return this.serial(async () => {
      const now = this.base.clock.now();
      const rows = await queryRows<{ user_id: string; status: TrackedStatus; started_at: string | Date; last_seen_at: string | Date }>(
        this.base.db,
        sql`SELECT user_id::text, status, started_at, last_seen_at FROM presence_sessions WHERE guild_id = ${guildId}`,
      );
      const present = new Map(states.filter((s) => s.status && !s.isBot).map((s) => [s.userId, s]));
      for (const row of rows) {
        const session: PresenceSession = { guildId, userId: row.user_id, status: row.status, startedAt: new Date(row.started_at), lastSeenAt: new Date(row.last_seen_at) };
        const state = present.get(row.user_id);
        if (state && state.status === session.status) {
          session.lastSeenAt = now;
          this.sessions.set(sessionKey(guildId, row.user_id), session);
          present.delete(row.user_id);
        } else {
          this.sessions.delete(sessionKey(guildId, row.user_id));
          this.close(session, session.lastSeenAt);
        }
      }
      for (const state of present.values()) {
        const open = this.sessions.get(sessionKey(guildId, state.userId));
        if (open?.status === state.status) continue;
        if (open) this.close(open, now);
        await this.#begin(guildId, state.userId, state.status!, now);
      }
    });
  }

  protected close(session: PresenceSession, endedAt: Date): void {
    this.endSession(session, presenceSessionEndEvent(session, endedAt));
  }

  async #begin(guildId: string, userId: string, status: TrackedStatus, at: Date): Promise<void> {
    this.sessions.set(sessionKey(guildId, userId), { guildId, userId, status, startedAt: at, lastSeenAt: at });
    await this.base.db.execute(sql`
      INSERT INTO presence_sessions (guild_id, user_id, status, started_at, last_seen_at)
      VALUES (${guildId}, ${userId}, ${status}, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz)
      ON CONFLICT (guild_id, user_id) DO UPDATE SET status = excluded.status, started_at = excluded.started_at, last_seen_at = excluded.last_seen_at`);
  }
}

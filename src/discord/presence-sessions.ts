// Presence sessions in progress (only with the presence intent, off by default), kept in memory and
// in the presence_sessions table so a restart can close them, with the same guarantees as voice
// sessions: changes applied in arrival order, every open session ended on a graceful shutdown, and
// sessions a crash left open ended at their last_seen_at when the guild arrives again.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';
import type { LakeEvent } from '../events/lake-event.ts';
import type { Clock } from '../app/clock.ts';
import type { Logger } from '../log/logger.ts';
import { presenceSessionEndEvent, type PresenceSession, type PresenceState, type TrackedStatus } from './normalize/presence.ts';

export interface PresenceSessionDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  emit(event: LakeEvent, onCommitted?: () => void): void;
}

const keyOf = (guildId: string, userId: string) => `${guildId}:${userId}`;

export class PresenceSessions {
  readonly #open = new Map<string, PresenceSession>();
  #queue: Promise<unknown> = Promise.resolve();
  readonly #deletes = new Set<Promise<unknown>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: PresenceSessionDeps,
    private readonly options: { refreshMs: number } = { refreshMs: 60_000 },
  ) {}

  /** Open sessions (a copy), for tests. */
  get open(): PresenceSession[] {
    return [...this.#open.values()].map((s) => ({ ...s }));
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      this.refresh().catch((error) => this.deps.logger.error({ err: error }, 'could not refresh presence sessions'));
    }, this.options.refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** A PRESENCE_UPDATE. */
  update(state: PresenceState): Promise<void> {
    return this.#serial(async () => {
      if (state.isBot) return;
      const key = keyOf(state.guildId, state.userId);
      const current = this.#open.get(key);
      if (current && current.status === state.status) return;
      const now = this.deps.clock.now();
      if (current) {
        this.#open.delete(key);
        this.#close(current, now);
      }
      if (state.status) await this.#begin(state.guildId, state.userId, state.status, now);
    });
  }

  /**
   * A GUILD_CREATE: the presences now. Stored sessions continue when the member still has the same
   * status, and otherwise end at their last_seen_at (a crash, or a change missed while away).
   */
  reconcile(guildId: string, states: readonly PresenceState[]): Promise<void> {
    return this.#serial(async () => {
      const now = this.deps.clock.now();
      const rows = await queryRows<{ user_id: string; status: TrackedStatus; started_at: string | Date; last_seen_at: string | Date }>(
        this.deps.db,
        sql`SELECT user_id::text, status, started_at, last_seen_at FROM presence_sessions WHERE guild_id = ${guildId}`,
      );
      const present = new Map(states.filter((s) => s.status && !s.isBot).map((s) => [s.userId, s]));
      for (const row of rows) {
        const session: PresenceSession = { guildId, userId: row.user_id, status: row.status, startedAt: new Date(row.started_at), lastSeenAt: new Date(row.last_seen_at) };
        const state = present.get(row.user_id);
        if (state && state.status === session.status) {
          session.lastSeenAt = now;
          this.#open.set(keyOf(guildId, row.user_id), session);
          present.delete(row.user_id);
        } else {
          this.#open.delete(keyOf(guildId, row.user_id));
          this.#close(session, session.lastSeenAt);
        }
      }
      for (const state of present.values()) {
        const open = this.#open.get(keyOf(guildId, state.userId));
        if (open?.status === state.status) continue;
        if (open) this.#close(open, now);
        await this.#begin(guildId, state.userId, state.status!, now);
      }
    });
  }

  /** Marks every open session as seen now (a crash ends them here). */
  refresh(): Promise<void> {
    return this.#serial(async () => {
      if (this.#open.size === 0) return;
      const now = this.deps.clock.now();
      for (const s of this.#open.values()) s.lastSeenAt = now;
      const keys = [...this.#open.values()].map((s) => ({ g: s.guildId, u: s.userId }));
      await this.deps.db.execute(sql`
        UPDATE presence_sessions p SET last_seen_at = ${now.toISOString()}::timestamptz
        FROM json_to_recordset(${JSON.stringify(keys)}::json) AS k(g bigint, u bigint)
        WHERE p.guild_id = k.g AND p.user_id = k.u`);
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

  async #begin(guildId: string, userId: string, status: TrackedStatus, at: Date): Promise<void> {
    this.#open.set(keyOf(guildId, userId), { guildId, userId, status, startedAt: at, lastSeenAt: at });
    await this.deps.db.execute(sql`
      INSERT INTO presence_sessions (guild_id, user_id, status, started_at, last_seen_at)
      VALUES (${guildId}, ${userId}, ${status}, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz)
      ON CONFLICT (guild_id, user_id) DO UPDATE SET status = excluded.status, started_at = excluded.started_at, last_seen_at = excluded.last_seen_at`);
  }

  /** Emits the session's end; deletes its row once that is committed (unless a newer session took it). */
  #close(session: PresenceSession, endedAt: Date): void {
    this.deps.emit(presenceSessionEndEvent(session, endedAt), () => {
      const deleting = this.deps.db
        .execute(sql`
          DELETE FROM presence_sessions
          WHERE guild_id = ${session.guildId} AND user_id = ${session.userId} AND started_at = ${session.startedAt.toISOString()}::timestamptz`)
        .catch((error) => this.deps.logger.error({ err: error }, 'could not delete a closed presence session'))
        .finally(() => this.#deletes.delete(deleting));
      this.#deletes.add(deleting);
    });
  }
}

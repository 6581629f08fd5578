// What voice and presence sessions share: open sessions in memory (mirrored in a table so a restart
// can close them), changes applied one at a time in arrival order, a timer marking open sessions as
// seen (a crash ends them there), ending all of them on shutdown, and deleting a closed session's
// row once its end event is committed.
import { sql } from 'drizzle-orm';
import type { Clock } from '../app/clock.ts';
import type { Db } from '../db/client.ts';
import type { LakeEvent } from '../events/lake-event.ts';
import type { Logger } from '../log/logger.ts';

export interface SessionDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  emit(event: LakeEvent, onCommitted?: () => void): void;
}

export interface TrackedSession {
  guildId: string;
  userId: string;
  startedAt: Date;
  lastSeenAt: Date;
}

export const sessionKey = (guildId: string, userId: string) => `${guildId}:${userId}`;

export abstract class SessionTracker<S extends TrackedSession> {
  /** Open sessions by guild and member. */
  protected readonly sessions = new Map<string, S>();
  #queue: Promise<unknown> = Promise.resolve();
  readonly #deletes = new Set<Promise<unknown>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    protected readonly base: SessionDeps,
    private readonly table: 'voice_sessions' | 'presence_sessions',
    private readonly refreshMs: number,
  ) {}

  /** Ends a session (emitting its end through endSession). */
  protected abstract close(session: S, endedAt: Date): void;

  /** Open sessions (a copy), for tests and shutdown. */
  get open(): S[] {
    return [...this.sessions.values()].map((s) => ({ ...s }));
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      this.refresh().catch((error) => this.base.logger.error({ err: error }, `could not refresh ${this.table}`));
    }, this.refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Marks every open session as seen now (a crash ends them here). */
  refresh(): Promise<void> {
    return this.serial(async () => {
      if (this.sessions.size === 0) return;
      const now = this.base.clock.now();
      for (const s of this.sessions.values()) s.lastSeenAt = now;
      const keys = [...this.sessions.values()].map((s) => ({ g: s.guildId, u: s.userId }));
      await this.base.db.execute(sql`
        UPDATE ${sql.identifier(this.table)} t SET last_seen_at = ${now.toISOString()}::timestamptz
        FROM json_to_recordset(${JSON.stringify(keys)}::json) AS k(g bigint, u bigint)
        WHERE t.guild_id = k.g AND t.user_id = k.u`);
    });
  }

  /** Ends every open session now (graceful shutdown). */
  closeAll(): Promise<void> {
    return this.serial(async () => {
      const now = this.base.clock.now();
      for (const [key, session] of this.sessions) {
        this.sessions.delete(key);
        this.close(session, now);
      }
    });
  }

  /** Waits for the changes queued so far, and for the rows of committed ends to be deleted. */
  async settle(): Promise<void> {
    await this.#queue;
    await Promise.all([...this.#deletes]);
  }

  /** Runs a change after those queued before it. */
  protected serial(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Emits a session's end; deletes its row once that is committed (unless a newer session took it). */
  protected endSession(session: S, end: LakeEvent): void {
    this.base.emit(end, () => {
      const deleting = this.base.db
        .execute(sql`
          DELETE FROM ${sql.identifier(this.table)}
          WHERE guild_id = ${session.guildId} AND user_id = ${session.userId} AND started_at = ${session.startedAt.toISOString()}::timestamptz`)
        .catch((error) => this.base.logger.error({ err: error }, `could not delete a closed session from ${this.table}`))
        .finally(() => this.#deletes.delete(deleting));
      this.#deletes.add(deleting);
    });
  }
}

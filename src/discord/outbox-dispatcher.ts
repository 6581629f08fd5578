// Sends the outbox's Discord side effects after commit. A dispatcher claims due rows in one
// statement (FOR UPDATE SKIP LOCKED) and leases them by pushing available_at forward, so two
// dispatchers never send one row and a crashed one's rows come back after the lease. Retryable
// failures back off exponentially; permanent ones are marked failed with a readable reason.
// Every bot process runs one (CAIRN_ROLES); a row queued by any process wakes them all (NOTIFY
// cairn_outbox from a trigger on insert), the poll being the fallback.
import { sql } from 'drizzle-orm';
import { queryRows, type Database, type Listener } from '../db/client.ts';
import type { Logger } from '../log/logger.ts';
import { classifyFailure, type OutboxRow } from './outbox-delivery.ts';

export interface OutboxOptions {
  /** How often the outbox is polled when nothing wakes the dispatcher. */
  intervalMs: number;
  batchSize: number;
  /** How long a claimed row is hidden from other dispatchers while it is being sent. */
  leaseSeconds: number;
  /** Attempts before a retryable failure is given up on. */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Rows sent at once; rows for one member or channel always go in order. */
  concurrency: number;
}

export const DefaultOutboxOptions = {
  intervalMs: 5_000,
  batchSize: 50,
  leaseSeconds: 120,
  maxAttempts: 10,
  backoffBaseMs: 5_000,
  backoffMaxMs: 15 * 60_000,
  concurrency: 4,
} as const satisfies OutboxOptions;

export type Send = (row: OutboxRow) => Promise<void>;

interface ClaimedRow {
  id: string | number;
  guild_id: string;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
}

/** Rows that must keep their order share a lane: a member's roles, a channel's messages. */
function laneOf(row: OutboxRow): string {
  const p = row.payload;
  if (row.kind === 'message') return `channel:${String(p.channel_id)}`;
  return `member:${row.guildId}:${String(p.user_id)}`;
}

export class OutboxDispatcher {
  readonly stats = { sent: 0, retried: 0, failed: 0 };
  /** Told of each row given up on (the ops channel reports it). */
  onGaveUp: ((row: OutboxRow, reason: string) => void) | undefined;
  readonly #options: OutboxOptions;
  #timer: NodeJS.Timeout | undefined;
  #listening: Promise<Listener | undefined> | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(
    private readonly database: Database,
    private readonly send: Send,
    private readonly logger: Logger,
    options: Partial<OutboxOptions> = {},
  ) {
    this.#options = { ...DefaultOutboxOptions, ...options };
  }

  start(): void {
    this.#stopped = false;
    this.#timer ??= setInterval(() => this.wake(), this.#options.intervalMs);
    this.#timer.unref();
    // A (re)connected listener may have missed notifications: it wakes the dispatcher too.
    this.#listening ??= this.database.listen('cairn_outbox', () => this.wake(), () => this.wake()).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not listen for queued outbox rows; polling only');
      return undefined;
    });
    this.wake();
  }

  /** Runs soon (after a commit that may have written rows); calls while running coalesce. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => (this.#running = undefined));
  }

  /** Sends what is due until nothing is, or `timeoutMs` passed (shutdown). */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await this.#running;
    while (Date.now() < deadline) {
      const claimed = await this.#runSafely();
      if (claimed === 0) return;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    const listening = this.#listening;
    this.#listening = undefined;
    await (await listening)?.close().catch(() => undefined);
    await this.#running;
  }

  async #loop(): Promise<void> {
    for (;;) {
      this.#again = false;
      const claimed = await this.#runSafely();
      if (this.#stopped || (claimed < this.#options.batchSize && !this.#again)) return;
    }
  }

  async #runSafely(): Promise<number> {
    try {
      return await this.runOnce();
    } catch (error) {
      this.logger.error({ err: error }, 'outbox dispatch failed; will try again');
      return 0;
    }
  }

  /** Claims one batch of due rows and sends them; returns how many were claimed. */
  async runOnce(): Promise<number> {
    const rows = await this.#claim();
    if (rows.length === 0) return 0;
    const lanes = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const lane = lanes.get(laneOf(row));
      if (lane) lane.push(row);
      else lanes.set(laneOf(row), [row]);
    }
    const queue = [...lanes.values()];
    await Promise.all(
      Array.from({ length: Math.min(this.#options.concurrency, queue.length) }, async () => {
        for (let lane = queue.shift(); lane; lane = queue.shift()) for (const row of lane) await this.#sendOne(row);
      }),
    );
    return rows.length;
  }

  async #claim(): Promise<OutboxRow[]> {
    const claimed = await queryRows<ClaimedRow>(
      this.database.db,
      sql`UPDATE outbox o SET attempts = o.attempts + 1, available_at = now() + ${this.#options.leaseSeconds} * interval '1 second'
          FROM (SELECT id FROM outbox WHERE status = 'pending' AND available_at <= now()
                  -- A paused guild's rows wait, untouched, and go in order once it is unpaused (ops/pause.ts).
                  AND NOT EXISTS (SELECT 1 FROM guilds g WHERE g.id = outbox.guild_id AND g.settings @> '{"paused": true}'::jsonb)
                ORDER BY id LIMIT ${this.#options.batchSize} FOR UPDATE SKIP LOCKED) due
          WHERE o.id = due.id
          RETURNING o.id, o.guild_id::text AS guild_id, o.kind, o.payload, o.attempts`,
    );
    return claimed
      .map((r) => ({ id: Number(r.id), guildId: r.guild_id, kind: r.kind, payload: r.payload, attempts: r.attempts }))
      .sort((a, b) => a.id - b.id);
  }

  async #sendOne(row: OutboxRow): Promise<void> {
    try {
      await this.send(row);
    } catch (error) {
      return this.#failed(row, error);
    }
    this.stats.sent++;
    await this.database.db.execute(sql`UPDATE outbox SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = ${row.id}`);
  }

  async #failed(row: OutboxRow, error: unknown): Promise<void> {
    const verdict = classifyFailure(error);
    if (verdict.permanent || row.attempts >= this.#options.maxAttempts) {
      const reason = verdict.permanent ? verdict.reason : `gave up after ${row.attempts} attempts; last: ${verdict.reason}`;
      this.stats.failed++;
      this.logger.warn({ outboxId: row.id, kind: row.kind, guildId: row.guildId, reason }, 'outbox row failed for good');
      await this.database.db.execute(sql`UPDATE outbox SET status = 'failed', last_error = ${reason} WHERE id = ${row.id}`);
      this.onGaveUp?.(row, reason);
      return;
    }
    const delayMs = Math.min(this.#options.backoffMaxMs, this.#options.backoffBaseMs * 2 ** (row.attempts - 1));
    const jittered = Math.round(delayMs * (0.8 + Math.random() * 0.4));
    this.stats.retried++;
    this.logger.info({ outboxId: row.id, kind: row.kind, attempt: row.attempts, retryInMs: jittered, reason: verdict.reason }, 'outbox send failed; will retry');
    await this.database.db.execute(sql`
      UPDATE outbox SET last_error = ${verdict.reason}, available_at = now() + ${jittered / 1000} * interval '1 second'
      WHERE id = ${row.id}`);
  }
}

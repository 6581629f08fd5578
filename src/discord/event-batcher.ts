// Gateway events reach the pipeline in micro-batches: collected for a few milliseconds (or until a
// batch is full) and ingested as one transaction. One writer at a time keeps the gateway's order;
// under load batches grow on their own. While the database is unreachable, events are held (up to
// a cap) and the batch is retried with backoff until it is back; the lake's unique key makes the
// write exactly-once even if an attempt committed without saying so. Other failures are retried a
// few times, then reported.
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import type { LakeEvent } from '../events/lake-event.ts';
import type { Logger } from '../log/logger.ts';
import type { IngestResult } from '../pipeline/ingest.ts';

/** Why events were given up: the buffer overflowed, a write kept failing, or shutdown came first. */
export type DropReason = 'buffer_full' | 'write_failed' | 'shutdown';

export interface BatchOptions {
  /** Longest an event waits for companions before its batch is written. */
  maxWaitMs: number;
  maxEvents: number;
  /** Events queued at most while the database is slow or away; beyond this the oldest are dropped, logged and counted. */
  maxBuffered: number;
  /** Retries of a batch that failed for another reason than an unreachable database. */
  retryDelaysMs: readonly number[];
  /** Backoff while the database is unreachable (retried until it is back): first and longest wait. */
  unavailableRetryMs: { readonly first: number; readonly max: number };
  /** Told of every event given up (for /metrics). */
  onDropped?: ((count: number, reason: DropReason) => void) | undefined;
}

export const DefaultBatchOptions = {
  maxWaitMs: 50,
  maxEvents: 500,
  maxBuffered: 100_000,
  retryDelaysMs: [100, 500, 2_000, 5_000],
  unavailableRetryMs: { first: 100, max: 5_000 },
} as const satisfies BatchOptions;

/** Where a batch goes: the ingest pipeline, validating each event. */
export type BatchSink = (events: LakeEvent[]) => Promise<IngestResult>;

interface Pending {
  event: LakeEvent;
  onCommitted?: (() => void) | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class EventBatcher {
  readonly stats = { batches: 0, accepted: 0, duplicate: 0, rejected: 0, lost: 0 };
  readonly #options: BatchOptions;
  #pending: Pending[] = [];
  /** Size of the batch being written. */
  #writing = 0;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** Set by a flush with a deadline (shutdown): past it, a batch waiting for the database is given up. */
  #giveUpAt: number | undefined;
  #warnedFull = false;

  constructor(
    private readonly sink: BatchSink,
    private readonly logger: Logger,
    options: Partial<BatchOptions> = {},
    /** Runs before each write (the member table is brought up to date first). */
    private readonly beforeWrite?: () => Promise<void>,
  ) {
    this.#options = { ...DefaultBatchOptions, ...options };
  }

  /** Queues an event; `onCommitted` runs once its batch is in the database (or was refused). */
  push(event: LakeEvent, onCommitted?: () => void): void {
    if (this.#pending.length >= this.#options.maxBuffered) {
      const dropped = this.#pending.shift()!;
      this.#drop(1, 'buffer_full');
      // One error per overflow episode (with the first dropped event), not one per event.
      if (!this.#warnedFull) {
        this.#warnedFull = true;
        this.logger.error(
          { maxBuffered: this.#options.maxBuffered, sourceId: dropped.event.source_id, type: dropped.event.type },
          'gateway event buffer full while the database is unreachable; dropping the oldest events (counted in cairn_gateway_events_dropped_total)',
        );
      }
    }
    this.#pending.push({ event, onCommitted });
    if (this.#running) return;
    if (this.#pending.length >= this.#options.maxEvents) void this.#drain();
    else this.#timer ??= setTimeout(() => void this.#drain(), this.#options.maxWaitMs);
  }

  /** Events queued and not yet written. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Events held in memory: queued plus the batch being written. */
  get buffered(): number {
    return this.#pending.length + this.#writing;
  }

  /**
   * Writes everything queued so far; resolves when it is committed. With `giveUpAfterMs` (at
   * shutdown), events still waiting for an unreachable database after that long are given up.
   */
  flush(options: { giveUpAfterMs?: number } = {}): Promise<void> {
    if (options.giveUpAfterMs !== undefined) this.#giveUpAt = Date.now() + options.giveUpAfterMs;
    return this.#drain();
  }

  #drain(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#running ??= (async () => {
      await null; // let #running be set before the loop can finish
      try {
        while (this.#pending.length > 0) {
          const batch = this.#pending.splice(0, this.#options.maxEvents);
          this.#writing = batch.length;
          try {
            await this.#write(batch);
          } finally {
            this.#writing = 0;
          }
        }
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  async #write(batch: Pending[]): Promise<void> {
    const events = batch.map((p) => p.event);
    let failures = 0;
    let unavailableSince: number | undefined;
    for (let waits = 0; ; ) {
      try {
        const result = await this.#attempt(events);
        this.#record(events, result);
        if (unavailableSince !== undefined) {
          this.logger.info({ events: events.length, waitedMs: Date.now() - unavailableSince, queued: this.#pending.length }, 'database reachable again; writing the held gateway events');
        }
        break;
      } catch (error) {
        if (isDatabaseUnavailable(error)) {
          if (this.#giveUpAt !== undefined && Date.now() >= this.#giveUpAt) {
            this.#drop(events.length, 'shutdown');
            this.logger.error({ err: error, events: events.length }, 'shutting down while the database is unreachable; gave up a batch of gateway events');
            return;
          }
          if (unavailableSince === undefined) {
            unavailableSince = Date.now();
            this.logger.warn({ err: error, events: events.length }, 'database unreachable; holding gateway events and retrying until it is back');
          }
          const { first, max } = this.#options.unavailableRetryMs;
          await sleep(Math.min(first * 2 ** waits++, max));
          continue;
        }
        const delay = this.#options.retryDelaysMs[failures++];
        if (delay === undefined) {
          this.#drop(events.length, 'write_failed');
          this.logger.error({ err: error, events: events.length }, 'could not ingest a batch of gateway events; giving up on it');
          return;
        }
        this.logger.warn({ err: error, attempt: failures, delayMs: delay }, 'ingesting a batch failed; retrying');
        await sleep(delay);
      }
    }
    this.#warnedFull = false;
    for (const p of batch) {
      try {
        p.onCommitted?.();
      } catch (error) {
        this.logger.error({ err: error }, 'after-commit callback failed');
      }
    }
  }

  async #attempt(events: LakeEvent[]): Promise<IngestResult> {
    try {
      await this.beforeWrite?.();
    } catch (error) {
      // An unreachable database fails the write below too, and that is what gets retried.
      if (!isDatabaseUnavailable(error)) this.logger.error({ err: error }, 'could not update members before a batch; continuing');
    }
    return this.sink(events);
  }

  #record(events: LakeEvent[], result: IngestResult): void {
    this.stats.batches++;
    this.stats.accepted += result.accepted;
    this.stats.duplicate += result.duplicate;
    this.stats.rejected += result.rejected.length;
    for (const r of result.rejected) {
      const e = events[r.index];
      this.logger.warn({ type: e?.type, sourceId: e?.source_id, errors: r.errors }, 'gateway event rejected by validation; skipped');
    }
  }

  #drop(count: number, reason: DropReason): void {
    this.stats.lost += count;
    this.#options.onDropped?.(count, reason);
  }
}

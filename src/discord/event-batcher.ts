// Gateway events reach the pipeline in micro-batches: collected for a few milliseconds (or until a
// batch is full) and ingested as one transaction. One writer at a time keeps the gateway's order;
// under load batches grow on their own. A failed write is retried, then reported.
import type { LakeEvent } from '../events/lake-event.ts';
import type { Logger } from '../log/logger.ts';
import type { IngestResult } from '../pipeline/ingest.ts';

export interface BatchOptions {
  /** Longest an event waits for companions before its batch is written. */
  maxWaitMs: number;
  maxEvents: number;
  /** Events held at most while the database is slow or down; beyond this the oldest are dropped. */
  maxBuffered: number;
  retryDelaysMs: readonly number[];
}

export const DefaultBatchOptions = {
  maxWaitMs: 50,
  maxEvents: 500,
  maxBuffered: 100_000,
  retryDelaysMs: [100, 500, 2_000, 5_000],
} as const satisfies BatchOptions;

/** Where a batch goes: the ingest pipeline, validating each event. */
export type BatchSink = (events: LakeEvent[]) => Promise<IngestResult>;

interface Pending {
  event: LakeEvent;
  onCommitted?: (() => void) | undefined;
}

export class EventBatcher {
  readonly stats = { batches: 0, accepted: 0, duplicate: 0, rejected: 0, lost: 0 };
  readonly #options: BatchOptions;
  #pending: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

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
      this.stats.lost++;
      this.logger.error({ sourceId: dropped.event.source_id, type: dropped.event.type }, 'event buffer full; dropped the oldest gateway event');
    }
    this.#pending.push({ event, onCommitted });
    if (this.#running) return;
    if (this.#pending.length >= this.#options.maxEvents) void this.#drain();
    else this.#timer ??= setTimeout(() => void this.#drain(), this.#options.maxWaitMs);
  }

  get pending(): number {
    return this.#pending.length;
  }

  /** Writes everything queued so far; resolves when it is committed. */
  flush(): Promise<void> {
    return this.#drain();
  }

  #drain(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#running ??= (async () => {
      await null; // let #running be set before the loop can finish
      try {
        while (this.#pending.length > 0) await this.#write(this.#pending.splice(0, this.#options.maxEvents));
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  async #write(batch: Pending[]): Promise<void> {
    try {
      await this.beforeWrite?.();
    } catch (error) {
      this.logger.error({ err: error }, 'could not update members before a batch; continuing');
    }
    const events = batch.map((p) => p.event);
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.sink(events);
        this.stats.batches++;
        this.stats.accepted += result.accepted;
        this.stats.duplicate += result.duplicate;
        this.stats.rejected += result.rejected.length;
        for (const r of result.rejected) {
          const e = events[r.index];
          this.logger.warn({ type: e?.type, sourceId: e?.source_id, errors: r.errors }, 'gateway event rejected by validation; skipped');
        }
        break;
      } catch (error) {
        const delay = this.#options.retryDelaysMs[attempt];
        if (delay === undefined) {
          this.stats.lost += events.length;
          this.logger.error({ err: error, events: events.length }, 'could not ingest a batch of gateway events; giving up on it');
          return;
        }
        this.logger.warn({ err: error, attempt: attempt + 1, delayMs: delay }, 'ingesting a batch failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    for (const p of batch) {
      try {
        p.onCommitted?.();
      } catch (error) {
        this.logger.error({ err: error }, 'after-commit callback failed');
      }
    }
  }
}

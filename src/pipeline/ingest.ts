// The data path's spine: validate → (one DB transaction per batch) lake insert → processors
// (engine, ledger, outbox) → commit. A duplicate stops at the lake; a failure rolls back all of it.
import type { Database, Tx } from '../db/client.ts';
import { sqlState } from '../db/client.ts';
import { GuildRegistry } from '../guilds/guilds.ts';
import { parseLakeEvent, type FieldError, type LakeEvent } from '../events/lake-event.ts';
import { writeLakeEvents, type EventOrigin, type StoredEvent } from '../events/lake-writer.ts';
import type { Logger } from '../log/logger.ts';
import { silentLogger } from '../log/logger.ts';

/** A stage that runs inside the batch's transaction on the events that were new to the lake. */
export interface EventProcessor {
  process(tx: Tx, events: StoredEvent[]): Promise<void>;
}

export interface IngestHooks {
  /** Runs after the lake insert, before any processor: tests inject failures here. */
  afterLakeWrite?: (tx: Tx, events: StoredEvent[]) => Promise<void> | void;
  /** Runs after commit with the events that were new. */
  afterCommit?: (events: StoredEvent[]) => void;
}

export interface IngestResult {
  accepted: number;
  duplicate: number;
  rejected: { index: number; errors: FieldError[] }[];
}

export interface IngestOptions {
  origin: EventOrigin;
  /** When set (the URL's guild), every event must belong to it. */
  guildId?: string;
}

const DefaultPipelineOptions = { batchSize: 500, retries: 3 } as const;

const RETRYABLE = new Set(['40001', '40P01']);

export class IngestPipeline {
  readonly #registry = new GuildRegistry();
  readonly #options: typeof DefaultPipelineOptions;
  readonly #commitListeners = new Set<(events: StoredEvent[]) => void>();

  constructor(
    private readonly database: Database,
    private readonly processors: EventProcessor[] = [],
    private readonly hooks: IngestHooks = {},
    private readonly logger: Logger = silentLogger,
    options: Partial<typeof DefaultPipelineOptions> = {},
  ) {
    this.#options = { ...DefaultPipelineOptions, ...options };
  }

  /** Subscribes to committed batches (with the events new to the lake); returns the unsubscribe. */
  onCommit(listener: (events: StoredEvent[]) => void): () => void {
    this.#commitListeners.add(listener);
    return () => this.#commitListeners.delete(listener);
  }

  /** Validates raw inputs, then ingests the valid ones; invalid ones are reported, never written. */
  async ingest(inputs: unknown[], options: IngestOptions): Promise<IngestResult> {
    const valid: LakeEvent[] = [];
    const rejected: IngestResult['rejected'] = [];
    inputs.forEach((input, index) => {
      const parsed = parseLakeEvent(input);
      if (!parsed.ok) return rejected.push({ index, errors: parsed.errors });
      if (options.guildId && parsed.value.guild_id !== options.guildId) {
        return rejected.push({
          index,
          errors: [{ path: 'guild_id', message: `must match the guild in the URL (${options.guildId})` }],
        });
      }
      valid.push(parsed.value);
    });
    const { accepted, duplicate } = await this.ingestEvents(valid, options.origin);
    return { accepted, duplicate, rejected };
  }

  /** Ingests already-validated events in order, in batches of one transaction each. */
  async ingestEvents(events: LakeEvent[], origin: EventOrigin): Promise<{ accepted: number; duplicate: number; stored: StoredEvent[] }> {
    let accepted = 0;
    let duplicate = 0;
    const stored: StoredEvent[] = [];
    for (let start = 0; start < events.length; start += this.#options.batchSize) {
      const batch = events.slice(start, start + this.#options.batchSize);
      const result = await this.#runBatch(batch, origin);
      accepted += result.inserted.length;
      duplicate += result.duplicates.length;
      for (const s of result.inserted) stored.push({ ...s, index: s.index + start });
    }
    return { accepted, duplicate, stored };
  }

  async #runBatch(batch: LakeEvent[], origin: EventOrigin) {
    const guildIds = [...new Set(batch.map((e) => e.guild_id))];
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.database.db.transaction(async (tx) => {
          await this.#registry.ensure(tx, guildIds);
          const written = await writeLakeEvents(tx, batch, origin);
          if (written.inserted.length > 0) {
            await this.hooks.afterLakeWrite?.(tx, written.inserted);
            for (const processor of this.processors) await processor.process(tx, written.inserted);
          }
          return written;
        });
        this.#registry.remember(guildIds);
        if (result.inserted.length > 0) {
          this.hooks.afterCommit?.(result.inserted);
          for (const listener of this.#commitListeners) {
            try {
              listener(result.inserted);
            } catch (error) {
              this.logger.error({ err: error }, 'after-commit listener failed');
            }
          }
        }
        return result;
      } catch (error) {
        const state = sqlState(error);
        if (state && RETRYABLE.has(state) && attempt < this.#options.retries) {
          this.logger.warn({ state, attempt }, 'ingest batch conflicted; retrying');
          continue;
        }
        throw error;
      }
    }
  }
}

// The data path's spine: validate → (one DB transaction per batch) lake insert → processors
// (engine, ledger, outbox) → commit. A duplicate stops at the lake; a failure rolls back all of it.
import type { Database, Tx } from '../db/client.ts';
import { sqlState } from '../db/client.ts';
import { GuildRegistry } from '../guilds/guilds.ts';
import { parseLakeEvent, type FieldError, type LakeEvent } from '../events/lake-event.ts';
import { writeLakeEvents, type EventOrigin, type StoredEvent } from '../events/lake-writer.ts';
import type { Logger } from '../log/logger.ts';
import { silentLogger } from '../log/logger.ts';
import { carryContent, heldContentOf, setSignals, type SignalProvider } from './signals.ts';

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
  /** Valid events of types the guild does not capture (settings.capture), not written; absent when none. */
  ignored?: number;
  rejected: { index: number; errors: FieldError[] }[];
}

/** For a guild, which event types it captures (the Data sources page: settings.capture). */
export type CaptureFilter = (guildId: string) => Promise<(type: LakeEvent['type']) => boolean>;

export interface IngestOptions {
  origin: EventOrigin;
  /** When set (the URL's guild), every event must belong to it. */
  guildId?: string;
}

const DefaultPipelineOptions = {
  batchSize: 500,
  retries: 3,
  /**
   * Origins whose events that wait for signals (AI) are committed in the background, so the
   * caller (the gateway's batcher) goes on with the next events at once.
   */
  deferSignalsFor: ['gateway'] as readonly EventOrigin[],
  /** Scored events gather this long before their background transaction (micro-batching). */
  scoredWaitMs: 5,
  /** Attempts and pauses for a background batch that fails. */
  backgroundRetryMs: [100, 500, 2_000] as readonly number[],
};

export type PipelineOptions = typeof DefaultPipelineOptions;

const RETRYABLE = new Set(['40001', '40P01']);

export class IngestPipeline {
  readonly #registry = new GuildRegistry();
  readonly #options: PipelineOptions;
  readonly #commitListeners = new Set<(events: StoredEvent[]) => void>();
  /** Scoring in progress for events committed in the background. */
  readonly #background = new Set<Promise<void>>();
  /** Scored events waiting for their (shared) background transaction, in scoring order. */
  readonly #scored: { event: LakeEvent; origin: EventOrigin }[] = [];
  #writingScored: Promise<void> | undefined;
  #signals: SignalProvider | undefined;
  #capture: CaptureFilter | undefined;

  constructor(
    private readonly database: Database,
    private readonly processors: EventProcessor[] = [],
    private readonly hooks: IngestHooks = {},
    private readonly logger: Logger = silentLogger,
    options: Partial<PipelineOptions> = {},
  ) {
    this.#options = { ...DefaultPipelineOptions, ...options };
  }

  /** Computes signals (ai_quality) before evaluation for events whose rules read them. */
  useSignals(provider: SignalProvider | undefined): void {
    this.#signals = provider;
  }

  /** Leaves out, in ingest(), events of the types a guild does not capture. */
  useCapture(filter: CaptureFilter | undefined): void {
    this.#capture = filter;
  }

  /** Resolves when events committed in the background (waiting on signals) are in. */
  async settled(): Promise<void> {
    while (this.#background.size > 0 || this.#writingScored || this.#scored.length > 0) {
      await Promise.all([...this.#background, this.#writingScored ?? this.#writeScored()]);
    }
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
      if (typeof input === 'object' && input !== null) carryContent(input, parsed.value);
      valid.push(parsed.value);
    });
    const captured = await this.#captured(valid);
    const { accepted, duplicate } = await this.ingestEvents(captured, options.origin);
    const ignored = valid.length - captured.length;
    return { accepted, duplicate, ...(ignored > 0 ? { ignored } : {}), rejected };
  }

  async #captured(events: LakeEvent[]): Promise<LakeEvent[]> {
    const filter = this.#capture;
    if (!filter || events.length === 0) return events;
    const byGuild = new Map<string, (type: LakeEvent['type']) => boolean>();
    for (const guildId of new Set(events.map((e) => e.guild_id))) byGuild.set(guildId, await filter(guildId));
    return events.filter((e) => byGuild.get(e.guild_id)!(e.type));
  }

  /**
   * Ingests already-validated events in order, in batches of one transaction each. Events a rule
   * needs signals for (ai_quality) are scored first, outside any transaction, while the others go
   * in at once; they follow when scored (in the background for the gateway).
   */
  async ingestEvents(events: LakeEvent[], origin: EventOrigin): Promise<{ accepted: number; duplicate: number; stored: StoredEvent[] }> {
    const provider = this.#signals;
    if (!provider) return this.#ingestInOrder(events, origin);
    const waiting: number[] = [];
    for (let i = 0; i < events.length; i++) if (await provider.needs(events[i]!)) waiting.push(i);
    if (waiting.length === 0) return this.#ingestInOrder(events, origin);
    const slow = waiting.map((i) => events[i]!);
    const scoring = Promise.all(
      slow.map(async (event) => {
        try {
          setSignals(event, await provider.compute(event, heldContentOf(event)));
        } catch (error) {
          this.logger.error({ err: error }, 'computing signals failed; rules see null');
          setSignals(event, { ai_quality: null, notes: ['ai_quality is null: computing it failed unexpectedly'] });
        }
      }),
    );
    const waitSet = new Set(waiting);
    const fastIndex = events.map((_, i) => i).filter((i) => !waitSet.has(i));
    const fast = await this.#ingestInOrder(fastIndex.map((i) => events[i]!), origin);
    const result = { accepted: fast.accepted, duplicate: fast.duplicate, stored: fast.stored.map((s) => ({ ...s, index: fastIndex[s.index]! })) };
    if (this.#options.deferSignalsFor.includes(origin)) {
      const job: Promise<void> = scoring
        .then(() => {
          for (const event of slow) this.#scored.push({ event, origin });
          void this.#writeScored();
        })
        .finally(() => this.#background.delete(job));
      this.#background.add(job);
      return result;
    }
    await scoring;
    const late = await this.#ingestInOrder(slow, origin);
    result.accepted += late.accepted;
    result.duplicate += late.duplicate;
    for (const s of late.stored) result.stored.push({ ...s, index: waiting[s.index]! });
    result.stored.sort((a, b) => a.index - b.index);
    return result;
  }

  /**
   * One writer for scored events: whatever was scored while the last transaction ran goes in the
   * next one, so background commits stay few and never run beside each other.
   */
  #writeScored(): Promise<void> {
    this.#writingScored ??= (async () => {
      await new Promise((resolve) => setTimeout(resolve, this.#options.scoredWaitMs));
      try {
        while (this.#scored.length > 0) {
          const items = this.#scored.splice(0, this.#options.batchSize);
          for (const origin of new Set(items.map((i) => i.origin))) {
            await this.#ingestInBackground(items.filter((i) => i.origin === origin).map((i) => i.event), origin);
          }
        }
      } finally {
        this.#writingScored = undefined;
      }
    })();
    return this.#writingScored;
  }

  async #ingestInBackground(events: LakeEvent[], origin: EventOrigin): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#ingestInOrder(events, origin);
        return;
      } catch (error) {
        const delay = this.#options.backgroundRetryMs[attempt];
        if (delay === undefined) {
          this.logger.error({ err: error, events: events.length }, 'could not ingest events scored in the background; giving up on them');
          return;
        }
        this.logger.warn({ err: error, attempt: attempt + 1 }, 'ingesting scored events failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async #ingestInOrder(events: LakeEvent[], origin: EventOrigin): Promise<{ accepted: number; duplicate: number; stored: StoredEvent[] }> {
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

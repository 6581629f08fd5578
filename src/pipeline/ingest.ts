// The data path's spine: validate → (one DB transaction per batch) lake insert → processors
// (engine, ledger, outbox) → commit. A duplicate stops at the lake; a failure rolls back all of it.
// Small batches that arrive together (single-event requests) share a transaction: group-commit.ts.
import type { Database, Tx } from '../db/client.ts';
import { errorMessage, isTransactionConflict, sqlState } from '../db/client.ts';
import { GuildRegistry } from '../guilds/guilds.ts';
import { parseLakeEvent, type FieldError, type LakeEvent } from '../events/lake-event.ts';
import { lakePartitionCache } from '../lake/partitions.ts';
import { writeLakeEvents, type EventOrigin, type LakeWriteResult, type StoredEvent } from '../events/lake-writer.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import type { Logger } from '../log/logger.ts';
import { silentLogger } from '../log/logger.ts';
import { DefaultGroupCommitOptions, GroupCommit, type ContainedResult, type GroupCommitOptions } from './group-commit.ts';
import { carryContent, heldContentOf, setSignals, type SignalProvider } from './signals.ts';

/**
 * A stage that runs inside the batch's transaction on the events that were new to the lake. It may
 * return work to do once the transaction committed (e.g. quarantining a rule that keeps failing).
 */
export interface EventProcessor {
  /**
   * `late`, when given, takes writes whose answers the stage does not need: process() returns once
   * they are sent, the next stages' statements and COMMIT follow them without waiting, and the batch
   * reads their answers after COMMIT (a write that failed made COMMIT a rollback, and the batch fails
   * with its error). A stage may still read its own and earlier stages' writes: the database runs a
   * transaction's statements in the order they were sent.
   */
  process(tx: Tx, events: StoredEvent[], late?: LateWrites): Promise<void | AfterCommit>;
  /** Payouts and side effects: a paused guild's events wait for it (ops/pause.ts); others (counters) run at once. */
  readonly waitsWhilePaused?: boolean;
}

/** The batch's guilds that hold events back: paused, or still holding events from a pause. */
export type PauseCheck = { id: string; paused: boolean }[];

/** Holds back, inside the batch's transaction, the events of paused guilds from the processors that wait. */
export interface PauseGate {
  /** Locks the guilds' rows and reads which hold events back (issued right behind the lake insert). */
  check(tx: Tx, guildIds: string[]): Promise<PauseCheck>;
  hold(tx: Tx, events: StoredEvent[], check: PauseCheck): Promise<{ ready: StoredEvent[]; afterCommit?: AfterCommit }>;
}

/** Writes sent without waiting for their answers (EventProcessor.process). */
export interface LateWrites {
  add(write: Promise<unknown>): void;
}

/** Collects a batch's late writes; `firstFailure()` is the first failure among them, in the order they were sent. */
class LateWriteList implements LateWrites {
  readonly #writes: Promise<unknown>[] = [];

  add(write: Promise<unknown>): void {
    // Handled from now on: a failure is read by firstFailure(), not reported as an unhandled rejection.
    write.catch(() => {});
    this.#writes.push(write);
  }

  async firstFailure(): Promise<{ error: unknown } | undefined> {
    for (const outcome of await Promise.allSettled(this.#writes)) if (outcome.status === 'rejected') return { error: outcome.reason };
    return undefined;
  }
}

export type AfterCommit = () => Promise<void> | void;

/** An event whose own processing failed (not the database's availability): set aside, never written. */
export interface FailedEvent {
  event: LakeEvent;
  origin: EventOrigin;
  error: unknown;
}

/** Where events that fail on their own are kept for the operator (the health view), and retried from. */
export interface FailureSink {
  record(failures: FailedEvent[]): Promise<void>;
}

export interface IngestHooks {
  /** Runs after the lake insert, before any processor: tests inject failures here. */
  afterLakeWrite?: (tx: Tx, events: StoredEvent[]) => Promise<void> | void;
  /** Runs after commit with the events that were new. */
  afterCommit?: (events: StoredEvent[]) => void;
}

/**
 * What became of one event of a request. `pending`: valid and new, committed in the background
 * once its AI signal is computed (gateway events only; an HTTP request never leaves one pending).
 */
export type EventStatus = 'accepted' | 'duplicate' | 'ignored' | 'rejected' | 'pending' | 'failed';

export interface EventOutcome {
  index: number;
  /** The event's source id, when it had a readable one. */
  source_id?: string;
  status: EventStatus;
  /** Why it was rejected (field paths) or ignored. */
  errors?: FieldError[];
  reason?: string;
}

export interface IngestResult {
  accepted: number;
  duplicate: number;
  /** Valid events of types the guild does not capture (settings.capture), not written; absent when none. */
  ignored?: number;
  rejected: { index: number; errors: FieldError[] }[];
  /** Every input, in order, with what became of it. */
  events: EventOutcome[];
}

/**
 * The times a guild accepts events between: not older than its retention window (the lake prunes
 * them, so a copy could no longer be recognised as a duplicate), not from the future.
 */
/** What ingestEvents did: new events (with their lake ids), duplicates, and those still being scored. */
export interface IngestedEvents {
  accepted: number;
  duplicate: number;
  stored: StoredEvent[];
  /** Positions of events committed later in the background (waiting for AI signals). */
  deferred?: number[];
  /** Positions of events that failed on their own and were set aside (never with `atomic`). */
  failed?: { index: number; message: string }[];
  /** Positions of events older than what their guild's lake was pruned of: not written. */
  expired?: number[];
}

export interface EventHorizon {
  earliest: number;
  latest: number;
  retentionDays: number;
}

/** For a guild, which event types it captures (the Data sources page: settings.capture). */
export type CaptureFilter = (guildId: string) => Promise<(type: LakeEvent['type']) => boolean>;

export interface IngestOptions {
  origin: EventOrigin;
  /** When set (the URL's guild), every event must belong to it. */
  guildId?: string;
  /**
   * One transaction for all accepted events (an HTTP request): all of them are committed or none,
   * so an error answer means nothing was written.
   */
  atomic?: boolean;
}

const DefaultPipelineOptions = {
  batchSize: 500,
  /**
   * On PGlite, which runs each statement on the process's thread, a batch's transaction writes and
   * processes its events this many at a time, letting the process answer others between steps
   * (one statement for a thousand events held /healthz for most of a second). PostgreSQL works
   * apart from the process: there a batch is one step, since every step repeats the engine's
   * per-batch reads (a 500-event batch in 100s took twice as long).
   */
  pgliteStepSize: 100,
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
  /**
   * Group commit (group-commit.ts): ingests of up to this many events that arrive while a
   * transaction of their origin runs share the next one; 0 turns it off.
   */
  groupMaxEvents: DefaultGroupCommitOptions.maxEvents as number,
  /** Group transactions of one origin running at once. */
  groupMaxInFlight: DefaultGroupCommitOptions.maxInFlight as GroupCommitOptions['maxInFlight'],
  /** How long a submission that finds its origin idle waits for others to join its transaction. */
  groupWaitMs: DefaultGroupCommitOptions.waitMs as GroupCommitOptions['waitMs'],
};

export type PipelineOptions = typeof DefaultPipelineOptions;

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
  #horizon: ((guildId: string) => Promise<EventHorizon>) | undefined;
  #failures: FailureSink | undefined;
  #pause: PauseGate | undefined;
  readonly #group: GroupCommit;

  constructor(
    private readonly database: Database,
    private readonly processors: EventProcessor[] = [],
    private readonly hooks: IngestHooks = {},
    private readonly logger: Logger = silentLogger,
    options: Partial<PipelineOptions> = {},
  ) {
    this.#options = { ...DefaultPipelineOptions, ...options };
    this.#group = new GroupCommit(
      {
        runBatch: (events, origin) => this.#runBatch(events, origin),
        runContained: (events, origin) => this.#runContained(events, origin),
        splitting: (error, submissions) => this.logger.warn({ err: error, submissions }, 'a group commit failed; retrying its requests apart to contain the failure'),
      },
      {
        // On PGlite a group stays within one step, so grouping never lengthens what holds the process.
        maxEvents: Math.max(database.kind === 'pglite' ? Math.min(this.#options.groupMaxEvents, this.#options.pgliteStepSize) : this.#options.groupMaxEvents, 1),
        maxInFlight: this.#options.groupMaxInFlight,
        waitMs: this.#options.groupWaitMs,
      },
    );
  }

  /** How many group commits ran and how large they were, and how many ingests wait for one. */
  get groupStats(): GroupCommit['stats'] & { waiting: number } {
    return { ...this.#group.stats, waiting: this.#group.waiting };
  }

  /** Computes signals (ai_quality) before evaluation for events whose rules read them. */
  useSignals(provider: SignalProvider | undefined): void {
    this.#signals = provider;
  }

  /** Leaves out, in ingest(), events of the types a guild does not capture. */
  useCapture(filter: CaptureFilter | undefined): void {
    this.#capture = filter;
  }

  /** Keeps events that failed on their own (see #runContained) where the operator sees them. */
  useFailureSink(sink: FailureSink | undefined): void {
    this.#failures = sink;
  }

  /** Holds a paused guild's events back from payouts and side effects (they are still captured). */
  usePause(gate: PauseGate | undefined): void {
    this.#pause = gate;
  }

  /** Refuses, in ingest(), events outside a guild's horizon (retention window, future). */
  useHorizon(horizon: ((guildId: string) => Promise<EventHorizon>) | undefined): void {
    this.#horizon = horizon;
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
    const outcomes: EventOutcome[] = inputs.map((input, index) => {
      const sourceId = typeof input === 'object' && input !== null ? (input as { source_id?: unknown }).source_id : undefined;
      return { index, ...(typeof sourceId === 'string' && sourceId.length <= 128 ? { source_id: sourceId } : {}), status: 'rejected' };
    });
    const reject = (index: number, errors: FieldError[]) => Object.assign(outcomes[index]!, { status: 'rejected', errors });
    const valid: { index: number; event: LakeEvent }[] = [];
    inputs.forEach((input, index) => {
      const parsed = parseLakeEvent(input);
      if (!parsed.ok) return reject(index, parsed.errors);
      if (options.guildId && parsed.value.guild_id !== options.guildId) {
        return reject(index, [{ path: 'guild_id', message: `must match the guild in the URL (${options.guildId})` }]);
      }
      if (typeof input === 'object' && input !== null) carryContent(input, parsed.value);
      valid.push({ index, event: parsed.value });
    });
    // Live gateway events are fresh by construction; the horizon guards what callers send in.
    const inTime = options.origin === 'gateway' || options.origin === 'simulator' ? valid : await this.#withinHorizon(valid, reject);
    const captured = await this.#captured(inTime.map((v) => v.event));
    const capturedSet = new Set(captured);
    for (const v of inTime) {
      if (!capturedSet.has(v.event)) Object.assign(outcomes[v.index]!, { status: 'ignored', reason: `the guild does not capture ${v.event.type} events (Data sources)` });
    }
    const kept = inTime.filter((v) => capturedSet.has(v.event));
    const { stored, deferred = [], failed = [], expired = [] } = await this.ingestEvents(kept.map((v) => v.event), options.origin, { atomic: options.atomic === true });
    for (const v of kept) outcomes[v.index]!.status = 'duplicate';
    for (const s of stored) outcomes[kept[s.index]!.index]!.status = 'accepted';
    for (const i of deferred) outcomes[kept[i]!.index]!.status = 'pending';
    for (const f of failed) Object.assign(outcomes[kept[f.index]!.index]!, { status: 'failed', reason: `processing failed and the event was set aside for the operator: ${f.message}` });
    for (const i of expired) {
      reject(kept[i]!.index, [{ path: 'occurred_at', message: "is older than what this guild's lake was pruned of: the event may have been received before, so it cannot be accepted again" }]);
    }
    return summarize(outcomes);
  }

  async #withinHorizon(events: { index: number; event: LakeEvent }[], reject: (index: number, errors: FieldError[]) => void) {
    const horizonOf = this.#horizon;
    if (!horizonOf || events.length === 0) return events;
    const byGuild = new Map<string, EventHorizon>();
    for (const guildId of new Set(events.map((e) => e.event.guild_id))) byGuild.set(guildId, await horizonOf(guildId));
    return events.filter(({ index, event }) => {
      const horizon = byGuild.get(event.guild_id)!;
      const at = Date.parse(event.occurred_at);
      if (at < horizon.earliest) {
        reject(index, [{
          path: 'occurred_at',
          message: `is older than the guild's retention window (${horizon.retentionDays} days; the earliest accepted time is ${new Date(horizon.earliest).toISOString()}): older events are pruned, so a copy could not be recognised as a duplicate`,
        }]);
        return false;
      }
      if (at > horizon.latest) {
        reject(index, [{ path: 'occurred_at', message: `is in the future (later than ${new Date(horizon.latest).toISOString()})` }]);
        return false;
      }
      return true;
    });
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
  async ingestEvents(events: LakeEvent[], origin: EventOrigin, options: { atomic?: boolean } = {}): Promise<IngestedEvents> {
    const atomic = options.atomic === true;
    const provider = this.#signals;
    if (!provider) return this.#ingestInOrder(events, origin, atomic);
    const waiting: number[] = [];
    for (let i = 0; i < events.length; i++) if (await provider.needs(events[i]!)) waiting.push(i);
    if (waiting.length === 0) return this.#ingestInOrder(events, origin, atomic);
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
    if (options.atomic) {
      // All or nothing: wait for the scores, then one transaction in the request's order.
      await scoring;
      return this.#ingestInOrder(events, origin, atomic);
    }
    const waitSet = new Set(waiting);
    const fastIndex = events.map((_, i) => i).filter((i) => !waitSet.has(i));
    const fast = await this.#ingestInOrder(fastIndex.map((i) => events[i]!), origin, atomic);
    const result: IngestedEvents = {
      accepted: fast.accepted,
      duplicate: fast.duplicate,
      stored: fast.stored.map((s) => ({ ...s, index: fastIndex[s.index]! })),
      failed: fast.failed.map((f) => ({ ...f, index: fastIndex[f.index]! })),
      expired: fast.expired.map((i) => fastIndex[i]!),
    };
    if (this.#options.deferSignalsFor.includes(origin)) {
      const job: Promise<void> = scoring
        .then(() => {
          for (const event of slow) this.#scored.push({ event, origin });
          void this.#writeScored();
        })
        .finally(() => this.#background.delete(job));
      this.#background.add(job);
      return { ...result, deferred: waiting };
    }
    await scoring;
    const late = await this.#ingestInOrder(slow, origin, atomic);
    result.accepted += late.accepted;
    result.duplicate += late.duplicate;
    for (const s of late.stored) result.stored.push({ ...s, index: waiting[s.index]! });
    for (const f of late.failed) result.failed!.push({ ...f, index: waiting[f.index]! });
    for (const i of late.expired) result.expired!.push(waiting[i]!);
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

  /**
   * Batches of one transaction each, in order; `atomic`: one transaction for all, and a failure
   * throws (nothing written). Otherwise a failure that belongs to some events stays with them.
   */
  async #ingestInOrder(events: LakeEvent[], origin: EventOrigin, atomic = false): Promise<Required<Omit<IngestedEvents, 'deferred'>>> {
    const batchSize = atomic ? Math.max(events.length, 1) : this.#options.batchSize;
    const out: Required<Omit<IngestedEvents, 'deferred'>> = { accepted: 0, duplicate: 0, stored: [], failed: [], expired: [] };
    for (let start = 0; start < events.length; start += batchSize) {
      const batch = events.slice(start, start + batchSize);
      const result = batch.length <= this.#options.groupMaxEvents
        ? await this.#group.submit(batch, origin, atomic)
        : atomic ? { ...(await this.#runBatch(batch, origin)), failed: [] } : await this.#runContained(batch, origin);
      out.accepted += result.inserted.length;
      out.duplicate += result.duplicates.length;
      for (const s of result.inserted) out.stored.push({ ...s, index: s.index + start });
      for (const f of result.failed) out.failed.push({ ...f, index: f.index + start });
      for (const i of result.expired ?? []) out.expired.push(i + start);
    }
    return out;
  }

  /**
   * A batch whose transaction fails for a reason of its own (a bad value, a bug met by one guild's
   * configuration; not the database going away, which is the caller's to retry) is split and
   * retried — by guild first, then in halves — so one guild's failure never rolls back or drops
   * another's events and one bad event never holds back its neighbours. What still fails alone is
   * set aside with its error (FailureSink) and reported as failed; nothing of it is written.
   */
  async #runContained(batch: LakeEvent[], origin: EventOrigin): Promise<ContainedResult> {
    try {
      return { ...(await this.#runBatch(batch, origin)), failed: [] };
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw error;
      const parts = splitBatch(batch);
      if (!parts) {
        const message = errorMessage(error);
        this.logger.error({ err: error, guildId: batch[0]!.guild_id, sourceId: batch[0]!.source_id }, 'an event failed on its own; set aside for the operator');
        await this.#setAside([{ event: batch[0]!, origin, error }]);
        return { inserted: [], duplicates: [], failed: [{ index: 0, message }] };
      }
      this.logger.warn({ err: error, events: batch.length, parts: parts.length }, 'an ingest batch failed; retrying it in parts to contain the failure');
      const combined: ContainedResult = { inserted: [], duplicates: [], failed: [] };
      for (const part of parts) {
        const result = await this.#runContained(part.map((p) => p.event), origin);
        for (const s of result.inserted) combined.inserted.push({ ...s, index: part[s.index]!.index });
        for (const d of result.duplicates) combined.duplicates.push(part[d]!.index);
        for (const f of result.failed) combined.failed.push({ ...f, index: part[f.index]!.index });
        for (const i of result.expired ?? []) (combined.expired ??= []).push(part[i]!.index);
      }
      combined.inserted.sort((a, b) => a.index - b.index);
      combined.duplicates.sort((a, b) => a - b);
      return combined;
    }
  }

  async #setAside(failures: FailedEvent[]): Promise<void> {
    try {
      await this.#failures?.record(failures);
    } catch (error) {
      this.logger.error({ err: error, events: failures.map((f) => f.event.source_id) }, 'could not record failed events');
    }
  }

  async #runBatch(batch: LakeEvent[], origin: EventOrigin) {
    const guildIds = [...new Set(batch.map((e) => e.guild_id))];
    await lakePartitionCache.ensure(this.database.db, batch.map((e) => e.occurred_at));
    for (let attempt = 1; ; attempt++) {
      try {
        const afterCommit: AfterCommit[] = [];
        const late = new LateWriteList();
        let result: LakeWriteResult;
        try {
          result = await this.database.db.transaction(async (tx) => {
            await this.#registry.ensure(tx, guildIds);
            const written: LakeWriteResult = { inserted: [], duplicates: [] };
            const step = this.database.kind === 'pglite' ? this.#options.pgliteStepSize : batch.length;
            for (let start = 0; start < batch.length; start += step) {
              if (start > 0) await new Promise((resolve) => setImmediate(resolve));
              const events = step >= batch.length ? batch : batch.slice(start, start + step);
              // The lake insert, then the pause gate's lock and read (they need only the guilds):
              // sent together, in that order.
              const writing = writeLakeEvents(tx, events, origin);
              const checking = this.#pause?.check(tx, step >= batch.length ? guildIds : [...new Set(events.map((e) => e.guild_id))]);
              const [part, paused] = await Promise.all([writing, checking]);
              for (const s of part.inserted) written.inserted.push(start === 0 ? s : { ...s, index: s.index + start });
              for (const d of part.duplicates) written.duplicates.push(d + start);
              for (const e of part.expired ?? []) (written.expired ??= []).push(e + start);
              if (part.inserted.length === 0) continue;
              await this.hooks.afterLakeWrite?.(tx, part.inserted);
              const held = this.#pause && paused ? await this.#pause.hold(tx, part.inserted, paused) : { ready: part.inserted };
              if (held.afterCommit) afterCommit.push(held.afterCommit);
              for (const processor of this.processors) {
                const ready = processor.waitsWhilePaused ? held.ready : part.inserted;
                if (ready.length === 0) continue;
                const then = await processor.process(tx, ready, late);
                if (then) afterCommit.push(then);
              }
            }
            return written;
          });
        } catch (error) {
          // A late write that failed aborted the transaction: its error is the cause, not what followed it.
          throw (await late.firstFailure())?.error ?? error;
        }
        // COMMIT went right behind the late writes; had one failed, COMMIT rolled everything back.
        const failed = await late.firstFailure();
        if (failed) throw failed.error;
        this.#registry.remember(guildIds);
        for (const then of afterCommit) {
          try {
            await then();
          } catch (error) {
            this.logger.error({ err: error }, 'work after an ingest commit failed');
          }
        }
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
        if (isTransactionConflict(error) && attempt < this.#options.retries) {
          this.logger.warn({ state: sqlState(error), attempt }, 'ingest batch conflicted; retrying');
          continue;
        }
        throw error;
      }
    }
  }
}

/** A failing batch's parts: its guilds (in order of first appearance), else its two halves; none for one event. */
function splitBatch(batch: LakeEvent[]): { index: number; event: LakeEvent }[][] | undefined {
  const indexed = batch.map((event, index) => ({ index, event }));
  const byGuild = new Map<string, { index: number; event: LakeEvent }[]>();
  for (const item of indexed) {
    const list = byGuild.get(item.event.guild_id);
    if (list) list.push(item);
    else byGuild.set(item.event.guild_id, [item]);
  }
  if (byGuild.size > 1) return [...byGuild.values()];
  if (batch.length === 1) return undefined;
  const middle = Math.ceil(batch.length / 2);
  return [indexed.slice(0, middle), indexed.slice(middle)];
}

/** The counts and the rejected list (the API's contract) from the per-event outcomes. */
function summarize(events: EventOutcome[]): IngestResult {
  const count = (status: EventStatus) => events.filter((e) => e.status === status).length;
  const ignored = count('ignored');
  return {
    accepted: count('accepted'),
    duplicate: count('duplicate'),
    ...(ignored > 0 ? { ignored } : {}),
    rejected: events.filter((e) => e.status === 'rejected').map((e) => ({ index: e.index, errors: e.errors ?? [] })),
    events,
  };
}

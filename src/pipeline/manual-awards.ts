// Manual awards are applied or leave no trace. An award goes through the pipeline like any event
// (into the lake, through the engine, rules may react), but when the engine does not post it (a
// negative amount the balance cannot cover) the whole batch is rolled back: the refusal is the
// caller's answer, and the lake, the ledger and the counters stay as they were.
import { sql } from 'drizzle-orm';
import { queryRows, type Database, type Tx } from '../db/client.ts';
import type { LakeEvent } from '../events/lake-event.ts';
import type { EventOrigin, StoredEvent } from '../events/lake-writer.ts';
import type { EventProcessor, IngestPipeline } from './ingest.ts';

/** Thrown inside the batch's transaction to roll it back; an expected outcome, never a failure. */
export class AwardRefused extends Error {
  constructor(readonly key: string) {
    super('the manual award was not applied by the engine; its batch is rolled back');
    this.name = 'AwardRefused';
  }
}

export type AwardOutcome = { ok: true; balanceAfter: number } | { ok: false };

const keyOf = (event: Pick<LakeEvent, 'guild_id' | 'source_id'>) => `${event.guild_id}\u0000${event.source_id}`;

/**
 * The pipeline stage that checks, after the engine and in the same transaction, that each awaited
 * award was posted. Register it after the engine; only awards sent through `apply` are checked, so
 * manual_award events arriving any other way (imports, replays) are never refused here.
 */
export class ManualAwards implements EventProcessor {
  readonly waitsWhilePaused = true;
  readonly #awaiting = new Map<string, { balanceAfter?: number }>();

  constructor(private readonly database: Database) {}

  /** Ingests one manual_award event alone; `ok: false` means the engine refused it and nothing was written. */
  async apply(pipeline: IngestPipeline, event: LakeEvent & { type: 'manual_award' }, origin: EventOrigin = 'api'): Promise<AwardOutcome> {
    const key = keyOf(event);
    const slot: { balanceAfter?: number } = {};
    this.#awaiting.set(key, slot);
    try {
      await pipeline.ingestEvents([event], origin, { atomic: true });
    } catch (error) {
      if (error instanceof AwardRefused && error.key === key) return { ok: false };
      throw error;
    } finally {
      this.#awaiting.delete(key);
    }
    if (slot.balanceAfter !== undefined) return { ok: true, balanceAfter: slot.balanceAfter };
    // Already in the lake (the same source id sent again): answer with what the first one posted.
    return this.#posted(event);
  }

  async process(tx: Tx, events: StoredEvent[]): Promise<void> {
    for (const { id, event } of events) {
      if (event.type !== 'manual_award') continue;
      const slot = this.#awaiting.get(keyOf(event));
      if (!slot) continue;
      const [posting] = await queryRows<{ balance_after: string }>(
        tx,
        sql`SELECT balance_after::text FROM transactions WHERE lake_event_id = ${id} AND source = 'manual' ORDER BY id LIMIT 1`,
      );
      if (!posting) throw new AwardRefused(keyOf(event));
      slot.balanceAfter = Number(posting.balance_after);
    }
  }

  async #posted(event: LakeEvent): Promise<AwardOutcome> {
    const [posting] = await queryRows<{ balance_after: string }>(
      this.database.db,
      sql`SELECT t.balance_after::text FROM transactions t JOIN lake_event_keys k ON k.event_id = t.lake_event_id
          WHERE k.guild_id = ${event.guild_id} AND k.source_id = ${event.source_id} AND t.source = 'manual' ORDER BY t.id LIMIT 1`,
    );
    return posting ? { ok: true, balanceAfter: Number(posting.balance_after) } : { ok: false };
  }
}

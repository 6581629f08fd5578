// Events whose processing failed on its own (a bad value or a bug met by one guild's configuration,
// not the database going away) are set aside here instead of being lost or holding back their
// neighbours: none of an event's writes happened, so retrying it later is still exactly once.
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { errorMessage, type Db } from '../db/client.ts';
import { ingestFailures } from '../db/schema.ts';
import type { EventOrigin } from '../events/lake-writer.ts';
import type { LakeEvent } from '../events/lake-event.ts';
import type { FailedEvent, FailureSink, IngestPipeline } from './ingest.ts';

export interface FailedEventRow {
  id: number;
  sourceId: string;
  type: string;
  origin: string;
  error: string;
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
}

export interface RetryResult {
  retried: number;
  /** Written now (or found already written). */
  resolved: number;
  /** Failed again: still set aside. */
  failed: number;
}

const messageOf = (error: unknown) => errorMessage(error).slice(0, 2000);

export class FailedEventStore implements FailureSink {
  constructor(private readonly db: Db) {}

  async record(failures: FailedEvent[]): Promise<void> {
    if (failures.length === 0) return;
    await this.db
      .insert(ingestFailures)
      .values(
        failures.map((f) => ({
          guildId: f.event.guild_id,
          sourceId: f.event.source_id,
          type: f.event.type,
          origin: f.origin,
          event: f.event as unknown as Record<string, unknown>,
          error: messageOf(f.error),
        })),
      )
      .onConflictDoUpdate({
        target: [ingestFailures.guildId, ingestFailures.sourceId],
        set: { attempts: sql`${ingestFailures.attempts} + 1`, error: sql`excluded.error`, event: sql`excluded.event`, lastFailedAt: sql`now()` },
      });
  }

  async count(guildId: string): Promise<number> {
    const [row] = await this.db.select({ n: sql<number>`count(*)::int` }).from(ingestFailures).where(eq(ingestFailures.guildId, guildId));
    return row?.n ?? 0;
  }

  async list(guildId: string, limit = 100): Promise<FailedEventRow[]> {
    const rows = await this.db.select().from(ingestFailures).where(eq(ingestFailures.guildId, guildId)).orderBy(desc(ingestFailures.lastFailedAt)).limit(limit);
    return rows.map((r) => ({
      id: r.id,
      sourceId: r.sourceId,
      type: r.type,
      origin: r.origin,
      error: r.error,
      attempts: r.attempts,
      firstFailedAt: r.firstFailedAt.toISOString(),
      lastFailedAt: r.lastFailedAt.toISOString(),
    }));
  }

  /**
   * Ingests a guild's set-aside events again (all, or the given ids), in the order they happened.
   * Those written now, or already in the lake, leave the list; those failing again stay, counted.
   */
  async retry(pipeline: IngestPipeline, guildId: string, ids?: number[]): Promise<RetryResult> {
    const where = ids ? and(eq(ingestFailures.guildId, guildId), inArray(ingestFailures.id, ids)) : eq(ingestFailures.guildId, guildId);
    const rows = await this.db.select().from(ingestFailures).where(where).orderBy(ingestFailures.firstFailedAt, ingestFailures.id);
    const byOrigin = new Map<string, typeof rows>();
    for (const r of rows) byOrigin.set(r.origin, [...(byOrigin.get(r.origin) ?? []), r]);
    let failed = 0;
    const resolved: number[] = [];
    for (const [origin, list] of byOrigin) {
      const events = list.map((r) => r.event as unknown as LakeEvent).sort((a, b) => a.occurred_at.localeCompare(b.occurred_at));
      const result = await pipeline.ingestEvents(events, origin as EventOrigin);
      const failedSources = new Set((result.failed ?? []).map((f) => events[f.index]!.source_id));
      failed += failedSources.size;
      for (const r of list) if (!failedSources.has(r.sourceId)) resolved.push(r.id);
    }
    if (resolved.length > 0) await this.db.delete(ingestFailures).where(inArray(ingestFailures.id, resolved));
    return { retried: rows.length, resolved: resolved.length, failed };
  }

  /** Drops set-aside events the operator decided not to keep. */
  async discard(guildId: string, ids: number[]): Promise<number> {
    const gone = await this.db.delete(ingestFailures).where(and(eq(ingestFailures.guildId, guildId), inArray(ingestFailures.id, ids))).returning({ id: ingestFailures.id });
    return gone.length;
  }
}

// Micro-batching gateway events into the pipeline: by time and by size, in order, retried when the
// database fails, and flushed on demand.
import { describe, expect, it } from 'vitest';
import { EventBatcher } from '../../src/discord/event-batcher.ts';
import type { LakeEvent } from '../../src/events/lake-event.ts';
import { silentLogger } from '../../src/log/logger.ts';
import type { IngestResult } from '../../src/pipeline/ingest.ts';
import { messageEvent } from '../support/factories.ts';

/** What postgres.js throws when the database cannot be reached. */
const connectionRefused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

function recordingSink(fail = 0, error: () => Error = () => new Error('ingest failed')) {
  const batches: LakeEvent[][] = [];
  let failures = fail;
  const sink = async (events: LakeEvent[]): Promise<IngestResult> => {
    if (failures-- > 0) throw error();
    batches.push(events);
    return { accepted: events.length, duplicate: 0, rejected: [], events: [] };
  };
  return { batches, sink };
}

describe('EventBatcher', () => {
  it('writes events that arrive within the wait as one batch', async () => {
    const { batches, sink } = recordingSink();
    const batcher = new EventBatcher(sink, silentLogger, { maxWaitMs: 20 });
    const events = [messageEvent(), messageEvent(), messageEvent()];
    for (const e of events) batcher.push(e);
    expect(batches).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(batches).toEqual([events]);
  });

  it('writes at once when a batch is full, keeping the order across batches', async () => {
    const { batches, sink } = recordingSink();
    const batcher = new EventBatcher(sink, silentLogger, { maxWaitMs: 10_000, maxEvents: 4 });
    const events = Array.from({ length: 10 }, () => messageEvent());
    for (const e of events) batcher.push(e);
    await batcher.flush();
    expect(batches.flat()).toEqual(events);
    expect(batches[0]).toHaveLength(4);
  });

  it('retries a batch the database refused, then runs the after-commit callbacks', async () => {
    const { batches, sink } = recordingSink(2);
    const batcher = new EventBatcher(sink, silentLogger, { maxWaitMs: 1, retryDelaysMs: [5, 5, 5] });
    let committed = 0;
    batcher.push(messageEvent(), () => committed++);
    await batcher.flush();
    expect(batches).toHaveLength(1);
    expect(committed).toBe(1);
    expect(batcher.stats).toMatchObject({ batches: 1, accepted: 1, lost: 0 });
  });

  it('counts a batch as lost when it keeps failing for another reason than the database being away, and carries on', async () => {
    const { batches, sink } = recordingSink(3);
    const batcher = new EventBatcher(sink, silentLogger, { maxWaitMs: 1, retryDelaysMs: [1, 1] });
    batcher.push(messageEvent());
    await batcher.flush();
    batcher.push(messageEvent());
    await batcher.flush();
    expect(batcher.stats.lost).toBe(1);
    expect(batches).toHaveLength(1);
  });

  it('keeps a batch while the database is unreachable, however long, and writes it when it is back', async () => {
    const { batches, sink } = recordingSink(6, connectionRefused);
    const batcher = new EventBatcher(sink, silentLogger, { maxWaitMs: 1, retryDelaysMs: [1], unavailableRetryMs: { first: 1, max: 5 } });
    let committed = 0;
    batcher.push(messageEvent(), () => committed++);
    await batcher.flush();
    expect(batches).toHaveLength(1);
    expect(committed).toBe(1);
    expect(batcher.stats).toMatchObject({ batches: 1, accepted: 1, lost: 0 });
  });

  it('gives up a batch still waiting for the database when a flush deadline passes (shutdown)', async () => {
    const dropped: [number, string][] = [];
    const { batches, sink } = recordingSink(Infinity, connectionRefused);
    const batcher = new EventBatcher(sink, silentLogger, { maxWaitMs: 1, unavailableRetryMs: { first: 5, max: 5 }, onDropped: (n, reason) => dropped.push([n, reason]) });
    batcher.push(messageEvent());
    batcher.push(messageEvent());
    await batcher.flush({ giveUpAfterMs: 30 });
    expect(batches).toEqual([]);
    expect(batcher.stats.lost).toBe(2);
    expect(dropped).toEqual([[2, 'shutdown']]);
  });

  it('keeps at most maxBuffered events while a write is slow, dropping the oldest', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: string[] = [];
    const batcher = new EventBatcher(
      async (events) => {
        await gate;
        seen.push(...events.map((e) => e.source_id));
        return { accepted: events.length, duplicate: 0, rejected: [], events: [] };
      },
      silentLogger,
      { maxWaitMs: 1, maxEvents: 1, maxBuffered: 2 },
    );
    const events = Array.from({ length: 5 }, () => messageEvent());
    batcher.push(events[0]!);
    await new Promise((resolve) => setTimeout(resolve, 10));
    for (const e of events.slice(1)) batcher.push(e);
    release();
    await batcher.flush();
    expect(seen).toEqual([events[0]!.source_id, events[3]!.source_id, events[4]!.source_id]);
    expect(batcher.stats.lost).toBe(2);
  });
});

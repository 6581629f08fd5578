// Lake ingest events per second (validated LakeEvents → lake + counters, committed): one event per
// transaction, and batched.
import type { LakeEvent } from '../src/events/lake-event.ts';
import { IngestPipeline } from '../src/pipeline/ingest.ts';
import { freshDatabase, record, runConcurrent, sid, userId } from './support.ts';

const GUILD = '1160511689263947796';

function event(i: number): LakeEvent {
  return {
    source_id: sid(),
    type: 'message_create',
    guild_id: GUILD,
    actor_id: userId(i % 2000),
    target_id: null,
    channel_id: String(1_111_111_111_111_111_100n + BigInt(i % 20)),
    occurred_at: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
    data: { length: 120 + (i % 400), has_code_block: false, has_link: i % 7 === 0, has_attachment: false, attachment_count: 0, emoji_count: i % 3, is_reply: false },
  };
}

export async function benchLake(kind: 'pglite' | 'postgres'): Promise<void> {
  const { database, dispose } = await freshDatabase(kind);
  try {
    const pipeline = new IngestPipeline(database, []);
    await pipeline.ingestEvents([event(0)], 'api');
    const single = kind === 'postgres' ? 5000 : 2000;
    const s1 = await runConcurrent(single, 10, (i) => pipeline.ingestEvents([event(i)], 'api'));
    record({ bench: 'lake', database: kind, case: 'ingest, one event per transaction (10 concurrent)', value: single / s1, unit: 'events/s' });
    for (const size of [100, 500]) {
      const total = kind === 'postgres' ? 50_000 : 20_000;
      const batches = Array.from({ length: total / size }, (_, b) => Array.from({ length: size }, (_, i) => event(b * size + i)));
      const s = await runConcurrent(batches.length, 1, (b) => pipeline.ingestEvents(batches[b]!, 'api'));
      record({ bench: 'lake', database: kind, case: `ingest, batches of ${size} (serial)`, value: total / s, unit: 'events/s' });
    }
    const dupes = Array.from({ length: 100 }, (_, i) => event(i));
    await pipeline.ingestEvents(dupes, 'api');
    const s2 = await runConcurrent(50, 1, () => pipeline.ingestEvents(dupes, 'api'));
    record({ bench: 'lake', database: kind, case: 'duplicates rejected, batches of 100', value: 5000 / s2, unit: 'events/s' });
  } finally {
    await dispose();
  }
}

// Sweeps the exactly-once keys of lake rows that retention removed with their month. Keys are
// time-ordered on disk (inserted as events arrive), so a BRIN index on occurred_at finds a day's
// keys without a per-key lookup; each day is one short DELETE, so ingest never waits on it. A key
// left behind costs only space: the lake writer refuses an event older than the guild's
// `lake_pruned_before` before it looks at keys.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';
import { cutoffsCte, expiredWhere, type Cutoffs } from './prune.ts';

const DAY_MS = 86_400_000;

export async function sweepLakeKeys(db: Db, ranges: { from: Date; to: Date }[], cutoffs: Cutoffs): Promise<{ deleted: number; ms: number }> {
  const started = performance.now();
  let deleted = 0;
  for (const range of ranges) {
    for (let at = range.from.getTime(); at < range.to.getTime(); at += DAY_MS) {
      const end = Math.min(at + DAY_MS, range.to.getTime());
      const [gone] = await queryRows<{ n: number }>(
        db,
        sql`WITH ${cutoffsCte(cutoffs)}, gone AS (
              DELETE FROM lake_event_keys k
              WHERE k.occurred_at >= ${new Date(at).toISOString()}::timestamptz AND k.occurred_at < ${new Date(end).toISOString()}::timestamptz
                AND ${expiredWhere(cutoffs, 'k')}
              RETURNING 1)
            SELECT count(*)::int AS n FROM gone`,
      );
      deleted += gone?.n ?? 0;
    }
  }
  return { deleted, ms: performance.now() - started };
}

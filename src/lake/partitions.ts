// The lake's monthly partitions: listed, created ahead of need (a job) and on demand (before a batch
// whose months have none yet), and rows that fell into the DEFAULT partition moved to their month.
// The DEFAULT partition is the safety net: an event always has somewhere to go, even for a month
// nobody created, and nothing on the ingest path ever waits for DDL of another process.
import { sql } from 'drizzle-orm';
import { queryRows, type Db, type Executor } from '../db/client.ts';
import { addMonths, lakeMonth, monthOf, monthOfTable, type LakeMonth } from './months.ts';

export const LAKE_DEFAULT_PARTITION = 'lake_events_default';
/** One advisory lock serialises partition DDL across processes (creation, retention swaps). */
export const PARTITION_LOCK = sql`pg_advisory_xact_lock(hashtext('cairn:lake-partitions'))`;

/** The monthly partitions attached to lake_events, oldest first. */
export async function lakePartitions(exec: Executor): Promise<LakeMonth[]> {
  const rows = await queryRows<{ name: string }>(
    exec,
    sql`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'lake_events'::regclass`,
  );
  return rows.flatMap((r) => monthOfTable(r.name) ?? []).sort((a, b) => a.from.getTime() - b.from.getTime());
}

/**
 * Creates the partition of `month` unless it exists, moving the DEFAULT partition's rows of that
 * month into it. Locks: the DEFAULT partition (events of partition-less months wait a moment), and
 * the parent only in SHARE UPDATE EXCLUSIVE for the ATTACH, which ingest does not conflict with.
 * Returns whether it created the partition.
 */
export async function createLakePartition(db: Db, month: string, lockTimeout = '10s'): Promise<boolean> {
  const m = lakeMonth(month);
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT set_config('lock_timeout', ${lockTimeout}, true)`);
    await tx.execute(sql`SELECT ${PARTITION_LOCK}`);
    const [exists] = await queryRows<{ t: string | null }>(tx, sql`SELECT to_regclass(${m.table})::text AS t`);
    if (exists?.t) return false;
    const table = sql.identifier(m.table);
    const from = m.from.toISOString();
    const to = m.to.toISOString();
    await tx.execute(sql`LOCK TABLE ${sql.identifier(LAKE_DEFAULT_PARTITION)} IN SHARE ROW EXCLUSIVE MODE`);
    await tx.execute(sql`CREATE TABLE ${table} (LIKE lake_events INCLUDING DEFAULTS)`);
    await tx.execute(sql`WITH moved AS (
        DELETE FROM ${sql.identifier(LAKE_DEFAULT_PARTITION)} WHERE occurred_at >= ${from}::timestamptz AND occurred_at < ${to}::timestamptz RETURNING *)
      INSERT INTO ${table} SELECT * FROM moved`);
    // The CHECK lets ATTACH skip scanning the new table; it is dropped once attached.
    await tx.execute(sql`ALTER TABLE ${table} ADD CONSTRAINT ${sql.identifier(`${m.table}_bound`)} CHECK (occurred_at >= ${sql.raw(`'${from}'`)}::timestamptz AND occurred_at < ${sql.raw(`'${to}'`)}::timestamptz)`);
    await tx.execute(sql`ALTER TABLE lake_events ATTACH PARTITION ${table} FOR VALUES FROM (${sql.raw(`'${from}'`)}) TO (${sql.raw(`'${to}'`)})`);
    await tx.execute(sql`ALTER TABLE ${table} DROP CONSTRAINT ${sql.identifier(`${m.table}_bound`)}`);
    return true;
  });
}

/**
 * The job: partitions for this month and the next `ahead` exist, and every month that has rows in
 * the DEFAULT partition (an event arrived before its partition did) gets its partition, within
 * `back` months of now; older rows stay in DEFAULT, where retention deletes them.
 */
export async function maintainLakePartitions(db: Db, now: Date, options: { ahead?: number; back?: number } = {}): Promise<{ created: string[] }> {
  const current = monthOf(now);
  const wanted = new Set<string>();
  for (let i = 0; i <= (options.ahead ?? 2); i++) wanted.add(addMonths(current, i));
  const stray = await queryRows<{ m: string }>(
    db,
    sql`SELECT DISTINCT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM') AS m FROM ${sql.identifier(LAKE_DEFAULT_PARTITION)}
        WHERE occurred_at >= ${lakeMonth(addMonths(current, -(options.back ?? 24))).from.toISOString()}::timestamptz`,
  );
  for (const r of stray) wanted.add(r.m);
  const created: string[] = [];
  for (const month of [...wanted].sort()) if (await createLakePartition(db, month)) created.push(month);
  return { created };
}

/**
 * On demand, before a batch: the months its events fall in get their partitions. Known months are
 * remembered per database handle, so the usual batch costs a Set lookup; a miss looks once and
 * creates what is missing. Failing here is never fatal: the events go to DEFAULT.
 */
export class LakePartitionCache {
  readonly #known = new WeakMap<Db, Set<string>>();
  /** When creating a month last failed: it is not tried again for a minute (DEFAULT meanwhile). */
  readonly #failed = new Map<string, number>();

  async ensure(db: Db, occurredAt: Iterable<string>): Promise<void> {
    let known = this.#known.get(db);
    let missing: Set<string> | null = null;
    for (const at of occurredAt) {
      const month = monthOf(at);
      if (known?.has(month)) continue;
      (missing ??= new Set()).add(month);
    }
    if (!missing) return;
    try {
      if (!known) {
        known = new Set((await lakePartitions(db)).map((p) => p.month));
        this.#known.set(db, known);
      }
      for (const month of missing) {
        if (known.has(month) || Date.now() - (this.#failed.get(month) ?? -Infinity) < 60_000) continue;
        try {
          await createLakePartition(db, month, '2s');
        } catch (error) {
          this.#failed.set(month, Date.now());
          throw error;
        }
        known.add(month);
      }
    } catch {
      // Never in the way of ingest (the database may be away, which the batch's own retries
      // handle): the events go to DEFAULT, the next batch of that month tries again, and the
      // hourly partitions job moves them.
    }
  }

  /** Forgets what was learnt (after retention dropped partitions). */
  forget(db: Db): void {
    this.#known.delete(db);
  }
}

/** The process's cache: the ingest pipeline and the onboarding writer share it. */
export const lakePartitionCache = new LakePartitionCache();

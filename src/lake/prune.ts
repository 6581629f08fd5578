// Removes a partition's expired rows the cheapest way (see retention-plan.ts for why): drop the
// month, rewrite it with the rows still kept, or delete the few expired rows in batches (with their
// exactly-once keys). The keys of a dropped or rewritten month are swept afterwards (keys.ts): the
// caller has already marked the guilds' `lake_pruned_before`, so a replay of a removed event is
// refused from then on, key or not, and the month need not wait for its keys.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, sqlState, type Db } from '../db/client.ts';
import { PARTITION_LOCK } from './partitions.ts';
import { planPartition, type GuildRows, type PartitionAction } from './retention-plan.ts';
import type { LakeMonth } from './months.ts';

/** Each guild's cutoff: rows before it expire. Guilds not listed use `fallback`. */
export interface Cutoffs {
  byGuild: { guildId: string; cutoff: string }[];
  fallback: string;
}

export interface PartitionPruned {
  table: string;
  action: PartitionAction['kind'];
  /** Rows removed per guild. */
  removed: { guildId: string; rows: number }[];
  ms: number;
}

export const cutoffsCte = (c: Cutoffs): SQL =>
  sql`cut AS (SELECT g, c FROM json_to_recordset(${JSON.stringify(c.byGuild.map((x) => ({ g: x.guildId, c: x.cutoff })))}::json) AS v(g bigint, c timestamptz))`;
export const expiredWhere = (c: Cutoffs, alias: string): SQL =>
  sql`${sql.raw(alias)}.occurred_at < COALESCE((SELECT cut.c FROM cut WHERE cut.g = ${sql.raw(alias)}.guild_id), ${c.fallback}::timestamptz)`;

export async function prunePartition(db: Db, table: string, month: LakeMonth | null, cutoffs: Cutoffs, options: { batch?: number } = {}): Promise<PartitionPruned> {
  const started = performance.now();
  const batch = options.batch ?? 20_000;
  const t = sql.identifier(table);
  const counts = await queryRows<{ g: string; total: string | number; expired: string | number }>(
    db,
    // Counted per guild first (an index-only scan), then compared with each guild's cutoff: a month
    // wholly past a guild's window is not read row by row.
    sql`WITH ${cutoffsCte(cutoffs)}, per AS (
          SELECT p.guild_id, count(*) AS total, min(p.occurred_at) AS first, max(p.occurred_at) AS last FROM ${t} p GROUP BY p.guild_id
        ), lim AS (
          SELECT per.*, COALESCE(cut.c, ${cutoffs.fallback}::timestamptz) AS c FROM per LEFT JOIN cut ON cut.g = per.guild_id
        )
        SELECT guild_id::text AS g, total,
               CASE WHEN last < c THEN total WHEN first >= c THEN 0
                    ELSE (SELECT count(*) FROM ${t} p WHERE p.guild_id = lim.guild_id AND p.occurred_at < lim.c) END AS expired
        FROM lim`,
  );
  const rows: GuildRows[] = counts.map((r) => ({ guildId: r.g, total: Number(r.total), expired: Number(r.expired) }));
  let action = planPartition(rows);
  // DEFAULT is never dropped or swapped: it must always exist, and it is small.
  if (month === null && action.kind !== 'keep') action = { kind: 'delete', kept: 0, expired: 0 };
  const removed = rows.filter((r) => r.expired > 0).map((r) => ({ guildId: r.guildId, rows: r.expired }));
  if (action.kind === 'keep') return { table, action: 'keep', removed: [], ms: performance.now() - started };
  if (action.kind === 'delete') {
    // Lake rows and their keys in one statement per batch: nothing half-removed is ever visible.
    for (;;) {
      const [done] = await queryRows<{ n: number }>(
        db,
        sql`WITH ${cutoffsCte(cutoffs)}, gone AS (
              DELETE FROM ${t} WHERE ctid = ANY(ARRAY(SELECT p.ctid FROM ${t} p WHERE ${expiredWhere(cutoffs, 'p')} LIMIT ${batch}))
              RETURNING guild_id, source_id, id
            ), keys AS (
              DELETE FROM lake_event_keys k USING gone WHERE k.guild_id = gone.guild_id AND k.source_id = gone.source_id AND k.event_id = gone.id RETURNING 1
            )
            SELECT count(*)::int AS n FROM gone`,
      );
      if ((done?.n ?? 0) < batch) break;
    }
    return { table, action: 'delete', removed, ms: performance.now() - started };
  }
  if (action.kind === 'drop') {
    const total = rows.reduce((n, r) => n + r.total, 0);
    let dropped = false;
    await withPartitionLock(db, async (tx) => {
      // An event of a guild that keeps this month may have arrived since the count: with the month
      // locked, the same number of rows means nothing did (only retention removes rows, under the
      // partition lock held here); otherwise the month waits for the next run.
      await tx.execute(sql`LOCK TABLE ${t} IN ACCESS EXCLUSIVE MODE`);
      const [now] = await queryRows<{ n: string | number }>(tx, sql`SELECT count(*) AS n FROM ${t}`);
      if (Number(now?.n ?? 0) !== total) return;
      await tx.execute(sql`DROP TABLE ${t}`);
      dropped = true;
    });
    if (!dropped) return { table, action: 'keep', removed: [], ms: performance.now() - started };
  } else {
    await rewrite(db, table, month!, cutoffs);
  }
  return { table, action: action.kind, removed, ms: performance.now() - started };
}

/**
 * Swaps the partition for a copy holding only its kept rows. The copy and its indexes are built
 * while only the old partition is locked against writes (reads and every other month go on); the
 * parent is locked for the swap itself: a DROP, a RENAME and an ATTACH that needs no scan.
 */
async function rewrite(db: Db, table: string, month: LakeMonth, cutoffs: Cutoffs): Promise<void> {
  const next = `${table}_r${Date.now().toString(36)}`;
  const t = sql.identifier(table);
  const n = sql.identifier(next);
  const from = sql.raw(`'${month.from.toISOString()}'`);
  const to = sql.raw(`'${month.to.toISOString()}'`);
  await withPartitionLock(db, async (tx) => {
    await tx.execute(sql`LOCK TABLE ${t} IN SHARE MODE`);
    await tx.execute(sql`CREATE TABLE ${n} (LIKE lake_events INCLUDING DEFAULTS)`);
    await tx.execute(sql`WITH ${cutoffsCte(cutoffs)} INSERT INTO ${n} SELECT p.* FROM ${t} p WHERE NOT (${expiredWhere(cutoffs, 'p')})`);
    await tx.execute(sql`ALTER TABLE ${n} ADD PRIMARY KEY (id, occurred_at)`);
    await tx.execute(sql`CREATE INDEX ON ${n} (guild_id, occurred_at)`);
    await tx.execute(sql`ALTER TABLE ${n} ADD CONSTRAINT ${sql.identifier(`${next}_bound`)} CHECK (occurred_at >= ${from}::timestamptz AND occurred_at < ${to}::timestamptz)`);
    await tx.execute(sql`DROP TABLE ${t}`);
    await tx.execute(sql`ALTER TABLE ${n} RENAME TO ${t}`);
    await tx.execute(sql`ALTER TABLE lake_events ATTACH PARTITION ${t} FOR VALUES FROM (${from}) TO (${to})`);
    await tx.execute(sql`ALTER TABLE ${t} DROP CONSTRAINT ${sql.identifier(`${next}_bound`)}`);
  });
}

/**
 * Partition DDL under the cluster-wide partition lock, giving up on a lock it waits more than a few
 * seconds for (a long report holding the lake) rather than queueing ingest behind it, and retrying;
 * a deadlock with a batch writing into the month being dropped is retried too (so is the batch).
 */
async function withPartitionLock(db: Db, work: (tx: Parameters<Parameters<Db['transaction']>[0]>[0]) => Promise<void>, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL lock_timeout = '2s'`);
        await tx.execute(sql`SELECT ${PARTITION_LOCK}`);
        await work(tx);
      });
      return;
    } catch (error) {
      const state = sqlState(error);
      if ((state !== '55P03' && state !== '40P01') || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}



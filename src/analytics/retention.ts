// Retention of the raw lake: a daily job removes events older than each guild's window (default 90
// days) — whole monthly partitions where it can, see src/lake/ — leaving aggregates, counters,
// ledger and milestones alone, so charts keep their history, and marks the guild as pruned up to
// there, so no pruned event is accepted again. A weekly job reconciles the daily counters with what
// the lake still holds and reports any drift.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';
import { LAKE_DEFAULT_PARTITION, lakePartitionCache, lakePartitions } from '../lake/partitions.ts';
import { sweepLakeKeys } from '../lake/keys.ts';
import { prunePartition, type Cutoffs, type PartitionPruned } from '../lake/prune.ts';

export const DEFAULT_RETENTION_DAYS = 90;
const DAY_MS = 86_400_000;

/** A guild's retention window in days (settings.retention_days, else the operator's default). */
export function retentionDaysOf(settings: Record<string, unknown>, fallback = DEFAULT_RETENTION_DAYS): number {
  const days = settings.retention_days;
  return typeof days === 'number' && Number.isInteger(days) && days > 0 ? days : fallback;
}

/**
 * The times a guild accepts new events between. An event older than the retention window may
 * already have been received and pruned, so a copy could not be recognised as a duplicate: it is
 * refused. The window accepts a day less than the lake keeps, so an event accepted just before
 * its day expires is never pruned while its request is still being written. Events more than a
 * day in the future are refused too (they would hold cooldowns and streaks open).
 */
export function eventHorizon(settings: Record<string, unknown>, now: number, fallback = DEFAULT_RETENTION_DAYS): { earliest: number; latest: number; retentionDays: number } {
  const retentionDays = retentionDaysOf(settings, fallback);
  return { earliest: now - (retentionDays - 1) * DAY_MS, latest: now + DAY_MS, retentionDays };
}

export interface RetentionResult {
  guilds: { guildId: string; retentionDays: number; cutoff: string; deleted: number }[];
  /** What happened to each partition that held expired rows (absent when none did). */
  partitions?: PartitionPruned[];
  /** The exactly-once keys swept after whole months went (absent when none did). */
  keys?: { deleted: number; ms: number };
}

/**
 * Prunes the lake month by month (src/lake/prune.ts): a month past every guild's window is dropped
 * whole, a month cut by some windows is rewritten or trimmed, whichever moves fewer rows. Ingest
 * goes on meanwhile: only a swap's last instant locks the lake.
 */
export async function deleteExpiredEvents(db: Db, now = new Date(), options: { defaultDays?: number; batch?: number } = {}): Promise<RetentionResult> {
  const guilds = await queryRows<{ id: string; days: number | null }>(db, sql`SELECT id::text, (settings->>'retention_days')::int AS days FROM guilds ORDER BY id`);
  const cutoffOf = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  const result: RetentionResult = { guilds: [] };
  const byGuild: Cutoffs['byGuild'] = [];
  for (const g of guilds) {
    const retentionDays = retentionDaysOf({ retention_days: g.days }, options.defaultDays);
    const cutoff = cutoffOf(retentionDays);
    // First the mark, then the deletes: from here on nothing older is accepted again (lake-writer),
    // even if the guild later keeps its lake longer.
    await db.execute(sql`UPDATE guilds SET lake_pruned_before = GREATEST(lake_pruned_before, ${cutoff}::timestamptz) WHERE id = ${g.id}`);
    await db.execute(sql`DELETE FROM rule_errors WHERE guild_id = ${g.id} AND at < ${cutoff}::timestamptz`);
    byGuild.push({ guildId: g.id, cutoff });
    result.guilds.push({ guildId: g.id, retentionDays, cutoff, deleted: 0 });
  }
  // Events of a guild without a guilds row (none is written today) follow the default window.
  const cutoffs: Cutoffs = { byGuild, fallback: cutoffOf(retentionDaysOf({}, options.defaultDays)) };
  const latest = Math.max(Date.parse(cutoffs.fallback), ...byGuild.map((g) => Date.parse(g.cutoff)));
  const months = (await lakePartitions(db)).filter((m) => m.from.getTime() < latest);
  const pruned: PartitionPruned[] = [];
  const swept: { from: Date; to: Date }[] = [];
  for (const m of months) {
    const p = await prunePartition(db, m.table, m, cutoffs, options);
    pruned.push(p);
    if (p.action === 'drop' || p.action === 'rewrite') swept.push({ from: m.from, to: new Date(Math.min(m.to.getTime(), latest)) });
  }
  pruned.push(await prunePartition(db, LAKE_DEFAULT_PARTITION, null, cutoffs, options));
  const deleted = new Map<string, number>();
  for (const p of pruned) for (const r of p.removed) deleted.set(r.guildId, (deleted.get(r.guildId) ?? 0) + r.rows);
  for (const g of result.guilds) g.deleted = deleted.get(g.guildId) ?? 0;
  const acted = pruned.filter((p) => p.action !== 'keep');
  if (acted.length > 0) result.partitions = acted;
  if (swept.length > 0) {
    lakePartitionCache.forget(db);
    result.keys = await sweepLakeKeys(db, swept, cutoffs);
  }
  return result;
}

export interface Drift {
  guildId: string;
  userId: string;
  eventType: string;
  day: string;
  counted: number;
  inLake: number;
}

/**
 * Compares the daily counters (actor side) with the lake, for the days the lake still holds in full
 * (after the oldest retained day), and returns the differences. With `repair`, counters are set to
 * the lake's numbers.
 */
export async function reconcileCounters(db: Db, options: { repair?: boolean; now?: Date } = {}): Promise<Drift[]> {
  const rows = await queryRows<{ g: string; u: string; t: string; d: string; counted: number; in_lake: number }>(
    db,
    sql`WITH lake AS (
          SELECT l.guild_id, l.actor_id AS user_id, l.type AS event_type,
                 (l.occurred_at AT TIME ZONE COALESCE(gl.timezone, 'UTC'))::date AS day, count(*)::int AS n
          FROM lake_events l JOIN guilds gl ON gl.id = l.guild_id
          GROUP BY 1, 2, 3, 4
        ), bounds AS (
          SELECT guild_id, min(day) AS first_day FROM lake GROUP BY 1
        ), counted AS (
          SELECT c.guild_id, c.user_id, c.event_type, c.day, c.count AS n FROM event_counters_daily c
          JOIN bounds b ON b.guild_id = c.guild_id AND c.day > b.first_day
          WHERE c.side = 'actor'
        )
        SELECT COALESCE(c.guild_id, l.guild_id)::text g, COALESCE(c.user_id, l.user_id)::text u, COALESCE(c.event_type, l.event_type) t,
               COALESCE(c.day, l.day)::text d, COALESCE(c.n, 0) counted, COALESCE(l.n, 0) in_lake
        FROM counted c FULL JOIN (SELECT l.* FROM lake l JOIN bounds b ON b.guild_id = l.guild_id AND l.day > b.first_day) l
          ON l.guild_id = c.guild_id AND l.user_id = c.user_id AND l.event_type = c.event_type AND l.day = c.day
        WHERE COALESCE(c.n, 0) <> COALESCE(l.n, 0)
        ORDER BY 1, 2, 3, 4 LIMIT 10000`,
  );
  const drift = rows.map((r) => ({ guildId: r.g, userId: r.u, eventType: r.t, day: r.d, counted: r.counted, inLake: r.in_lake }));
  if (options.repair && drift.length > 0) {
    await db.execute(sql`
      INSERT INTO event_counters_daily AS d (guild_id, user_id, event_type, side, day, count, value_sum)
      SELECT g, u, t, 'actor', day, n, 0 FROM json_to_recordset(${JSON.stringify(drift.map((x) => ({ g: x.guildId, u: x.userId, t: x.eventType, day: x.day, n: x.inLake })))}::json)
        AS v(g bigint, u bigint, t text, day date, n int)
      ON CONFLICT (guild_id, user_id, event_type, side, day) DO UPDATE SET count = excluded.count`);
  }
  return drift;
}

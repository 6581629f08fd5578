// The operator's health view, answered from small tables and catalog estimates, never a lake scan:
// the database (reachable, latency, connections), the outbox (backlog, failures by reason), rule
// errors and quarantined rules, scheduled jobs' last runs, the lake per guild (rows from counters,
// bytes as the guild's share of the table's size, growth per day from activity_daily), and events
// per hour by type and by zone (activity_hourly, activity_hourly_channel). One guild, or all.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Database, type Executor } from '../db/client.ts';
import { jobRuns, type JobRun } from './job-runs.ts';

export interface DatabaseHealth {
  kind: 'postgres' | 'pglite';
  reachable: boolean;
  latencyMs: number | null;
  error?: string;
  /** Postgres: this database's connections (Cairn's and others), and how many are busy now. */
  connections: { total: number; active: number; cairn: number } | null;
}

export interface OutboxHealth {
  backlog: number;
  /** Of the backlog, rows of paused guilds (they wait for the unpause). */
  paused: number;
  oldestPendingSeconds: number | null;
  failed: number;
  failuresByReason: { reason: string; count: number }[];
}

export interface LakeGuildHealth {
  guildId: string;
  rows: number;
  bytes: number;
  /** Events per local day, the last 7 days, oldest first. */
  perDay: { day: string; events: number }[];
  growthPerDay: number;
  bytesPerDay: number;
}

export interface LakeHealth {
  rows: number;
  bytes: number;
  /** Estimated from the catalog (pg_class.reltuples): no count(*). */
  estimatedRows: number;
  guilds: LakeGuildHealth[];
}

export interface HourlyEvents {
  byType: { hour: string; type: string; events: number }[];
  byZone: { hour: string; zone: string; events: number }[];
}

export interface RuleHealthSummary {
  guildId: string;
  errors24h: number;
  quarantined: { key: string; at: string; reason: string }[];
}

const guildFilter = (column: string, guildId: string | undefined): SQL => (guildId ? sql`AND ${sql.raw(column)} = ${guildId}` : sql``);

/** Reachable and how fast, within `timeoutMs`: a database that is gone is an answer, never a throw. */
export async function databaseHealth(database: Database, timeoutMs = 5_000): Promise<DatabaseHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      database.db.execute(sql`SELECT 1`),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
    ]);
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    let connections: DatabaseHealth['connections'] = null;
    if (database.kind === 'postgres') {
      const [c] = await queryRows<{ total: number; active: number; cairn: number }>(
        database.db,
        sql`SELECT count(*)::int AS total, count(*) FILTER (WHERE state = 'active')::int AS active, count(*) FILTER (WHERE application_name = 'cairn')::int AS cairn
            FROM pg_stat_activity WHERE datname = current_database()`,
      );
      connections = c ?? null;
    }
    return { kind: database.kind, reachable: true, latencyMs, connections };
  } catch (error) {
    return { kind: database.kind, reachable: false, latencyMs: null, error: error instanceof Error ? error.message : String(error), connections: null };
  } finally {
    clearTimeout(timer);
  }
}

export async function outboxHealth(db: Executor, guildId?: string): Promise<OutboxHealth> {
  const [pending] = await queryRows<{ backlog: number; paused: number; oldest: number | null }>(
    db,
    sql`SELECT count(*)::int AS backlog,
               count(*) FILTER (WHERE g.settings @> '{"paused": true}'::jsonb)::int AS paused,
               EXTRACT(EPOCH FROM now() - min(o.created_at))::float8 AS oldest
        FROM outbox o LEFT JOIN guilds g ON g.id = o.guild_id WHERE o.status = 'pending' ${guildFilter('o.guild_id', guildId)}`,
  );
  const reasons = await queryRows<{ reason: string; count: number }>(
    db,
    sql`SELECT COALESCE(last_error, 'unknown') AS reason, count(*)::int AS count FROM outbox
        WHERE status = 'failed' ${guildFilter('guild_id', guildId)} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20`,
  );
  return {
    backlog: Number(pending?.backlog ?? 0),
    paused: Number(pending?.paused ?? 0),
    oldestPendingSeconds: pending?.oldest == null ? null : Math.round(Number(pending.oldest)),
    failed: reasons.reduce((n, r) => n + Number(r.count), 0),
    failuresByReason: reasons.map((r) => ({ reason: r.reason, count: Number(r.count) })),
  };
}

export async function lakeHealth(db: Executor, now: Date, guildId?: string): Promise<LakeHealth> {
  const [table] = await queryRows<{ bytes: string | number; estimated: number; total: string | number }>(
    db,
    // The lake is partitioned by month: its size is its partitions' (and the key table's).
    sql`SELECT (COALESCE(sum(pg_total_relation_size(t.relid)), 0) + pg_total_relation_size('lake_event_keys'))::bigint AS bytes,
               COALESCE(sum(GREATEST(c.reltuples, 0)), 0)::float8 AS estimated,
               (SELECT COALESCE(sum(rows), 0) FROM lake_guild_stats)::bigint AS total
        FROM pg_partition_tree('lake_events') t JOIN pg_class c ON c.oid = t.relid WHERE t.isleaf`,
  );
  const bytes = Number(table?.bytes ?? 0);
  const total = Number(table?.total ?? 0);
  const bytesPerRow = total > 0 ? bytes / total : 0;
  const since = new Date(now.getTime() - 7 * 86_400_000).toISOString().slice(0, 10);
  const stats = await queryRows<{ g: string; rows: string | number }>(db, sql`SELECT guild_id::text AS g, rows FROM lake_guild_stats WHERE true ${guildFilter('guild_id', guildId)} ORDER BY rows DESC`);
  const days = await queryRows<{ g: string; day: string; n: string | number }>(
    db,
    sql`SELECT guild_id::text AS g, day::text AS day, sum(count)::bigint AS n FROM activity_daily WHERE day >= ${since}::date ${guildFilter('guild_id', guildId)} GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const perDay = new Map<string, { day: string; events: number }[]>();
  for (const d of days) {
    const list = perDay.get(d.g) ?? [];
    list.push({ day: d.day, events: Number(d.n) });
    perDay.set(d.g, list);
  }
  const guilds = stats.map((s) => {
    const rows = Number(s.rows);
    const series = perDay.get(s.g) ?? [];
    // Growth: the mean of the last 7 days (today counts, so a quiet morning does not read as zero growth).
    const growthPerDay = series.length === 0 ? 0 : Math.round(series.reduce((n, d) => n + d.events, 0) / 7);
    return { guildId: s.g, rows, bytes: Math.round(rows * bytesPerRow), perDay: series, growthPerDay, bytesPerDay: Math.round(growthPerDay * bytesPerRow) };
  });
  const rows = guildId ? guilds.reduce((n, g) => n + g.rows, 0) : total;
  return { rows, bytes: guildId ? guilds.reduce((n, g) => n + g.bytes, 0) : bytes, estimatedRows: Math.round(Number(table?.estimated ?? 0)), guilds };
}

export async function hourlyEvents(db: Executor, guildId: string, now: Date, hours = 24): Promise<HourlyEvents> {
  const since = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - (hours - 1) * 3_600_000).toISOString();
  const byType = await queryRows<{ hour: string | Date; type: string; n: number }>(
    db,
    sql`SELECT hour, event_type AS type, sum(count)::int AS n FROM activity_hourly WHERE guild_id = ${guildId} AND hour >= ${since}::timestamptz GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const byZone = await queryRows<{ hour: string | Date; zone: string; n: number }>(
    db,
    sql`SELECT a.hour, COALESCE(z.key, '(no zone)') AS zone, sum(a.count)::int AS n
        FROM activity_hourly_channel a
        LEFT JOIN LATERAL (SELECT key FROM zones z WHERE z.guild_id = a.guild_id AND a.channel_id::text = ANY(z.channel_ids) ORDER BY z.id LIMIT 1) z ON true
        WHERE a.guild_id = ${guildId} AND a.hour >= ${since}::timestamptz GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const iso = (v: string | Date) => new Date(v).toISOString();
  return {
    byType: byType.map((r) => ({ hour: iso(r.hour), type: r.type, events: Number(r.n) })),
    byZone: byZone.map((r) => ({ hour: iso(r.hour), zone: r.zone, events: Number(r.n) })),
  };
}

/** Rule errors of the last day and quarantined rules, per guild (those with any). */
export async function ruleHealth(db: Executor, now: Date, guildId?: string): Promise<RuleHealthSummary[]> {
  const since = new Date(now.getTime() - 86_400_000).toISOString();
  const errors = await queryRows<{ g: string; n: number }>(
    db,
    sql`SELECT guild_id::text AS g, count(*)::int AS n FROM rule_errors WHERE at >= ${since}::timestamptz ${guildFilter('guild_id', guildId)} GROUP BY 1`,
  );
  const quarantined = await queryRows<{ g: string; key: string; at: string | Date; reason: string | null }>(
    db,
    sql`SELECT guild_id::text AS g, key, quarantined_at AS at, quarantine_reason AS reason FROM rules WHERE quarantined_at IS NOT NULL ${guildFilter('guild_id', guildId)} ORDER BY quarantined_at DESC`,
  );
  const out = new Map<string, RuleHealthSummary>();
  const of = (g: string) => out.get(g) ?? out.set(g, { guildId: g, errors24h: 0, quarantined: [] }).get(g)!;
  for (const e of errors) of(e.g).errors24h = Number(e.n);
  for (const q of quarantined) of(q.g).quarantined.push({ key: q.key, at: new Date(q.at).toISOString(), reason: q.reason ?? '' });
  return [...out.values()].sort((a, b) => (a.guildId < b.guildId ? -1 : 1));
}

/** Scheduled jobs with how long ago they last ran. */
export async function jobHealth(db: Executor, now: Date): Promise<(JobRun & { lastRunAgeSeconds: number | null })[]> {
  return (await jobRuns(db)).map((j) => ({ ...j, lastRunAgeSeconds: j.lastStartedAt ? Math.round((now.getTime() - Date.parse(j.lastStartedAt)) / 1000) : null }));
}

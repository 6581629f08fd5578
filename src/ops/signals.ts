// The few numbers /healthz and /metrics carry (no guild ids: both are public): outbox backlog and
// failures, rule errors of the last day and quarantined rules, paused guilds, lake rows, and each
// job's last run age. Small-table reads only, shared by callers for a few seconds.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { jobHealth } from './health.ts';

export interface OpsSignals {
  outboxBacklog: number;
  outboxFailed: number;
  ruleErrors24h: number;
  rulesQuarantined: number;
  pausedGuilds: number;
  heldEvents: number;
  lakeRows: number;
  jobs: { name: string; lastRunAgeSeconds: number | null; lastOutcome: string | null }[];
}

export async function opsSignals(db: Executor, now: Date): Promise<OpsSignals> {
  const since = new Date(now.getTime() - 86_400_000).toISOString();
  const [row] = await queryRows<Record<string, string | number>>(
    db,
    sql`SELECT (SELECT count(*) FROM outbox WHERE status = 'pending')::bigint AS backlog,
               (SELECT count(*) FROM outbox WHERE status = 'failed')::bigint AS failed,
               (SELECT count(*) FROM rule_errors WHERE at >= ${since}::timestamptz)::bigint AS errors,
               (SELECT count(*) FROM rules WHERE quarantined_at IS NOT NULL)::bigint AS quarantined,
               (SELECT count(*) FROM guilds WHERE settings @> '{"paused": true}'::jsonb)::bigint AS paused,
               (SELECT count(*) FROM paused_events)::bigint AS held,
               (SELECT COALESCE(sum(rows), 0) FROM lake_guild_stats)::bigint AS lake`,
  );
  const n = (k: string) => Number(row?.[k] ?? 0);
  const jobs = (await jobHealth(db, now)).map((j) => ({ name: j.name, lastRunAgeSeconds: j.lastRunAgeSeconds, lastOutcome: j.lastOutcome }));
  return { outboxBacklog: n('backlog'), outboxFailed: n('failed'), ruleErrors24h: n('errors'), rulesQuarantined: n('quarantined'), pausedGuilds: n('paused'), heldEvents: n('held'), lakeRows: n('lake'), jobs };
}

/** One read shared by every caller within `ttlMs` (a scrape and a probe at once read once). */
export class SignalCache {
  #last: { at: number; value: OpsSignals } | undefined;
  #running: Promise<OpsSignals> | undefined;

  constructor(
    private readonly read: () => Promise<OpsSignals>,
    private readonly ttlMs = 5_000,
  ) {}

  async get(): Promise<OpsSignals> {
    if (this.#last && performance.now() - this.#last.at < this.ttlMs) return this.#last.value;
    this.#running ??= this.read()
      .then((value) => {
        this.#last = { at: performance.now(), value };
        return value;
      })
      .finally(() => (this.#running = undefined));
    return this.#running;
  }

  /**
   * For /healthz, which must answer at once even while the database is busy (PGlite runs one query
   * at a time, behind a request of 1,000 events): fresh signals, or a refresh that ends within
   * `waitMs`, else the last ones known (possibly older than the TTL), or none yet.
   */
  async recent(waitMs: number): Promise<OpsSignals | undefined> {
    if (this.#last && performance.now() - this.#last.at < this.ttlMs) return this.#last.value;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, waitMs, undefined)));
    try {
      return (await Promise.race([this.get().catch(() => undefined), late])) ?? this.#last?.value;
    } finally {
      clearTimeout(timer);
    }
  }
}

// The overview dashboard's question: events per day by type, currency minted and spent per day, top
// earners. One answer serves identical questions for a short while (OverviewAnswers), as several
// admins, a reload or a refreshing dashboard ask the same; the ledger scan is the expensive part.
// The reused answer is keyed by the guild's event counters for the window, read from the database
// at each request: an event committed by any process (another API or bot process) is seen at once.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';

/** How long a computed overview answers the same question again (it may miss that much activity). */
const OVERVIEW_REUSE_MS = 2000;

/**
 * Identical requests share one computation, and its answer serves the same question for
 * OVERVIEW_REUSE_MS after it is ready. On PGlite a computation never yields to the network between
 * its queries, so without reuse, requests arriving during one would each compute again.
 */
export class OverviewAnswers {
  readonly #entries = new Map<string, { answer: Promise<Overview>; readyAt?: number }>();

  async get(exec: Executor, guildId: string, days: number, now: Date): Promise<Overview> {
    // The window starts on a whole minute, so requests close in time ask the very same question.
    const since = new Date(Math.floor((now.getTime() - days * 86_400_000) / 60_000) * 60_000);
    const key = `${guildId}:${days}:${since.getTime()}:${await countersVersion(exec, guildId, since)}`;
    const stale = (e: { readyAt?: number }) => e.readyAt !== undefined && performance.now() - e.readyAt > OVERVIEW_REUSE_MS;
    const entry = this.#entries.get(key);
    if (entry && !stale(entry)) return entry.answer;
    for (const [k, e] of this.#entries) if (stale(e)) this.#entries.delete(k);
    const fresh: { answer: Promise<Overview>; readyAt?: number } = { answer: overview(exec, guildId, days, since) };
    fresh.answer.then(
      () => (fresh.readyAt = performance.now()),
      () => this.#entries.get(key) === fresh && this.#entries.delete(key),
    );
    this.#entries.set(key, fresh);
    return fresh.answer;
  }
}

/** A cheap fingerprint of the window's event counters (a few hundred rows on the guild+day index). */
async function countersVersion(exec: Executor, guildId: string, since: Date): Promise<string> {
  const [row] = await queryRows<{ v: string | null }>(
    exec,
    sql`SELECT concat_ws(':', count(*), sum(count)) AS v FROM event_counters_daily WHERE guild_id = ${guildId} AND day >= ${since.toISOString().slice(0, 10)}::date`,
  );
  return row?.v ?? '';
}

export type Overview = Awaited<ReturnType<typeof overview>>;

export async function overview(db: Executor, guildId: string, days: number, since: Date) {
  const sinceDay = since.toISOString().slice(0, 10);
  const events = await queryRows<{ day: string; type: string; n: string }>(
    db,
    sql`SELECT day::text, event_type AS type, sum(count)::text AS n FROM event_counters_daily
        WHERE guild_id = ${guildId} AND side = 'actor' AND day >= ${sinceDay}::date GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  // Aggregated per (day, currency id) before the join: a hash aggregate of few groups, no sort of
  // every transaction of the window.
  const money = await queryRows<{ day: string; currency: string; minted: string; burned: string }>(
    db,
    sql`SELECT a.day::text AS day, c.key AS currency, a.minted::text AS minted, a.burned::text AS burned
        FROM (SELECT (t.at AT TIME ZONE 'UTC')::date AS day, t.currency_id,
                     COALESCE(sum(t.delta) FILTER (WHERE t.delta > 0 AND t.source <> 'season_roll'), 0) AS minted,
                     COALESCE(-sum(t.delta) FILTER (WHERE t.delta < 0 AND t.source <> 'season_roll'), 0) AS burned
              FROM transactions t WHERE t.guild_id = ${guildId} AND t.at >= ${since.toISOString()}::timestamptz GROUP BY 1, 2) a
        JOIN currencies c ON c.id = a.currency_id ORDER BY 1, 2`,
  );
  const top = await queryRows<{ currency: string; user_id: string; name: string | null; balance: string }>(
    db,
    sql`SELECT c.key AS currency, w.user_id::text, m.display_name AS name, w.balance::text
        FROM currencies c CROSS JOIN LATERAL (
          SELECT user_id, balance FROM wallets w WHERE w.currency_id = c.id AND w.balance > 0 ORDER BY w.balance DESC NULLS LAST, w.user_id LIMIT 5
        ) w LEFT JOIN members m ON m.guild_id = c.guild_id AND m.user_id = w.user_id
        WHERE c.guild_id = ${guildId} ORDER BY c.display_order, c.key, w.balance DESC`,
  );
  const [totals] = await queryRows<{ members: number; events: string; milestones: number }>(
    db,
    sql`SELECT (SELECT count(DISTINCT user_id)::int FROM wallets WHERE guild_id = ${guildId}) AS members,
               (SELECT COALESCE(sum(count), 0)::text FROM event_counters_daily WHERE guild_id = ${guildId} AND side = 'actor' AND day >= ${sinceDay}::date) AS events,
               (SELECT count(*)::int FROM member_milestones WHERE guild_id = ${guildId}) AS milestones`,
  );
  const topEarners: Record<string, { userId: string; name: string | null; balance: number }[]> = {};
  for (const t of top) (topEarners[t.currency] ??= []).push({ userId: t.user_id, name: t.name, balance: Number(t.balance) });
  return {
    days,
    totals: { members: totals?.members ?? 0, events: Number(totals?.events ?? 0), milestonesEarned: totals?.milestones ?? 0 },
    eventsPerDay: events.map((e) => ({ day: e.day, type: e.type, count: Number(e.n) })),
    currencyPerDay: money.map((m) => ({ day: m.day, currency: m.currency, minted: Number(m.minted), burned: Number(m.burned) })),
    topEarners,
  };
}

// The support desk's service metrics: how long members wait for a first staff answer and for a
// resolution (median and 90th percentile, continuous, in whole seconds), per local week of the
// guild and per staff member, tickets opened and closed per week, and the backlog now.
// First responses count in the week the ticket was opened; resolutions in the week it was closed.
import { sql, type SQL } from 'drizzle-orm';
import { localMidnight } from '../analytics/time.ts';
import { weeksBack, type AnalyticsContext } from '../analytics/queries/context.ts';
import { queryRows, type Executor } from '../db/client.ts';

/** Seconds at the median and the 90th percentile of `count` samples (null when there are none). */
export interface Percentiles {
  count: number;
  p50: number | null;
  p90: number | null;
}

export interface WeekMetrics {
  /** Monday of the local week (YYYY-MM-DD). */
  week: string;
  /** The current week, still in progress. */
  partial: boolean;
  opened: number;
  closed: number;
  firstResponse: Percentiles;
  resolution: Percentiles;
}

export interface StaffMetrics {
  userId: string;
  /** Tickets they answered first (opened in the period). */
  firstResponse: Percentiles;
  /** Tickets they handled to the end (claimed by them, or closed by them unclaimed), closed in the period. */
  resolution: Percentiles;
  claimed: number;
}

export interface Backlog {
  open: number;
  claimed: number;
  waiting: number;
  total: number;
  /** Not yet answered by staff. */
  unanswered: number;
  oldestOpenedAt: string | null;
}

export interface TicketMetrics {
  timeZone: string;
  weeks: WeekMetrics[];
  staff: StaffMetrics[];
  backlog: Backlog;
}

interface Spread { key: string; n: number; p50: number | null; p90: number | null }

const EMPTY: Percentiles = { count: 0, p50: null, p90: null };
const seconds = (v: number | string | null) => (v === null ? null : Math.round(Number(v)));
const percentiles = (r: Spread | undefined): Percentiles => (r ? { count: r.n, p50: seconds(r.p50), p90: seconds(r.p90) } : EMPTY);

/** percentile_cont over `duration` (seconds) grouped by `key`, for the rows `from` selects. */
function spread(key: SQL, duration: SQL, from: SQL) {
  return sql`SELECT ${key} AS key, count(*)::int AS n,
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY ${duration}) AS p50,
                    percentile_cont(0.9) WITHIN GROUP (ORDER BY ${duration}) AS p90
             FROM tickets t WHERE ${from} GROUP BY 1`;
}

export async function ticketMetrics(exec: Executor, ctx: AnalyticsContext, weekCount: number): Promise<TicketMetrics> {
  const { current, weeks } = weeksBack(ctx, weekCount);
  const since = new Date(localMidnight(weeks[0]!, ctx.timeZone)).toISOString();
  const tz = ctx.timeZone;
  const g = ctx.guildId;
  const weekOf = (column: SQL) => sql`date_trunc('week', ${column} AT TIME ZONE ${tz})::date::text`;
  const firstResponse = sql`extract(epoch FROM t.first_response_at - t.opened_at)::float8`;
  const resolution = sql`extract(epoch FROM t.closed_at - t.opened_at)::float8`;
  const answered = sql`t.guild_id = ${g} AND t.first_response_at IS NOT NULL AND t.opened_at >= ${since}::timestamptz`;
  const closed = sql`t.guild_id = ${g} AND t.status = 'closed' AND t.closed_at >= ${since}::timestamptz`;
  // Who handled a closed ticket: whoever claimed it, else whoever closed it unless the member did.
  const handler = sql`COALESCE(t.claimed_by, NULLIF(t.closed_by, t.opener_id))::text`;

  const [frWeeks, resWeeks, opened, closedWeeks, frStaff, resStaff, claimed, backlog] = await Promise.all([
    queryRows<Spread>(exec, spread(weekOf(sql`t.opened_at`), firstResponse, answered)),
    queryRows<Spread>(exec, spread(weekOf(sql`t.closed_at`), resolution, closed)),
    queryRows<{ key: string; n: number }>(exec, sql`SELECT ${weekOf(sql`t.opened_at`)} AS key, count(*)::int AS n FROM tickets t WHERE t.guild_id = ${g} AND t.opened_at >= ${since}::timestamptz GROUP BY 1`),
    queryRows<{ key: string; n: number }>(exec, sql`SELECT ${weekOf(sql`t.closed_at`)} AS key, count(*)::int AS n FROM tickets t WHERE ${closed} GROUP BY 1`),
    queryRows<Spread>(exec, spread(sql`t.first_response_by::text`, firstResponse, sql`${answered} AND t.first_response_by IS NOT NULL`)),
    queryRows<Spread>(exec, spread(handler, resolution, sql`${closed} AND ${handler} IS NOT NULL`)),
    queryRows<{ key: string; n: number }>(exec, sql`SELECT t.claimed_by::text AS key, count(*)::int AS n FROM tickets t WHERE t.guild_id = ${g} AND t.claimed_by IS NOT NULL AND t.claimed_at >= ${since}::timestamptz GROUP BY 1`),
    queryRows<{ open: number; claimed: number; waiting: number; unanswered: number; oldest: string | null }>(
      exec,
      sql`SELECT count(*) FILTER (WHERE status = 'open')::int AS open, count(*) FILTER (WHERE status = 'claimed')::int AS claimed,
                 count(*) FILTER (WHERE status = 'waiting')::int AS waiting, count(*) FILTER (WHERE first_response_at IS NULL)::int AS unanswered,
                 min(opened_at)::text AS oldest
          FROM tickets WHERE guild_id = ${g} AND status <> 'closed'`,
    ),
  ]);

  const byKey = <R extends { key: string }>(rows: R[]) => new Map(rows.map((r) => [r.key, r]));
  const [frW, resW, openedW, closedW] = [byKey(frWeeks), byKey(resWeeks), byKey(opened), byKey(closedWeeks)];
  const [frS, resS, claimedS] = [byKey(frStaff), byKey(resStaff), byKey(claimed)];
  const staffIds = [...new Set([...frS.keys(), ...resS.keys(), ...claimedS.keys()])];
  const b = backlog[0]!;
  return {
    timeZone: tz,
    weeks: weeks.map((week) => ({
      week, partial: week === current, opened: openedW.get(week)?.n ?? 0, closed: closedW.get(week)?.n ?? 0,
      firstResponse: percentiles(frW.get(week)), resolution: percentiles(resW.get(week)),
    })),
    staff: staffIds
      .map((userId) => ({ userId, firstResponse: percentiles(frS.get(userId)), resolution: percentiles(resS.get(userId)), claimed: claimedS.get(userId)?.n ?? 0 }))
      .sort((x, y) => y.resolution.count - x.resolution.count || y.firstResponse.count - x.firstResponse.count || x.userId.localeCompare(y.userId)),
    backlog: { open: b.open, claimed: b.claimed, waiting: b.waiting, total: b.open + b.claimed + b.waiting, unanswered: b.unanswered, oldestOpenedAt: b.oldest ? new Date(b.oldest).toISOString() : null },
  };
}

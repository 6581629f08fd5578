// Monthly active members and cohort retention.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { localDay } from '../../milestones/requirements.ts';
import { monthOf } from '../time.ts';
import type { AnalyticsContext } from './context.ts';

export async function retention(exec: Executor, ctx: AnalyticsContext, months: number) {
  const thisMonth = monthOf(localDay(ctx.now, ctx.timeZone));
  const start = new Date(`${thisMonth}T00:00:00.000Z`);
  start.setUTCMonth(start.getUTCMonth() - (months - 1));
  const since = start.toISOString().slice(0, 10);
  const cells = await queryRows<{ cohort: string; month: string; n: number }>(
    exec,
    sql`SELECT cohort_month::text cohort, month::text, members n FROM cohort_activity
        WHERE guild_id = ${ctx.guildId} AND month >= ${since}::date AND month <= ${thisMonth}::date ORDER BY 1, 2`,
  );
  // Monthly actives: every active member has a cohort, so a month's actives are its column's sum.
  const monthly = new Map<string, number>();
  const table = new Map<string, number[]>();
  const monthIndex = (from: string, to: string) => (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
  for (const c of cells) {
    monthly.set(c.month, (monthly.get(c.month) ?? 0) + c.n);
    if (c.cohort < since || c.month < c.cohort) continue;
    let active = table.get(c.cohort);
    if (!active) table.set(c.cohort, (active = []));
    active[monthIndex(c.cohort, c.month)] = c.n;
  }
  const cohorts = [...table.entries()].map(([cohort, sparse]) => {
    const size = sparse[0] ?? 0;
    const active = Array.from({ length: monthIndex(cohort, thisMonth) + 1 }, (_, i) => sparse[i] ?? 0);
    return { cohort, size, active, rates: active.map((n) => (size ? Math.round((n / size) * 1000) / 1000 : 0)) };
  });
  return { monthlyActive: [...monthly.entries()].map(([month, members]) => ({ month, members })), cohorts };
}

// New members stuck in onboarding: joined in the period, still here, not completed, and no
// progress for the flow's `stuck_after_hours`; each with the step they are at (the first step not
// done, in the flow's order). Keyset pages (a cursor), three orders, and the count per step.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import type { OnboardingSettings } from './settings.ts';
import type { JoinRange } from './range.ts';
import { withoutJit } from './no-jit.ts';
import { maskOf, maskOfGroup, stepAtSql, STEPS_JOIN } from './step-mask.ts';

export const STUCK_SORTS = ['idle', 'joined', 'newest'] as const;
export type StuckSort = (typeof STUCK_SORTS)[number];

/** idle: longest without progress first; joined: earliest joiner first; newest: latest joiner first. */
const ORDER: Record<StuckSort, { column: 'last_progress_at' | 'joined_at'; desc: boolean }> = {
  idle: { column: 'last_progress_at', desc: false },
  joined: { column: 'joined_at', desc: false },
  newest: { column: 'joined_at', desc: true },
};

export interface StuckQuery {
  /** Only members at this step (its key). */
  step?: string | undefined;
  sort: StuckSort;
  limit: number;
  cursor?: string | undefined;
}

export interface StuckMember {
  userId: string;
  /** The key of the step they are at; null when every step is done and completion is pending. */
  step: string | null;
  stepLabel: string | null;
  joinedAt: string;
  lastProgressAt: string;
  daysSinceJoining: number;
  hoursWithoutProgress: number;
  stepsDone: number;
}

export interface StuckPage {
  stuckAfterHours: number;
  /** Every stuck member of the period (all steps), and how many are at each step. */
  total: number;
  byStep: { step: string | null; label: string | null; members: number }[];
  members: StuckMember[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

export type CursorResult = { ok: true; value: [string, string] | null } | { ok: false };

/** A cursor is the last row's sort value and user id, base64url JSON; anything else is refused. */
export function readCursor(cursor: string | undefined): CursorResult {
  if (cursor === undefined) return { ok: true, value: null };
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])) && typeof v[1] === 'string' && /^[0-9]{1,20}$/.test(v[1])) return { ok: true, value: [v[0], v[1]] };
  } catch {
    // falls through: not a cursor
  }
  return { ok: false };
}
const writeCursor = (at: string, userId: string) => Buffer.from(JSON.stringify([at, userId])).toString('base64url');

const popcount = (n: number) => n.toString(2).replace(/0/g, '').length;

/** The stuck members of a period. `cursor` must have been checked with readCursor. */
export async function stuckMembers(exec: Executor, guildId: string, flow: OnboardingSettings, range: JoinRange, now: Date, query: StuckQuery): Promise<StuckPage> {
  const steps = flow.steps;
  const cutoff = new Date(now.getTime() - flow.stuck_after_hours * 3_600_000);
  const open = sql`m.guild_id = ${guildId} AND m.completed_at IS NULL AND m.left_at IS NULL
    AND m.last_progress_at <= ${cutoff.toISOString()}::timestamptz
    AND m.joined_at >= ${range.start.toISOString()}::timestamptz AND m.joined_at < ${range.end.toISOString()}::timestamptz`;
  const stepIndex = query.step === undefined ? undefined : steps.findIndex((s) => s.key === query.step);

  const [counts, page] = await withoutJit(exec, async (tx) => [await countByStep(tx, guildId, flow, open), await pageOf(tx, guildId, flow, open, query, stepIndex)] as const);
  const total = counts.reduce((n, c) => n + c.n, 0);
  const byStep = [...steps.map((s, i) => ({ step: s.key, label: s.label, members: counts.find((c) => c.at === i)?.n ?? 0 })), ...(steps.length === 0 || counts.some((c) => c.at === null) ? [{ step: null, label: null, members: counts.find((c) => c.at === null)?.n ?? 0 }] : [])];
  const more = page.length > query.limit;
  const rows = more ? page.slice(0, query.limit) : page;
  const order = ORDER[query.sort];
  const last = rows.at(-1);
  return {
    stuckAfterHours: flow.stuck_after_hours,
    total,
    byStep,
    members: rows.map((r) => {
      const step = r.at === null ? null : (steps[r.at] ?? null);
      return {
        userId: r.user_id,
        step: step?.key ?? null,
        stepLabel: step?.label ?? null,
        joinedAt: new Date(r.joined_at).toISOString(),
        lastProgressAt: new Date(r.last_progress_at).toISOString(),
        daysSinceJoining: Math.floor((now.getTime() - new Date(r.joined_at).getTime()) / 86_400_000),
        hoursWithoutProgress: Math.floor((now.getTime() - new Date(r.last_progress_at).getTime()) / 3_600_000),
        stepsDone: popcount(r.mask),
      };
    }),
    nextCursor: more && last ? writeCursor(new Date(order.column === 'joined_at' ? last.joined_at : last.last_progress_at).toISOString(), last.user_id) : null,
  };
}

interface PageRow { user_id: string; joined_at: string | Date; last_progress_at: string | Date; mask: number; at: number | null }

async function pageOf(exec: Executor, guildId: string, flow: OnboardingSettings, open: SQL, query: StuckQuery, stepIndex: number | undefined): Promise<PageRow[]> {
  // A step the flow does not have: nobody is at it.
  if (stepIndex === -1) return [];
  const order = ORDER[query.sort];
  const column = sql.raw(`m.${order.column}`);
  const cursor = readCursor(query.cursor);
  const after = cursor.ok && cursor.value
    ? sql`AND (${column}, m.user_id) ${sql.raw(order.desc ? '<' : '>')} (${cursor.value[0]}::timestamptz, ${cursor.value[1]}::bigint)`
    : sql``;
  const dir = sql.raw(order.desc ? 'DESC' : 'ASC');
  const at = stepAtSql(flow.steps, sql`k.mask`);
  // The members are walked in page order (an index serves it) and their steps looked up one by
  // one, so the first page of a big guild reads little; a step filter reads on until the page is
  // full. OFFSET 0 keeps the lookup one per member (else it is inlined into each arm of the CASE).
  return queryRows<PageRow>(
    exec,
    sql`SELECT m.user_id::text AS user_id, m.joined_at, m.last_progress_at, k.mask, ${at} AS at
        FROM onboarding_members m CROSS JOIN LATERAL (SELECT ${maskOf(guildId, flow.steps)} AS mask OFFSET 0) k
        WHERE ${open} ${after} ${stepIndex === undefined ? sql`` : sql`AND ${at} = ${stepIndex}::int`}
        ORDER BY ${column} ${dir}, m.user_id ${dir} LIMIT ${query.limit + 1}`,
  );
}

/** How many stuck members are at each step (index; null: all steps done). */
async function countByStep(exec: Executor, guildId: string, flow: OnboardingSettings, open: SQL): Promise<{ at: number | null; n: number }[]> {
  const steps = flow.steps;
  if (steps.length === 0) {
    const rows = await queryRows<{ n: number }>(exec, sql`SELECT count(*)::int AS n FROM onboarding_members m WHERE ${open}`);
    return [{ at: null, n: rows[0]?.n ?? 0 }];
  }
  const rows = await queryRows<{ at: number | null; n: number }>(
    exec,
    sql`SELECT ${stepAtSql(steps, sql`x.mask`)} AS at, count(*)::int AS n FROM (
          SELECT ${maskOfGroup(steps)} AS mask FROM onboarding_members m ${STEPS_JOIN} WHERE ${open} GROUP BY m.guild_id, m.user_id
        ) x GROUP BY 1`,
  );
  return rows.map((r) => ({ at: r.at === null ? null : Number(r.at), n: Number(r.n) }));
}

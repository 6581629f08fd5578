// The onboarding funnel of a period: members who joined → were welcomed → did each checklist step
// (in the flow's order) → completed, overall and per local week of joining, with conversions; those
// who left before completing are counted apart. One aggregate pass over the period's members.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import type { OnboardingSettings } from './settings.ts';
import { weeksOf, type JoinRange } from './range.ts';
import { withoutJit } from './no-jit.ts';
import { maskOfGroup, prefixBits, stepBit, STEPS_JOIN } from './step-mask.ts';

export interface FunnelStage {
  /** joined, welcomed, step:<key>, completed */
  key: string;
  kind: 'joined' | 'welcomed' | 'step' | 'completed';
  label: string;
  /** Members who reached the stage: for a step, that step and every step before it done. */
  members: number;
  /** For a step: members who did this step, in whatever order. */
  didStep: number | null;
  /** members ÷ joined (0–1, 4 decimals), null when nobody joined. */
  ofJoined: number | null;
  /** members ÷ the stage before on the way to completion (the welcome is beside that way: its own is ÷ joined). */
  ofPrevious: number | null;
}

export interface FunnelWeek {
  /** Monday of the local week of joining. */
  week: string;
  joined: number;
  /** Per stage, aligned with the answer's `stages`: members who reached it. */
  stages: number[];
  left: number;
}

export interface Funnel {
  from: string;
  to: string;
  timeZone: string;
  stages: FunnelStage[];
  /** Joined in the period and left before completing. */
  left: number;
  /** Joined, still here, not completed. */
  inProgress: number;
  weeks: FunnelWeek[];
}

const rate = (n: number, of: number) => (of === 0 ? null : Math.round((n / of) * 10_000) / 10_000);

interface Row { week: string; joined: number; welcomed: number; completed: number; left: number; [k: `r${number}` | `d${number}`]: number }

export async function onboardingFunnel(exec: Executor, guildId: string, flow: OnboardingSettings, range: JoinRange): Promise<Funnel> {
  const steps = flow.steps;
  const perStep: SQL[] = steps.flatMap((_, i) => [
    sql`, count(*) FILTER (WHERE x.mask & ${stepBit(i)}::int <> 0)::int AS ${sql.raw(`d${i}`)}`,
    sql`, count(*) FILTER (WHERE x.mask & ${prefixBits(i)}::int = ${prefixBits(i)}::int)::int AS ${sql.raw(`r${i}`)}`,
  ]);
  const rows = await withoutJit(exec, (tx) => queryRows<Row>(
    tx,
    sql`SELECT week, count(*)::int AS joined, count(welcomed_at)::int AS welcomed, count(completed_at)::int AS completed,
               count(*) FILTER (WHERE left_at IS NOT NULL AND completed_at IS NULL)::int AS "left"${sql.join(perStep, sql``)}
        FROM (
          SELECT date_trunc('week', m.joined_at AT TIME ZONE ${range.timeZone})::date::text AS week, m.welcomed_at, m.completed_at, m.left_at, ${maskOfGroup(steps)} AS mask
          FROM onboarding_members m ${steps.length === 0 ? sql`` : STEPS_JOIN}
          WHERE m.guild_id = ${guildId} AND m.joined_at >= ${range.start.toISOString()}::timestamptz AND m.joined_at < ${range.end.toISOString()}::timestamptz
          GROUP BY m.guild_id, m.user_id
        ) x GROUP BY week ORDER BY week`,
  ));
  return shape(flow, range, rows);
}

function shape(flow: OnboardingSettings, range: JoinRange, rows: Row[]): Funnel {
  const withWelcome = flow.welcome.enabled;
  const sum = (f: (r: Row) => number) => rows.reduce((n, r) => n + Number(f(r)), 0);
  const stageCounts = (pick: (f: (r: Row) => number) => number) => [
    pick((r) => r.joined),
    ...(withWelcome ? [pick((r) => r.welcomed)] : []),
    ...flow.steps.map((_, i) => pick((r) => r[`r${i}`] ?? 0)),
    pick((r) => r.completed),
  ];
  const joined = sum((r) => r.joined);
  const completed = sum((r) => r.completed);
  const left = sum((r) => r.left);
  const counts = stageCounts(sum);
  const labels: Pick<FunnelStage, 'key' | 'kind' | 'label' | 'didStep'>[] = [
    { key: 'joined', kind: 'joined', label: 'Joined', didStep: null },
    ...(withWelcome ? [{ key: 'welcomed', kind: 'welcomed' as const, label: 'Welcomed', didStep: null }] : []),
    ...flow.steps.map((s, i) => ({ key: `step:${s.key}`, kind: 'step' as const, label: s.label, didStep: sum((r) => r[`d${i}`] ?? 0) })),
    { key: 'completed', kind: 'completed', label: 'Completed', didStep: null },
  ];
  let previous = joined;
  const stages = labels.map((l, i) => {
    const members = counts[i]!;
    const before = l.kind === 'welcomed' ? joined : previous;
    if (l.kind !== 'welcomed' && l.kind !== 'joined') previous = members;
    return { ...l, members, ofJoined: rate(members, joined), ofPrevious: l.kind === 'joined' ? null : rate(members, before) };
  });
  const byWeek = new Map(rows.map((r) => [r.week, r]));
  const weeks = weeksOf(range).map((week) => {
    const r = byWeek.get(week);
    return { week, joined: r?.joined ?? 0, stages: stageCounts((f) => (r ? Number(f(r)) : 0)), left: r?.left ?? 0 };
  });
  return { from: range.from, to: range.to, timeZone: range.timeZone, stages, left, inProgress: joined - completed - left, weeks };
}

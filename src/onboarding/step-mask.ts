// Which checklist steps a member has done, as one integer per member (bit i = the flow's step i),
// computed in SQL so that the funnel and the stuck list count 50,000 members in one pass. A
// questionnaire step also counts as done when the member's answers are in (answered_at).
import { sql, type SQL } from 'drizzle-orm';
import type { OnboardingSettings } from './settings.ts';

export type FlowStep = OnboardingSettings['steps'][number];

const bit = (i: number) => 1 << i;

/** Bits of the steps in order: 1, 3, 7… (steps 0..i all done). */
export const prefixBits = (i: number) => bit(i + 1) - 1;
export const stepBit = bit;

/** `bit_or(CASE step WHEN 'a' THEN 1 …)` over onboarding_steps rows aliased `s`. */
function stepBits(steps: readonly FlowStep[]): SQL {
  const cases = sql.join(steps.map((s, i) => sql`WHEN ${s.key} THEN ${bit(i)}::int`), sql` `);
  return sql`bit_or(CASE s.step ${cases} ELSE 0 END)`;
}

/** The bits of questionnaire steps (done once answered). */
export function questionnaireBits(steps: readonly FlowStep[]): number {
  return steps.reduce((bits, s, i) => (s.kind === 'questionnaire' ? bits | bit(i) : bits), 0);
}

/**
 * The step mask of a member row aliased `m` (with guild_id, user_id, answered_at): a correlated
 * lookup through onboarding_steps' primary key, for one page of members.
 */
export function maskOf(guildId: string, steps: readonly FlowStep[]): SQL {
  if (steps.length === 0) return sql`0`;
  const q = questionnaireBits(steps);
  const answered = q === 0 ? sql`0` : sql`CASE WHEN m.answered_at IS NOT NULL THEN ${q}::int ELSE 0 END`;
  return sql`(COALESCE((SELECT ${stepBits(steps)} FROM onboarding_steps s WHERE s.guild_id = ${guildId} AND s.user_id = m.user_id AND s.step IN (${sql.join(steps.map((s) => sql`${s.key}`), sql`, `)})), 0) | ${answered})`;
}

/** Joins each member row `m` to its step rows `s`; group by m.guild_id, m.user_id and read maskOfGroup. */
export const STEPS_JOIN = sql`LEFT JOIN onboarding_steps s ON s.guild_id = m.guild_id AND s.user_id = m.user_id`;

/**
 * The step mask of a member grouped over STEPS_JOIN: one pass that Postgres can run as a merge of
 * the two primary keys, for aggregates over every member of a period.
 */
export function maskOfGroup(steps: readonly FlowStep[]): SQL {
  if (steps.length === 0) return sql`0`;
  const q = questionnaireBits(steps);
  const answered = q === 0 ? sql`0` : sql`CASE WHEN m.answered_at IS NOT NULL THEN ${q}::int ELSE 0 END`;
  return sql`(COALESCE(${stepBits(steps)}, 0) | ${answered})`;
}

/** The index of the first step not done (the step a member is at), or null when all are done. */
export function stepAtSql(steps: readonly FlowStep[], mask: SQL): SQL {
  if (steps.length === 0) return sql`NULL::int`;
  const cases = sql.join(steps.map((_, i) => sql`WHEN ${mask} & ${bit(i)}::int = 0 THEN ${i}::int`), sql` `);
  return sql`(CASE ${cases} ELSE NULL END)::int`;
}

/** The same in TypeScript, for one member's mask. */
export function stepAt(steps: readonly FlowStep[], mask: number): number | null {
  const i = steps.findIndex((_, j) => (mask & bit(j)) === 0);
  return i < 0 ? null : i;
}

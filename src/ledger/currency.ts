// Currencies and their optional level curves. Every number of a curve is bounded (config/ranges.ts)
// and every walk over levels stops at MAX_LEVEL, so no curve can loop or overflow a column.
import { z } from 'zod';
import { boundedNumber, Level, MAX_BALANCE, MAX_CURVE_FACTOR, MAX_LEVEL, Order, wholeNumber } from '../config/ranges.ts';
import { DisplayName } from '../config/text.ts';

const RoleId = z.string().regex(/^([0-9]{1,20}|\{\{role:[a-z0-9_-]+\}\})$/, 'must be a role id (digits) or a placeholder like {{role:name}}');

const curveCommon = {
  start_level: Level().default(1),
  max_levels_per_event: wholeNumber(1, 1000).default(1),
  based_on: z.enum(['lifetime', 'balance']).default('lifetime'),
  /** Roles given at levels. */
  rewards: z.array(z.object({ level: Level(), role: RoleId }).strict()).max(100).default([]),
  /** stack: keep every reward reached; replace: only the highest reached. */
  rewards_mode: z.enum(['stack', 'replace']).default('stack'),
};

/**
 * A level curve says how much of the currency leaves each level. thresholdFor(L) is the total a
 * member must hold (lifetime earned by default) to advance from level L to L + 1.
 */
export const LevelCurveSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('exponential'),
    /** thresholdFor(L) = trunc(base × factor^L) — Synapse's curve: base 100, factor 1.25. */
    base: boundedNumber(0, MAX_BALANCE, { exclusiveMin: true }),
    factor: boundedNumber(0, MAX_CURVE_FACTOR, { exclusiveMin: true }),
    ...curveCommon,
  }),
  z.object({
    kind: z.literal('polynomial'),
    /** Cost of level L → L+1 = Σ coefficients[i]·L^i (e.g. [100, 50, 5] for 5L²+50L+100), summed from start_level. */
    coefficients: z.array(boundedNumber(-MAX_BALANCE, MAX_BALANCE)).min(1).max(6),
    ...curveCommon,
    start_level: Level().default(0),
  }),
  z.object({
    kind: z.literal('table'),
    /** thresholds[i] = total needed to reach level start_level + i + 1; beyond the table, no more levels. */
    thresholds: z.array(wholeNumber(1, MAX_BALANCE)).min(1).max(1000),
    ...curveCommon,
  }),
]);

export type LevelCurve = z.output<typeof LevelCurveSchema>;

export const CurrencySchema = z
  .object({
    key: z.string().min(1).max(32).regex(/^[a-z][a-z0-9_]*$/, 'must be lowercase letters, digits and _, starting with a letter'),
    name: DisplayName(64),
    symbol: z.string().max(16).default(''),
    spendable: z.boolean().default(false),
    seasonal: z.boolean().default(false),
    allow_negative: z.boolean().default(false),
    level_curve: LevelCurveSchema.nullable().default(null),
    display_order: Order().default(0),
  })
  .strict();

export type CurrencyInput = z.input<typeof CurrencySchema>;
export type Currency = z.output<typeof CurrencySchema>;

export function thresholdFor(curve: LevelCurve, level: number): number {
  if (!(level <= MAX_LEVEL)) return Number.POSITIVE_INFINITY;
  switch (curve.kind) {
    case 'exponential':
      return Math.trunc(curve.base * Math.pow(curve.factor, level));
    case 'polynomial': {
      let total = 0;
      for (let l = curve.start_level; l <= level; l++) total += polynomialStep(curve.coefficients, l);
      return total;
    }
    case 'table':
      return curve.thresholds[level - curve.start_level] ?? Number.POSITIVE_INFINITY;
  }
}

/** Cost of the polynomial level L → L+1. */
const polynomialStep = (coefficients: number[], l: number) => coefficients.reduce((sum, c, i) => sum + c * Math.pow(l, i), 0);

/**
 * thresholdFor(level), thresholdFor(level + 1), … one per call, computed incrementally (a
 * polynomial curve sums its steps once, not once per level). Beyond MAX_LEVEL every threshold is
 * unreachable (Infinity), so every walk over levels ends.
 */
export function thresholdWalk(curve: LevelCurve, level: number): () => number {
  let current = level;
  if (curve.kind !== 'polynomial') return () => thresholdFor(curve, current++);
  let total = thresholdFor(curve, level - 1);
  return () => {
    if (!(current <= MAX_LEVEL)) return Number.POSITIVE_INFINITY;
    if (current >= curve.start_level) total += polynomialStep(curve.coefficients, current);
    current++;
    return total;
  };
}

/** Levels gained by holding `total` at `level`, at most max_levels_per_event at once, never beyond MAX_LEVEL. */
export function levelAfter(curve: LevelCurve, level: number, total: number, alreadyGained = 0): number {
  if (alreadyGained >= curve.max_levels_per_event || !(level < MAX_LEVEL) || total < thresholdFor(curve, level)) return level;
  const next = thresholdWalk(curve, level);
  let current = level;
  let gained = alreadyGained;
  while (gained < curve.max_levels_per_event && current < MAX_LEVEL && total >= next()) {
    current++;
    gained++;
  }
  return current;
}

/** The level a total reaches with no per-event limit (for retroactive re-sync and displays). */
export function levelForTotal(curve: LevelCurve, total: number): number {
  let level = curve.start_level;
  const next = thresholdWalk(curve, level);
  while (level < MAX_LEVEL && total >= next()) level++;
  return level;
}

/** The reward roles a member at `level` should hold, and those of the curve they should not. */
export function rewardRoles(curve: LevelCurve, level: number): { hold: string[]; drop: string[] } {
  const reached = curve.rewards.filter((r) => r.level <= level).sort((a, b) => a.level - b.level);
  const all = [...new Set(curve.rewards.map((r) => r.role))];
  const hold = curve.rewards_mode === 'stack' ? [...new Set(reached.map((r) => r.role))] : reached.length > 0 ? [reached[reached.length - 1]!.role] : [];
  return { hold, drop: all.filter((r) => !hold.includes(r)) };
}

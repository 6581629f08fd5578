// Currencies and their optional level curves.
import { z } from 'zod';
import { DisplayName } from '../config/text.ts';

const RoleId = z.string().regex(/^([0-9]{1,20}|\{\{role:[a-z0-9_-]+\}\})$/, 'must be a role id (digits) or a placeholder like {{role:name}}');

const curveCommon = {
  start_level: z.number().int().min(0).default(1),
  max_levels_per_event: z.number().int().min(1).max(1000).default(1),
  based_on: z.enum(['lifetime', 'balance']).default('lifetime'),
  /** Roles given at levels. */
  rewards: z.array(z.object({ level: z.number().int().min(0), role: RoleId }).strict()).max(100).default([]),
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
    base: z.number().positive(),
    factor: z.number().positive(),
    ...curveCommon,
  }),
  z.object({
    kind: z.literal('polynomial'),
    /** Cost of level L → L+1 = Σ coefficients[i]·L^i (e.g. [100, 50, 5] for 5L²+50L+100), summed from start_level. */
    coefficients: z.array(z.number()).min(1).max(6),
    ...curveCommon,
    start_level: z.number().int().min(0).default(0),
  }),
  z.object({
    kind: z.literal('table'),
    /** thresholds[i] = total needed to reach level start_level + i + 1; beyond the table, no more levels. */
    thresholds: z.array(z.number().int().positive()).min(1).max(1000),
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
    display_order: z.number().int().default(0),
  })
  .strict();

export type CurrencyInput = z.input<typeof CurrencySchema>;
export type Currency = z.output<typeof CurrencySchema>;

export function thresholdFor(curve: LevelCurve, level: number): number {
  switch (curve.kind) {
    case 'exponential':
      return Math.trunc(curve.base * Math.pow(curve.factor, level));
    case 'polynomial': {
      let total = 0;
      for (let l = curve.start_level; l <= level; l++) total += curve.coefficients.reduce((sum, c, i) => sum + c * Math.pow(l, i), 0);
      return total;
    }
    case 'table': {
      const t = curve.thresholds[level - curve.start_level];
      return t === undefined ? Number.POSITIVE_INFINITY : t;
    }
  }
}

/** Levels gained by holding `total` at `level`, at most max_levels_per_event at once. */
export function levelAfter(curve: LevelCurve, level: number, total: number, alreadyGained = 0): number {
  let current = level;
  let gained = alreadyGained;
  while (gained < curve.max_levels_per_event && total >= thresholdFor(curve, current)) {
    current++;
    gained++;
  }
  return current;
}

/** The level a total reaches with no per-event limit (for retroactive re-sync and displays). */
export function levelForTotal(curve: LevelCurve, total: number): number {
  let level = curve.start_level;
  while (level < 100_000 && total >= thresholdFor(curve, level)) level++;
  return level;
}

/** The reward roles a member at `level` should hold, and those of the curve they should not. */
export function rewardRoles(curve: LevelCurve, level: number): { hold: string[]; drop: string[] } {
  const reached = curve.rewards.filter((r) => r.level <= level).sort((a, b) => a.level - b.level);
  const all = [...new Set(curve.rewards.map((r) => r.role))];
  const hold = curve.rewards_mode === 'stack' ? [...new Set(reached.map((r) => r.role))] : reached.length > 0 ? [reached[reached.length - 1]!.role] : [];
  return { hold, drop: all.filter((r) => !hold.includes(r)) };
}

// Level checks on the engine's hot path: a member's curved currency rose, so may they level up?
// Almost always not, so the threshold of their current level is looked up (cached per curve)
// before the full walk in ledger/currency.ts is asked for.
import { thresholdFor, type LevelCurve } from '../ledger/currency.ts';

/** Thresholds per curve object, by level (a compiled config keeps its curves for its lifetime). */
const thresholds = new WeakMap<LevelCurve, number[]>();

/** The curve asked about last and its thresholds: a guild's rules credit one curved currency or two. */
let lastCurve: LevelCurve | undefined;
let lastThresholds: number[] = [];

/** thresholdFor(curve, level), computed once per curve and level. */
export function cachedThreshold(curve: LevelCurve, level: number): number {
  let byLevel = curve === lastCurve ? lastThresholds : thresholds.get(curve);
  if (!byLevel) thresholds.set(curve, (byLevel = []));
  lastCurve = curve;
  lastThresholds = byLevel;
  // Only whole levels in a sane range are cached; anything else is computed as it comes.
  if (!(Number.isInteger(level) && level >= 0 && level <= 10_000)) return thresholdFor(curve, level);
  let value = byLevel[level];
  if (value === undefined) byLevel[level] = value = thresholdFor(curve, level);
  return value;
}

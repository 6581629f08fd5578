// Where a member stands on a currency's level curve: the level, the totals where it starts and
// ends, and the fraction done (for progress bars on the leaderboard, the public page and cards).
import { LevelCurveSchema, thresholdFor, type LevelCurve } from './currency.ts';

export interface LevelProgress {
  level: number;
  /** The total at which this level began (0 at the curve's first level). */
  levelStartsAt: number;
  /** The total that leaves this level; null past the end of a table or MAX_LEVEL. */
  nextLevelAt: number | null;
  /** 0…1 of the way from levelStartsAt to nextLevelAt; 1 when there is no next level. */
  progress: number;
}

/** The curve stored on a currency row, or null when it has none (or an unreadable one). */
export function storedCurve(value: unknown): LevelCurve | null {
  if (!value) return null;
  const parsed = LevelCurveSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The total a curve counts: the balance or what was earned over all time. */
export const curveTotal = (curve: LevelCurve, wallet: { balance: number; lifetimeEarned: number }) => (curve.based_on === 'balance' ? wallet.balance : wallet.lifetimeEarned);

/** Progress of a member at `level` (the wallet's stored level, else the curve's first) holding `total`. */
export function levelProgress(curve: LevelCurve, level: number | null, total: number): LevelProgress {
  const at = level ?? curve.start_level;
  const next = thresholdFor(curve, at);
  const start = at > curve.start_level ? thresholdFor(curve, at - 1) : 0;
  const nextLevelAt = Number.isFinite(next) ? next : null;
  const span = nextLevelAt === null ? 0 : nextLevelAt - start;
  const progress = nextLevelAt === null ? 1 : span <= 0 ? 0 : Math.min(1, Math.max(0, (total - start) / span));
  return { level: at, levelStartsAt: Number.isFinite(start) ? start : 0, nextLevelAt, progress };
}

// Level checks on the engine's hot path: a member's curved currency rose, so may they level up?
// Almost always not, so the threshold of their current level is looked up (cached per curve)
// before the full walk in ledger/currency.ts is asked for.
import { levelAfter, rewardRoles, thresholdFor, type LevelCurve } from '../ledger/currency.ts';
import type { EvalContext } from './context.ts';
import type { Evaluator } from './engine.ts';

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

/**
 * Levels: a member whose curved currency rose may gain levels — at most max_levels_per_event per
 * root event, however many rules and chained events credited it.
 */
export function checkLevels(ev: Evaluator, ctx: EvalContext): void {
  const credited = ev.credited;
  const count = ev.creditedCount;
  if (count === 0) return;
  // Nothing below marks a member credited (markCredited runs only after a rule), so the list is
  // walked in place and emptied for the next check.
  for (let i = 0; i < count; i++) {
    const { userId, currency, wallet } = credited[i]!;
    const curve = currency.level_curve!;
    const before = wallet.level ?? curve.start_level;
    const total = curve.based_on === 'balance' ? wallet.balance : wallet.lifetimeEarned;
    // Most credits reach no new level: levelAfter would return `before` for them.
    if (total < cachedThreshold(curve, before)) continue;
    const key = `${userId}:${currency.id}`;
    const gained = ev.levelsGained?.get(key) ?? 0;
    const after = levelAfter(curve, before, total, gained);
    if (after === before) continue;
    wallet.level = after;
    (ev.levelsGained ??= new Map()).set(key, gained + (after - before));
    ev.level({ userId, currencyId: currency.id, level: after });
    ctx.invalidate();
    ev.trace?.notes.push(`${userId} reached ${currency.key} level ${after}`);
    if (curve.rewards.length > 0) syncRewardRoles(ev, userId, curve, after, `${currency.name} level ${after}`);
    for (let level = before + 1; level <= after; level++) {
      ev.emit('level_up', userId, { currency: currency.key, level, previous_level: level - 1 }, ev.current.path);
    }
  }
  ev.creditedCount = 0;
}

/** Gives (and, in replace mode, takes) the roles a level earns. */
function syncRewardRoles(ev: Evaluator, userId: string, curve: LevelCurve, level: number, reason: string): void {
  const { hold, drop } = rewardRoles(curve, level);
  const roles = new Set(ev.state.roles(userId));
  for (const role of drop) {
    if (roles.delete(role)) ev.outbox({ kind: 'role_remove', ruleId: null, payload: { user_id: userId, role_id: role, reason } });
  }
  for (const role of hold) {
    if (!roles.has(role)) {
      roles.add(role);
      ev.outbox({ kind: 'role_add', ruleId: null, payload: { user_id: userId, role_id: role, reason } });
    }
  }
  ev.state.setRoles(userId, [...roles]);
}

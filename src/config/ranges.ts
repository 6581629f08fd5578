// The documented range of every number Cairn accepts: amounts, balances, windows, levels, stock,
// order, event data. One table, enforced by the zod schemas at every boundary (API, recipes, CLI,
// the panel's forms) and by the ledger before anything is written, so no value an admin can save
// can later overflow a column, lose precision or make a date invalid.
import { z } from 'zod';
import { MAX_ELEMENTS, MAX_EVENT_OPERATIONS, MAX_ITERATION_NESTING, MAX_ITERATIONS, MAX_LOGIC_ARRAY, MAX_LOGIC_BYTES, MAX_LOGIC_DEPTH, MAX_OPERATIONS, MAX_STRING_LENGTH } from '../rules/logic/limits.ts';

/** Largest amount one posting may move (a credit, debit, transfer, award, price, cap). */
export const MAX_AMOUNT = 1_000_000_000_000; // 10^12
/**
 * Largest balance (either sign) or lifetime total a wallet may hold. Well inside 2^53, so the sum of
 * a balance and an amount is always exact in a JS number; a posting that would cross it is refused.
 */
export const MAX_BALANCE = 1_000_000_000_000_000; // 10^15
/** Longest window of a cooldown or rate limit, and longest lookback anywhere: 366 days. */
export const MAX_WINDOW_SECONDS = 366 * 86_400;
export const MAX_LEVEL = 100_000;
export const MAX_STOCK = 1_000_000_000;
export const MAX_ORDER = 1_000_000;
export const MAX_COUNT = 1_000_000;
/** Voice, presence and scheduled-event durations: at most a year. */
export const MAX_DURATION_SECONDS = 366 * 86_400;
export const MAX_DURATION_MINUTES = 366 * 1_440;
/** Largest factor of an exponential level curve: thresholds grow at most 100-fold per level. */
export const MAX_CURVE_FACTOR = 100;
/** Most levels one level-curve preview computes. */
export const MAX_PREVIEW_LEVELS = 1000;
/** Longest window a backtest replays. */
export const MAX_BACKTEST_DAYS = 3650;
/** How old a reacted-to message may be: Discord's lifetime so far, with room (a century). */
export const MAX_MESSAGE_AGE_SECONDS = 100 * 366 * 86_400;

/**
 * The table behind the helpers below, for documentation (README, OpenAPI, panel hints): each
 * field family, its range, and where it applies.
 */
export const RANGES = {
  amount: { min: 1, max: MAX_AMOUNT, applies: 'rule credits/debits/transfers (after rounding), manual awards (either sign), shop prices, cap limits' },
  balance: { min: -MAX_BALANCE, max: MAX_BALANCE, applies: 'wallet balances and lifetime totals; a posting that would cross it is refused' },
  window_seconds: { min: 1, max: MAX_WINDOW_SECONDS, applies: 'cooldown seconds, rate window_seconds' },
  rate_max: { min: 1, max: MAX_COUNT, applies: 'rate limit max' },
  level: { min: 0, max: MAX_LEVEL, applies: 'level curve start_level, reward levels, required levels, level requirements' },
  stock: { min: 0, max: MAX_STOCK, applies: 'shop stock, per-member limits' },
  order: { min: -MAX_ORDER, max: MAX_ORDER, applies: 'display_order, order' },
  count: { min: 0, max: MAX_COUNT, applies: 'event data counts (length, attachments, emoji, reactors), purchase quantities' },
  threshold: { min: -MAX_BALANCE, max: MAX_BALANCE, applies: 'milestone requirements: wallet and lifetime minimums, event-count minimums (counts or sums of values)' },
  duration_seconds: { min: 0, max: MAX_DURATION_SECONDS, applies: 'voice and presence session durations' },
  message_age_seconds: { min: 0, max: MAX_MESSAGE_AGE_SECONDS, applies: 'the age of a reacted-to message' },
  duration_minutes: { min: 0, max: MAX_DURATION_MINUTES, applies: 'scheduled-event minutes present' },
  curve_base: { min: 0, max: MAX_BALANCE, applies: 'exponential level curve base (more than 0)' },
  curve_factor: { min: 0, max: MAX_CURVE_FACTOR, applies: 'exponential level curve factor (more than 0)' },
  curve_coefficient: { min: -MAX_BALANCE, max: MAX_BALANCE, applies: 'polynomial level curve coefficients' },
  curve_threshold: { min: 1, max: MAX_BALANCE, applies: 'table level curve thresholds' },
  preview_levels: { min: 1, max: MAX_PREVIEW_LEVELS, applies: 'levels of a level curve preview' },
  backtest_days: { min: 1, max: MAX_BACKTEST_DAYS, applies: 'the window of a backtest' },
  logic_bytes: { min: 0, max: MAX_LOGIC_BYTES, applies: 'serialized size of one JSON Logic document (condition, var, amount, emit value)' },
  logic_depth: { min: 0, max: MAX_LOGIC_DEPTH, applies: 'operations and literal arrays nested in one JSON Logic document' },
  logic_array: { min: 0, max: MAX_LOGIC_ARRAY, applies: 'elements of any array in a JSON Logic document' },
  logic_iterations: { min: 0, max: MAX_ITERATIONS, applies: `iterating operations (map, filter, reduce, all, none, some) per document, nested at most ${MAX_ITERATION_NESTING} deep` },
  logic_operations: { min: 0, max: MAX_OPERATIONS, applies: `operations per evaluation of a document at run time (${MAX_EVENT_OPERATIONS.toLocaleString('en-US')} per event); beyond it the rule is skipped with a rule error` },
  logic_built_elements: { min: 0, max: MAX_ELEMENTS, applies: 'weight of an array JSON Logic builds at run time' },
  logic_string_length: { min: 0, max: MAX_STRING_LENGTH, applies: 'characters of a string JSON Logic builds at run time' },
} as const;

const format = (n: number) => n.toLocaleString('en-US');

/**
 * A whole number in [min, max], with messages a person can read ("must be at most 1,000,000"). The
 * range is checked first and stops there, so 1e20 reads "must be at most …", not also "must be a
 * whole number" (zod's integer check refuses numbers beyond 2^53).
 */
export function wholeNumber(min: number, max: number) {
  return z
    .number({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a number') })
    .min(min, { error: `must be at least ${format(min)}`, abort: true })
    .max(max, { error: `must be at most ${format(max)}`, abort: true })
    .int({ error: 'must be a whole number' });
}

/** A finite number in [min, max] (fractions allowed), with readable messages. */
export function boundedNumber(min: number, max: number, options: { exclusiveMin?: boolean } = {}) {
  const base = z.number({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a number') });
  const lower = options.exclusiveMin
    ? base.gt(min, { error: `must be more than ${format(min)}` })
    : base.min(min, { error: `must be at least ${format(min)}` });
  return lower.max(max, { error: `must be at most ${format(max)}` });
}

export const Amount = () => wholeNumber(1, MAX_AMOUNT);
/** A manual award or adjustment: either sign, never zero. */
export const SignedAmount = () =>
  wholeNumber(-MAX_AMOUNT, MAX_AMOUNT).refine((n) => n !== 0, { error: 'must not be 0' });
export const WindowSeconds = () => boundedNumber(0, MAX_WINDOW_SECONDS, { exclusiveMin: true });
export const Level = () => wholeNumber(0, MAX_LEVEL);
export const Stock = () => wholeNumber(0, MAX_STOCK);
export const Order = () => wholeNumber(-MAX_ORDER, MAX_ORDER);
export const Count = () => wholeNumber(0, MAX_COUNT);

/** Why an amount cannot be posted exactly (a safe whole number within ±max), or undefined when it can. */
export function amountProblem(delta: number, max = MAX_AMOUNT): string | undefined {
  if (!Number.isSafeInteger(delta)) return `the amount ${String(delta)} is not a whole number that can be counted exactly`;
  if (delta > max || delta < -max) return `the amount ${format(delta)} is beyond the limit of ±${format(max)} for one posting`;
  return undefined;
}

/**
 * Why a balance change cannot be applied exactly, or undefined when it can: the amount must be
 * within ±maxDelta (MAX_AMOUNT unless the caller sets balances, like an import or a season reset),
 * and the balance after it, and the lifetime total if it counts as earnings, within the limit.
 */
export function balanceProblem(
  wallet: { balance: number; lifetimeEarned: number },
  delta: number,
  options: { earns?: boolean; maxDelta?: number } = {},
): string | undefined {
  return amountProblem(delta, options.maxDelta ?? MAX_AMOUNT) ?? limitProblem(wallet, delta, options.earns ?? delta > 0);
}

/** Why the balance (and, for earnings, the lifetime total) a valid amount leaves is beyond the limit. */
export function limitProblem(wallet: { balance: number; lifetimeEarned: number }, delta: number, earns: boolean): string | undefined {
  const after = wallet.balance + delta;
  if (after > MAX_BALANCE || after < -MAX_BALANCE) return `the balance would be ${format(after)}, beyond the limit of ±${format(MAX_BALANCE)}`;
  if (earns && wallet.lifetimeEarned + delta > MAX_BALANCE) {
    return `lifetime earnings would be ${format(wallet.lifetimeEarned + delta)}, beyond the limit of ${format(MAX_BALANCE)}`;
  }
  return undefined;
}

// Cairn's custom JSON Logic operations, registered once with json-logic-js and used by the
// closure compiler: pure functions of their arguments (and, for context ops, of the data as `this`).
import jsonLogic from 'json-logic-js';

export type Operation = (this: unknown, ...args: unknown[]) => unknown;

const num = (v: unknown) => (typeof v === 'number' ? v : parseFloat(String(v)));

/**
 * Synapse v3's message quality modifier (XP only): start at 1.0 and multiply, in this order —
 * length > 500 ×1.5 else length > 200 ×1.2; code block ×1.4; link ×1.25; attachment ×1.1;
 * more than 5 emoji ×0.5 — then floor the result at 0.1.
 */
export function qualityModifier(length: unknown, codeBlock: unknown, link: unknown, attachment: unknown, emojiCount: unknown): number {
  let q = 1.0;
  const len = num(length);
  if (len > 500) q *= 1.5;
  else if (len > 200) q *= 1.2;
  if (jsonLogic.truthy(codeBlock)) q *= 1.4;
  if (jsonLogic.truthy(link)) q *= 1.25;
  if (jsonLogic.truthy(attachment)) q *= 1.1;
  if (num(emojiCount) > 5) q *= 0.5;
  return Math.max(q, 0.1);
}

/** Where the evaluation context keeps its MultiplierSource: a symbol, so no `var` path reaches it. */
export const MULTIPLIERS: unique symbol = Symbol('cairn.multipliers');

/** Resolves a zone multiplier from the evaluation context (see rules/context.ts). */
export interface MultiplierSource {
  multiplier(currency: string, typeKey?: string): number;
}

/** `multiplier` once its arguments are text: 1 when the data is not an evaluation context. */
export function multiplierOf(data: unknown, currency: string, typeKey: string | undefined): number {
  const source = (data as { [MULTIPLIERS]?: MultiplierSource } | null | undefined)?.[MULTIPLIERS];
  return source ? source.multiplier(currency, typeKey) : 1;
}

/** FNV-1a of a string: a stable, well-spread 32-bit hash. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export const CUSTOM_OPERATIONS: Record<string, Operation> = {
  pow: (base, exponent) => Math.pow(num(base), num(exponent)),
  floor: (x) => Math.floor(num(x)),
  ceil: (x) => Math.ceil(num(x)),
  trunc: (x) => Math.trunc(num(x)),
  round: (x) => Math.round(num(x)),
  abs: (x) => Math.abs(num(x)),
  clamp: (x, lo, hi) => Math.min(Math.max(num(x), num(lo)), num(hi)),
  /** Integer division: trunc(a / b). */
  div: (a, b) => Math.trunc(num(a) / num(b)),
  coalesce: (...values) => values.find((v) => v !== null && v !== undefined) ?? null,
  quality_modifier: qualityModifier,
  /**
   * A whole number in [min, max] chosen by a hash of `seed` (e.g. the event's source_id): random-
   * looking, yet the same on every replay, dry run and simulation.
   */
  random_int: (min, max, seed) => {
    const lo = Math.ceil(num(min));
    const hi = Math.floor(num(max));
    return hi < lo ? lo : lo + (fnv1a(String(seed)) % (hi - lo + 1));
  },
  /** The zone multiplier for a currency (and an event-type key, default the event's type). */
  multiplier(this: unknown, currency, typeKey) {
    return multiplierOf(this, String(currency), typeKey === undefined || typeKey === null ? undefined : String(typeKey));
  },
};

/** json-logic-js built-ins Cairn allows (`log` writes to the console and is refused). */
export const BUILTIN_OPERATIONS = [
  'var', 'missing', 'missing_some', 'if', '?:', '==', '===', '!=', '!==', '!', '!!', 'or', 'and',
  '>', '>=', '<', '<=', 'max', 'min', '+', '-', '*', '/', '%', 'map', 'reduce', 'filter', 'all',
  'none', 'some', 'merge', 'in', 'cat', 'substr',
] as const;

export const KNOWN_OPERATIONS = new Set<string>([...BUILTIN_OPERATIONS, ...Object.keys(CUSTOM_OPERATIONS)]);

let registered = false;
/** Registers the custom operations with json-logic-js (idempotent; done once per process). */
export function registerOperations(): void {
  if (registered) return;
  for (const [name, fn] of Object.entries(CUSTOM_OPERATIONS)) jsonLogic.add_operation(name, fn as never);
  registered = true;
}
registerOperations();

export { jsonLogic };

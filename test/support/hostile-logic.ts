// The hostile JSON Logic of issue 13 §1, built the way it was reproduced: `some` nested 5 deep over
// 100-element literal arrays (about 1.6 KB), `map` nested 4 deep over 200-element arrays, and a
// rule that passes every static limit yet exhausts the run-time budget on a long message.
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** An iterating operation nested `depth` deep over literal arrays of `size` elements. */
export function nested(op: 'some' | 'map', depth: number, size: number): Record<string, unknown> {
  let inner: unknown = { '==': [{ var: '' }, -1] };
  for (let i = 0; i < depth; i++) inner = { [op]: [range(size), inner] };
  return inner as Record<string, unknown>;
}

export const NESTED_SOME = nested('some', 5, 100);
export const NESTED_MAP = nested('map', 4, 200);

/** The curve-preview body: at 2^53 `level++` no longer changes the number. */
export const CURVE_AT_2_53 = { level_curve: { kind: 'exponential', base: 100, factor: 1.25, start_level: 9007199254740990 }, levels: 5 };

/**
 * Cheap on short messages (the sample event has length 240): on a message over 1,000 characters its
 * vars build 8,000 elements with merge, and its condition visits 200 of them for each, 1.6M in all.
 */
export function budgetBuster(key = 'budget-buster', currency = 'xp'): Record<string, unknown> {
  return {
    key,
    name: key,
    trigger: { events: ['message_create'] },
    // Same-length names in alphabetical order: Postgres's jsonb keeps object keys in that order.
    vars: {
      base: range(200),
      heap: { if: [{ '>': [{ var: 'event.data.length' }, 1000] }, { merge: Array.from({ length: 40 }, () => ({ var: 'vars.base' })) }, []] },
    },
    conditions: [{ if: { some: [{ var: 'vars.heap' }, { some: [range(200), { '==': [{ var: '' }, -1] }] }] } }],
    effects: [{ type: 'credit', currency, amount: 1 }],
  };
}

/** A condition of about 68,000 operations on any event: under the budget of one document, not of many. */
export function heavyCondition(size = 150): Record<string, unknown> {
  return { some: [range(size), { some: [range(size), { '==': [{ var: '' }, -1] }] }] };
}

// How much a JSON Logic document may be and do. Checked at save (validate.ts) and while it runs
// (budget.ts), so no rule, var, amount or emitted value can hang the process or fill its memory.
//
// At save, per document (a condition's `if`, a var, an amount, an emit data value):
// - MAX_LOGIC_BYTES      serialized size (UTF-8 JSON) ≤ 16 KiB: ten times the largest preset rule;
// - MAX_LOGIC_DEPTH      operations and literal arrays/objects nested ≤ 32 deep;
// - MAX_LOGIC_ARRAY      ≤ 256 elements in any array (a literal or an operation's arguments);
// - MAX_ITERATIONS       ≤ 8 iterating operations (map, filter, reduce, all, none, some);
// - MAX_ITERATION_NESTING an iterating operation inside the per-element logic of another, ≤ 2 deep
//                        (two nested loops over 256 elements are 65,536 visits; three would be 16.7M).
// While it runs, per evaluation of one document on one event:
// - MAX_OPERATIONS       100,000 operations: each operation called inside an iterating one, each
//                        element visited, each element walked to weigh or coerce a value. 0.7 to 3 ms
//                        of CPU on the dev machine (35M to 150M operations/s by kind), while a loop
//                        over a 10,000-element array with a few operations per element still fits.
//                        Operations outside iterating ones are not counted: each runs at most once
//                        per evaluation, so the document's size bounds them.
// - MAX_EVENT_OPERATIONS 1,000,000 for all the documents evaluated on one event (its context), so
//                        many rules cannot add up to a stall: at most ~10-30 ms per event. Rules that
//                        iterate nothing spend nothing and are never stopped by it.
// - MAX_ELEMENTS         10,000: the weight of any array an operation builds (merge, map, filter, an
//                        array of expressions, missing), nested elements counted, and every 64
//                        characters of a string inside counted as one more element;
// - MAX_STRING_LENGTH    65,536 characters in any string an operation builds (cat, substr) or coerces
//                        an array into (comparisons, arithmetic, `in`).
// Beyond any of them the evaluation stops with a LogicBudgetError: the engine skips the rule for
// that event and records a rule error.

export const MAX_LOGIC_BYTES = 16 * 1024;
export const MAX_LOGIC_DEPTH = 32;
export const MAX_LOGIC_ARRAY = 256;
export const MAX_ITERATIONS = 8;
export const MAX_ITERATION_NESTING = 2;
export const MAX_OPERATIONS = 100_000;
export const MAX_EVENT_OPERATIONS = 1_000_000;
/** The pool of one API request that validates and dry-runs rules (the dry run): ~15-60 ms. */
export const MAX_REQUEST_OPERATIONS = 2_000_000;
export const MAX_ELEMENTS = 10_000;
export const MAX_STRING_LENGTH = 64 * 1024;
/** Characters of a string that weigh as one element of an array. */
export const CHARS_PER_ELEMENT = 64;

/** The operations that evaluate their second argument once per element of their first. */
export const ITERATING_OPERATIONS = new Set(['map', 'filter', 'reduce', 'all', 'none', 'some']);

/** The table, for documentation (config/ranges.ts's RANGES and the README). */
export const LOGIC_LIMITS = {
  bytes: { max: MAX_LOGIC_BYTES, applies: 'serialized size of one JSON Logic document (a condition, var, amount or emit value), at save' },
  depth: { max: MAX_LOGIC_DEPTH, applies: 'operations and literal arrays nested in one document, at save' },
  array: { max: MAX_LOGIC_ARRAY, applies: 'elements of any array in a document (literal or arguments), at save' },
  iterations: { max: MAX_ITERATIONS, applies: 'iterating operations (map, filter, reduce, all, none, some) in one document, at save' },
  iteration_nesting: { max: MAX_ITERATION_NESTING, applies: 'iterating operations nested in the per-element logic of another, at save' },
  operations: { max: MAX_OPERATIONS, applies: 'operations and elements visited by one evaluation of a document, at run time' },
  event_operations: { max: MAX_EVENT_OPERATIONS, applies: 'operations of all the documents evaluated on one event' },
  request_operations: { max: MAX_REQUEST_OPERATIONS, applies: 'operations of all the evaluations of one dry-run request' },
  elements: { max: MAX_ELEMENTS, applies: 'weight of an array built at run time (nested elements, 64 characters = 1)' },
  string_length: { max: MAX_STRING_LENGTH, applies: 'characters of a string built or coerced at run time' },
} as const;

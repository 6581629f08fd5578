// The run-time budget of one evaluation (limits.ts): a counter every iterating operation, every
// operation inside one and every walk over a built value charges. Evaluation is synchronous, so
// one counter per process is exact; the compiled document starts it and, when done, takes what it
// spent from its event's pool and from the request's pool, if any.
import { CHARS_PER_ELEMENT, MAX_ELEMENTS, MAX_EVENT_OPERATIONS, MAX_OPERATIONS, MAX_STRING_LENGTH } from './limits.ts';
import { CONTEXT_KEYS, VAR_KEYS } from './var-path.ts';

const format = (n: number) => n.toLocaleString('en-US');

/** An evaluation went beyond the run-time budget; the engine skips the rule for that event. */
export class LogicBudgetError extends Error {
  readonly code = 'logic_budget';
  constructor(message: string) {
    super(`${message}; the rule was skipped for this event`);
    this.name = 'LogicBudgetError';
  }
}

let spent = 0;
let limit = MAX_OPERATIONS;
/** Whose budget `limit` is: the document's own, what its event has left, or what the request has left. */
let holder: 'document' | 'event' | 'request' = 'document';
/** The operations a synchronous stretch of work (a dry run, a batch of checks) may still spend. */
let pool: { total: number; remaining: number } | undefined;

/**
 * The event (its evaluation context) whose documents spent operations last, and how many. The
 * engine evaluates an event's rules one after another, so following the latest context is enough.
 */
let eventContext: unknown;
let eventSpent = 0;

/** Starts the budget of one evaluation of a document on `data`. */
export function startEvaluation(data: unknown): void {
  spent = 0;
  limit = MAX_OPERATIONS;
  holder = 'document';
  if (data === eventContext && MAX_EVENT_OPERATIONS - eventSpent < limit) {
    limit = MAX_EVENT_OPERATIONS - eventSpent;
    holder = 'event';
  }
  if (pool && pool.remaining < limit) {
    limit = pool.remaining;
    holder = 'request';
  }
}

/** Takes what the evaluation spent from its event's and its request's pools. */
export function endEvaluation(data: unknown): void {
  if (spent === 0) return;
  if (pool) pool.remaining = Math.max(0, pool.remaining - spent);
  if (typeof data === 'object' && data !== null && (data as { [VAR_KEYS]?: unknown })[VAR_KEYS] === CONTEXT_KEYS) {
    if (data !== eventContext) {
      eventContext = data;
      eventSpent = 0;
    }
    eventSpent += spent;
  }
}

/**
 * Runs synchronous work (validating and dry-running a request's rules) with one pool of operations
 * for all the evaluations in it, so many rules cannot add up to a long stall.
 */
export function withOperationPool<T>(total: number, work: () => T): T {
  const outer = pool;
  pool = { total, remaining: outer ? Math.min(total, outer.remaining) : total };
  try {
    return work();
  } finally {
    pool = outer;
  }
}

/** Operations spent by the current (or last) evaluation, for tests and traces. */
export function spentOperations(): number {
  return spent;
}

export function charge(n: number): void {
  spent += n;
  if (spent > limit) throw overBudget();
}

function overBudget(): LogicBudgetError {
  if (holder === 'event') return new LogicBudgetError(`the rules on this event together took more than ${format(MAX_EVENT_OPERATIONS)} operations`);
  if (holder === 'request') return new LogicBudgetError(`the rules of this request together took more than ${format(pool!.total)} operations`);
  return new LogicBudgetError(`the expression took more than ${format(MAX_OPERATIONS)} operations on this event`);
}

/** Wraps a closure so each call counts one operation (used inside iterating operations). */
export function counted<T extends (data: unknown) => unknown>(fn: T): T {
  return ((data: unknown) => {
    if (++spent > limit) throw overBudget();
    return fn(data);
  }) as T;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The weight of a value an operation built: 1 per element (nested ones too, plain objects' values
 * as well), plus 1 per 64 characters of the strings inside. Walking charges the budget, and a weight
 * beyond MAX_ELEMENTS stops the evaluation. Returns the value.
 */
export function checkBuilt<T>(value: T): T {
  if (typeof value === 'string') {
    if (value.length > MAX_STRING_LENGTH) throw tooLong();
    return value;
  }
  if (typeof value === 'object' && value !== null) {
    const weight = weigh(value, 0);
    if (weight > MAX_ELEMENTS) throw tooBig();
  }
  return value;
}

function weigh(value: unknown, sum: number): number {
  if (typeof value === 'string') return sum + Math.floor(value.length / CHARS_PER_ELEMENT);
  if (typeof value !== 'object' || value === null) return sum;
  const items = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : undefined;
  if (!items) return sum; // a context view (actor, target): counted as one element by its parent
  charge(items.length);
  for (const item of items) {
    sum = weigh(item, sum + 1);
    if (sum > MAX_ELEMENTS) throw tooBig();
  }
  return sum;
}

/**
 * Guards an operation's argument before JavaScript turns it into a string or a number (`==`, `<`,
 * `+`, `cat`, `in`, …): an array becomes the join of its elements, which could be far longer than
 * any string an operation may build. Primitives pass at once.
 */
export function coercible<T>(value: T): T {
  if (typeof value === 'object' && value !== null && Array.isArray(value)) {
    if (stringLength(value, 0) > MAX_STRING_LENGTH) throw tooLong();
  }
  return value;
}

/** An upper bound of String(value)'s length, charging each element walked. */
function stringLength(value: unknown, sum: number): number {
  if (typeof value === 'string') return sum + value.length;
  if (Array.isArray(value)) {
    charge(value.length);
    sum += value.length;
    for (const item of value) {
      sum = stringLength(item, sum);
      if (sum > MAX_STRING_LENGTH) return sum;
    }
    return sum;
  }
  if (typeof value === 'object' && value !== null) return sum + 15; // "[object Object]"
  return sum + 24; // the longest number, true, false, null
}

/** The length of values.join(''), checked before the string is made. */
export function checkJoin(values: unknown[]): void {
  let sum = 0;
  for (const value of values) {
    sum = stringLength(value, sum);
    if (sum > MAX_STRING_LENGTH) throw tooLong();
  }
}

export function tooBig(): LogicBudgetError {
  return new LogicBudgetError(`the expression built a value of more than ${format(MAX_ELEMENTS)} elements`);
}

function tooLong(): LogicBudgetError {
  return new LogicBudgetError(`the expression built a string of more than ${format(MAX_STRING_LENGTH)} characters`);
}

// Compiles a JSON Logic expression once into a closure with json-logic-js's exact semantics, so
// evaluating a rule is a few function calls rather than a tree walk per event. Every operation is
// one of json-logic-js's or a registered custom one (operations.ts). The closures define the
// semantics; compileLogic then hands the document to codegen.ts, which writes the common operations
// as one function with the same semantics (no text of the document in its source), calling these
// closures for the rest.
// Evaluation is bounded (limits.ts): iterating operations and the operations inside them charge a
// budget, built values are weighed, and `var` reads only what var-path.ts allows.
import { charge, checkBuilt, checkJoin, coercible, counted, endEvaluation, startEvaluation, tooBig } from './budget.ts';
import { generateLogic, type CodegenTools } from './codegen.ts';
import { compileIterating } from './iterate.ts';
import { ITERATING_OPERATIONS, MAX_ELEMENTS } from './limits.ts';
import { CUSTOM_OPERATIONS, jsonLogic, multiplierOf, type Operation } from './operations.ts';
import { FORBIDDEN_KEYS, readPath } from './var-path.ts';

export type Compiled = (data: unknown) => unknown;

const truthy = (value: unknown): boolean => jsonLogic.truthy(value);

function isLogic(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1;
}

/** Constant closures and their values, so arrays of constants are built once. */
const constants = new WeakMap<Compiled, unknown>();
function constant(value: unknown): Compiled {
  const fn: Compiled = () => value;
  constants.set(fn, value);
  return fn;
}

const orNull = (value: unknown) => (value === undefined ? null : value);

/** json-logic-js's `var` over a path value, reading only what var-path.ts allows. */
function readVar(data: unknown, path: unknown, fallback: () => unknown): unknown {
  if (path === undefined || path === '' || path === null) return data;
  const value = readPath(data, String(coercible(path)).split('.'));
  return value === undefined ? orNull(fallback()) : value;
}

/**
 * `var` with a constant path, pre-split. Such a path was checked at save (validate.ts: a documented
 * root, no internals) and the context keeps its internals in private fields, so a plain walk is
 * safe once functions are refused; a computed path is read by var-path.ts's own-property rules.
 */
function compileVar(args: unknown[], scoped: boolean): Compiled {
  const fallback = args[1] === undefined ? constant(null) : compile(args[1], scoped);
  const surplus = args.slice(2).map((a) => compile(a, scoped));
  if (constants.has(fallback) && surplus.length === 0) return compileVarRead(args[0], fallback, scoped);
  // json-logic-js evaluates every argument before `var` reads: a computed fallback (and any
  // argument past it) runs, and may fail, even when the path is found.
  let value: unknown;
  const read = compileVarRead(args[0], () => value, scoped);
  return (data) => {
    const computed = fallback(data);
    for (const s of surplus) s(data);
    const outer = value;
    value = computed;
    try {
      return read(data);
    } finally {
      value = outer;
    }
  };
}

/** `var`'s read of its path, with the fallback as a closure (called only when the path is missing). */
function compileVarRead(path: unknown, fallback: Compiled, scoped: boolean): Compiled {
  if (isLogic(path) || Array.isArray(path)) {
    const pathOf = compile(path, scoped);
    return (data) => readVar(data, pathOf(data), () => fallback(data));
  }
  if (path === undefined || path === '' || path === null) return (data) => data;
  const parts = String(path).split('.');
  if (parts.some((part) => FORBIDDEN_KEYS.has(part))) return (data) => orNull(fallback(data));
  return constantPathRead(parts, fallback);
}

/** Whether a step of a constant path read nothing usable: a missing key, or a function (never read). */
const unreadable = (value: unknown) => value === undefined || typeof value === 'function';

/**
 * The walk of a constant path. Paths of one to three keys (`event.data.length`, `vars.xp`: nearly
 * every path a rule writes) are walked without a loop over the keys; longer ones loop. Each step is
 * the loop's: a null or undefined value stops the walk, a missing key or a function reads nothing.
 */
function constantPathRead(parts: string[], fallback: Compiled): Compiled {
  const [k0, k1, k2] = parts as [string, string, string];
  const read = (data: unknown, from: unknown, key: string) => {
    const value = (from as Record<string, unknown>)[key];
    return unreadable(value) ? orNull(fallback(data)) : value;
  };
  switch (parts.length) {
    case 1:
      return (data) => (data === null || data === undefined ? orNull(fallback(data)) : read(data, data, k0));
    case 2:
      return (data) => {
        if (data === null || data === undefined) return orNull(fallback(data));
        const first = (data as Record<string, unknown>)[k0];
        if (first === null || unreadable(first)) return orNull(fallback(data));
        return read(data, first, k1);
      };
    case 3:
      return (data) => {
        if (data === null || data === undefined) return orNull(fallback(data));
        const first = (data as Record<string, unknown>)[k0];
        if (first === null || unreadable(first)) return orNull(fallback(data));
        const second = (first as Record<string, unknown>)[k1];
        if (second === null || unreadable(second)) return orNull(fallback(data));
        return read(data, second, k2);
      };
  }
  return (data) => {
    let current: unknown = data;
    for (const part of parts) {
      if (current === null || current === undefined) return orNull(fallback(data));
      current = (current as Record<string, unknown>)[part];
      if (current === undefined || typeof current === 'function') return orNull(fallback(data));
    }
    return current;
  };
}

/** json-logic-js's `missing`: the keys (arguments, or one array argument) whose var is null or "". */
function missing(data: unknown, values: unknown[]): unknown[] {
  const keys = Array.isArray(values[0]) ? (values[0] as unknown[]) : values;
  charge(keys.length);
  const out: unknown[] = [];
  for (const key of keys) {
    // `{"var": key}`: an array key is var's argument list (path, fallback).
    const [path, fallback] = Array.isArray(key) ? key : [key];
    const value = readVar(data, path, () => fallback);
    if (value === null || value === '') out.push(key);
  }
  return out;
}

const UNDEFINED = constant(undefined);
/**
 * json-logic-js's parseFloat of an argument. A number needs no round trip through a string: its
 * shortest text parses back to itself, except -0, whose text is "0" (so `+ 0`, which maps -0 to 0).
 */
const num = (v: unknown) => (typeof v === 'number' ? v + 0 : parseFloat(coercible(v) as string));
const c = coercible;

/** Operations with a fixed, common shape get a hand-written closure; the rest call the function. */
function compileOp(op: string, args: unknown[], scoped: boolean): Compiled {
  switch (op) {
    case 'var':
      return compileVar(args, scoped);
    case 'if':
    case '?:': {
      const parts = args.map((a) => compile(a, scoped));
      return (data) => {
        let i = 0;
        for (; i < parts.length - 1; i += 2) if (truthy(parts[i]!(data))) return parts[i + 1]!(data);
        return parts.length === i + 1 ? parts[i]!(data) : null;
      };
    }
    case 'and': {
      const parts = args.map((a) => compile(a, scoped));
      return (data) => {
        let current: unknown;
        for (const part of parts) {
          current = part(data);
          if (!truthy(current)) return current;
        }
        return current;
      };
    }
    case 'or': {
      const parts = args.map((a) => compile(a, scoped));
      return (data) => {
        let current: unknown;
        for (const part of parts) {
          current = part(data);
          if (truthy(current)) return current;
        }
        return current;
      };
    }
  }
  if (ITERATING_OPERATIONS.has(op)) return compileIterating(op, args, compile, scoped);
  const parts = args.map((a) => compile(a, scoped));
  const used = FIXED_ARITY[op];
  if (used !== undefined && parts.length > used) {
    // json-logic-js evaluates every argument, used or not (one may fail): so do we, after the op.
    const fn = compileFixed(op, parts);
    const surplus = parts.slice(used);
    return (d) => {
      const value = fn(d);
      for (const s of surplus) s(d);
      return value;
    };
  }
  return compileFixed(op, parts);
}

/** How many arguments the fixed-shape operations read; json-logic-js evaluates the rest anyway. */
const FIXED_ARITY: Record<string, number> = {
  '==': 2, '===': 2, '!=': 2, '!==': 2, '>': 2, '>=': 2, '<': 3, '<=': 3, '!': 1, '!!': 1, '-': 2, '/': 2, '%': 2, missing_some: 2,
};

/** Operations whose value depends only on their arguments, charging nothing for primitive ones. */
const PURE_OPERATIONS: ReadonlySet<string> = new Set(['==', '===', '!=', '!==', '>', '>=', '<', '<=', '!', '!!', '+', '*', '-', '/', '%', 'min', 'max']);

const isPrimitive = (value: unknown) => value === null || (typeof value !== 'object' && typeof value !== 'function');

/**
 * A pure operation on constant primitives is worked out once, here: `{"*": [2, 1]}` becomes the
 * constant 2, so an amount like `2 × multiplier` in a guild without zones costs nothing per event.
 */
function compileFixed(op: string, parts: Compiled[]): Compiled {
  const fn = compileFixedOp(op, parts);
  if (!PURE_OPERATIONS.has(op) || !parts.every((p) => constants.has(p) && isPrimitive(constants.get(p)))) return fn;
  try {
    return constant(fn(undefined));
  } catch {
    return fn;
  }
}

/**
 * Set while a document of a guild without zones is compiled: every `multiplier` there is 1
 * (context.ts answers 1 without zones, and 1 for data that is not a context).
 */
let multiplierIsOne = false;

function compileFixedOp(op: string, parts: Compiled[]): Compiled {
  const [a = UNDEFINED, b = UNDEFINED, z] = parts;
  switch (op) {
    case '==':
      return (d) => c(a(d)) == c(b(d));
    case '===':
      return (d) => a(d) === b(d);
    case '!=':
      return (d) => c(a(d)) != c(b(d));
    case '!==':
      return (d) => a(d) !== b(d);
    case '>':
      return (d) => (c(a(d)) as number) > (c(b(d)) as number);
    case '>=':
      return (d) => (c(a(d)) as number) >= (c(b(d)) as number);
    case '<':
      // The third argument is evaluated whatever the first comparison says, as json-logic-js does.
      if (z) return (d) => { const x = c(a(d)) as number; const y = c(b(d)) as number; const w = z(d); return x < y && y < (c(w) as number); };
      return (d) => (c(a(d)) as number) < (c(b(d)) as number);
    case '<=':
      if (z) return (d) => { const x = c(a(d)) as number; const y = c(b(d)) as number; const w = z(d); return x <= y && y <= (c(w) as number); };
      return (d) => (c(a(d)) as number) <= (c(b(d)) as number);
    case '!':
      return (d) => !truthy(a(d));
    case '!!':
      return (d) => truthy(a(d));
    case '+':
      if (parts.length === 2) return (d) => num(a(d)) + num(b(d));
      return (d) => parts.reduce((sum, p) => sum + num(p(d)), 0);
    case '*':
      if (parts.length === 2) return (d) => num(a(d)) * num(b(d));
      return (d) => {
        // json-logic-js reduces without a seed: the first value is used as-is.
        let product: unknown = parts[0]!(d);
        for (let i = 1; i < parts.length; i++) product = num(product) * num(parts[i]!(d));
        return product;
      };
    case '-':
      if (parts.length === 1) return (d) => -(c(a(d)) as number);
      return (d) => {
        const x = c(a(d)) as number;
        const y = c(b(d)) as number | undefined;
        return y === undefined ? -x : x - y;
      };
    case '/':
      return (d) => (c(a(d)) as number) / (c(b(d)) as number);
    case '%':
      return (d) => (c(a(d)) as number) % (c(b(d)) as number);
    case 'min':
      if (parts.length === 2) return (d) => Math.min(c(a(d)) as number, c(b(d)) as number);
      return (d) => Math.min(...(parts.map((p) => c(p(d))) as number[]));
    case 'max':
      if (parts.length === 2) return (d) => Math.max(c(a(d)) as number, c(b(d)) as number);
      return (d) => Math.max(...(parts.map((p) => c(p(d))) as number[]));
    case 'missing':
      return (d) => checkBuilt(missing(d, parts.map((p) => p(d))));
    case 'missing_some':
      return (d) => {
        const [need, options] = [a?.(d), b?.(d)];
        const absent = missing(d, Array.isArray(options) ? options : [options]);
        return (options as { length: number }).length - absent.length >= (need as number) ? [] : checkBuilt(absent);
      };
  }
  // Every rule paying by zone calls `multiplier` with written keys: they are text already.
  if (op === 'multiplier' && (parts.length === 1 || parts.length === 2)) {
    const [currency, typeKey] = parts.map((p) => constants.get(p));
    if (typeof currency === 'string' && (parts.length === 1 || typeof typeKey === 'string')) {
      if (multiplierIsOne) return constant(1);
      return (data) => multiplierOf(data, currency, typeKey as string | undefined);
    }
  }
  // Everything else: the registered function, called like json-logic-js calls it (data as `this`).
  const builtin = BUILTIN_FUNCTIONS[op];
  if (builtin) return (data) => builtin(parts.map((p) => p(data)));
  const fn: Operation | undefined = CUSTOM_OPERATIONS[op];
  if (!fn) throw new Error(`Unrecognized operation ${op}`);
  if (op === 'coalesce') return (data) => fn.apply(data, parts.map((p) => p(data)));
  // As many arguments as written (an operation may tell a missing one from undefined), no array.
  switch (parts.length) {
    case 0:
      return (data) => fn.call(data);
    case 1:
      return (data) => fn.call(data, c(a(data)));
    case 2:
      return (data) => fn.call(data, c(a(data)), c(b(data)));
    case 3:
      return (data) => fn.call(data, c(a(data)), c(b(data)), c(z!(data)));
    case 5: {
      const [, , , y, x] = parts as [Compiled, Compiled, Compiled, Compiled, Compiled];
      return (data) => fn.call(data, c(a(data)), c(b(data)), c(z!(data)), c(y(data)), c(x(data)));
    }
  }
  return (data) => fn.apply(data, parts.map((p) => c(p(data))));
}

/** The remaining json-logic-js built-ins, written as json-logic-js defines them, bounded. */
const BUILTIN_FUNCTIONS: Record<string, (values: unknown[]) => unknown> = {
  in: ([a, b]) => {
    if (!b || typeof (b as { indexOf?: unknown }).indexOf === 'undefined') return false;
    if (Array.isArray(b)) charge(b.length);
    else c(a);
    return (b as { indexOf(x: unknown): number }).indexOf(a) !== -1;
  },
  cat: (values) => {
    checkJoin(values);
    return values.join('');
  },
  substr: ([source, start, end]) => {
    const text = String(c(source));
    if ((c(end) as number) < 0) {
      const temp = text.substr(c(start) as number);
      return checkBuilt(temp.substr(0, temp.length + (end as number)));
    }
    return checkBuilt(text.substr(c(start) as number, end as number));
  },
  merge: (values) => {
    let length = 0;
    for (const v of values) length += Array.isArray(v) ? v.length : 1;
    if (length > MAX_ELEMENTS) throw tooBig();
    return checkBuilt(values.reduce<unknown[]>((all, v) => all.concat(v), []));
  },
};

function compileArray(items: unknown[], scoped: boolean): Compiled {
  const parts = items.map((item) => compile(item, scoped));
  if (parts.every((p) => constants.has(p))) return constant(parts.map((p) => constants.get(p)));
  return (data) => checkBuilt(parts.map((p) => p(data)));
}

/** `scoped`: inside an iterating operation's per-element logic, where every call counts. */
function compile(expr: unknown, scoped: boolean): Compiled {
  if (Array.isArray(expr)) {
    const fn = compileArray(expr, scoped);
    return scoped && !constants.has(fn) ? counted(fn) : fn;
  }
  if (!isLogic(expr)) return constant(expr);
  const op = Object.keys(expr)[0]!;
  const raw = expr[op];
  const fn = compileOp(op, Array.isArray(raw) ? raw : [raw], scoped);
  return scoped ? counted(fn) : fn;
}

export interface CompileOptions {
  /** The document belongs to a guild without zones: `multiplier` with written keys is 1. */
  noZones?: boolean;
  /** Closures only, no generated function (codegen.ts): for tests comparing the two. */
  closures?: boolean;
}

/** What codegen.ts builds from: this module's closures, constants and helpers. */
const CODEGEN_TOOLS: CodegenTools = {
  closure: (expr) => compile(expr, false),
  constantOf: (fn) => (constants.has(fn) ? { value: constants.get(fn) } : undefined),
  foldable: new Set([...PURE_OPERATIONS, 'multiplier']),
  fixedArity: FIXED_ARITY,
  forbidden: FORBIDDEN_KEYS,
  custom: CUSTOM_OPERATIONS,
  helpers: { c, num, truthy, multiplierOf, start: startEvaluation, end: endEvaluation },
};

/** A document's closure: each call is one evaluation with its own run-time budget (budget.ts). */
export function compileLogic(expr: unknown, options: CompileOptions = {}): Compiled {
  multiplierIsOne = options.noZones === true;
  let fn: Compiled;
  let generated: Compiled | undefined;
  try {
    fn = compile(expr, false);
    if (constants.has(fn)) return fn;
    if (options.closures !== true) generated = generateLogic(expr, CODEGEN_TOOLS);
  } finally {
    multiplierIsOne = false;
  }
  if (generated) return generated;
  return (data) => {
    startEvaluation(data);
    let value: unknown;
    try {
      value = fn(data);
    } catch (error) {
      endEvaluation(data);
      throw error;
    }
    endEvaluation(data);
    return value;
  };
}

// Compiles a JSON Logic expression once into a closure with json-logic-js's exact semantics, so
// evaluating a rule is a few function calls rather than a tree walk per event. Every operation is
// one of json-logic-js's or a registered custom one (operations.ts); nothing is ever eval'd.
import { CUSTOM_OPERATIONS, jsonLogic, type Operation } from './operations.ts';

export type Compiled = (data: unknown) => unknown;

const truthy = (value: unknown): boolean => jsonLogic.truthy(value);

function isLogic(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1;
}

function constant(value: unknown): Compiled {
  return () => value;
}

/** `var` with a constant path, pre-split. */
function compileVar(args: unknown[]): Compiled {
  const [path, fallbackExpr] = args;
  if (isLogic(path) || Array.isArray(path)) {
    // Dynamic path: defer to json-logic-js for identical behaviour.
    const expr = { var: args };
    return (data) => jsonLogic.apply(expr as never, data);
  }
  const fallback = fallbackExpr === undefined ? constant(null) : compileLogic(fallbackExpr);
  if (path === undefined || path === '' || path === null) return (data) => data;
  const parts = String(path).split('.');
  if (parts.length === 1) {
    const key = parts[0]!;
    return (data) => {
      if (data === null || data === undefined) return fallback(data);
      const value = (data as Record<string, unknown>)[key];
      return value === undefined ? fallback(data) : value;
    };
  }
  return (data) => {
    let current: unknown = data;
    for (const part of parts) {
      if (current === null || current === undefined) return fallback(data);
      current = (current as Record<string, unknown>)[part];
      if (current === undefined) return fallback(data);
    }
    return current;
  };
}

const num = (v: unknown) => parseFloat(v as string);

/** Operations with a fixed, common shape get a hand-written closure; the rest call the function. */
function compileOp(op: string, args: unknown[]): Compiled {
  switch (op) {
    case 'var':
      return compileVar(args);
    case 'if':
    case '?:': {
      const parts = args.map(compileLogic);
      return (data) => {
        let i = 0;
        for (; i < parts.length - 1; i += 2) if (truthy(parts[i]!(data))) return parts[i + 1]!(data);
        return parts.length === i + 1 ? parts[i]!(data) : null;
      };
    }
    case 'and': {
      const parts = args.map(compileLogic);
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
      const parts = args.map(compileLogic);
      return (data) => {
        let current: unknown;
        for (const part of parts) {
          current = part(data);
          if (truthy(current)) return current;
        }
        return current;
      };
    }
    case 'filter':
    case 'map':
    case 'reduce':
    case 'all':
    case 'none':
    case 'some': {
      // Scoped operations re-bind data per element: json-logic-js does it exactly right.
      const expr = { [op]: args };
      return (data) => jsonLogic.apply(expr as never, data);
    }
  }
  const parts = args.map(compileLogic);
  const [a, b, c] = parts;
  switch (op) {
    case '==':
      return (d) => a!(d) == b!(d);
    case '===':
      return (d) => a!(d) === b!(d);
    case '!=':
      return (d) => a!(d) != b!(d);
    case '!==':
      return (d) => a!(d) !== b!(d);
    case '>':
      return (d) => (a!(d) as number) > (b!(d) as number);
    case '>=':
      return (d) => (a!(d) as number) >= (b!(d) as number);
    case '<':
      if (c) return (d) => { const y = b!(d) as number; return (a!(d) as number) < y && y < (c(d) as number); };
      return (d) => (a!(d) as number) < (b!(d) as number);
    case '<=':
      if (c) return (d) => { const y = b!(d) as number; return (a!(d) as number) <= y && y <= (c(d) as number); };
      return (d) => (a!(d) as number) <= (b!(d) as number);
    case '!':
      return (d) => !truthy(a!(d));
    case '!!':
      return (d) => truthy(a!(d));
    case '+':
      if (parts.length === 2) return (d) => num(a!(d)) + num(b!(d));
      return (d) => parts.reduce((sum, p) => sum + num(p(d)), 0);
    case '*':
      if (parts.length === 2) return (d) => num(a!(d)) * num(b!(d));
      return (d) => {
        // json-logic-js reduces without a seed: the first value is used as-is.
        let product: unknown = parts[0]!(d);
        for (let i = 1; i < parts.length; i++) product = num(product) * num(parts[i]!(d));
        return product;
      };
    case '-':
      if (parts.length === 1) return (d) => -(a!(d) as number);
      return (d) => (a!(d) as number) - (b!(d) as number);
    case '/':
      return (d) => (a!(d) as number) / (b!(d) as number);
    case '%':
      return (d) => (a!(d) as number) % (b!(d) as number);
    case 'min':
      return (d) => Math.min(...(parts.map((p) => p(d)) as number[]));
    case 'max':
      return (d) => Math.max(...(parts.map((p) => p(d)) as number[]));
  }
  // Everything else: the registered function, called like json-logic-js calls it (data as `this`).
  if (op === 'missing' || op === 'missing_some') {
    const expr = { [op]: args };
    return (data) => jsonLogic.apply(expr as never, data);
  }
  const fn: Operation | undefined = CUSTOM_OPERATIONS[op] ?? BUILTIN_FUNCTIONS[op];
  if (!fn) throw new Error(`Unrecognized operation ${op}`);
  return (data) => fn.apply(data, parts.map((p) => p(data)));
}

/** The remaining json-logic-js built-ins, written as json-logic-js defines them. */
const BUILTIN_FUNCTIONS: Record<string, Operation> = {
  in: (a, b) => {
    if (!b || typeof (b as { indexOf?: unknown }).indexOf === 'undefined') return false;
    return (b as { indexOf(x: unknown): number }).indexOf(a) !== -1;
  },
  cat: (...values) => values.join(''),
  substr: (source, start, end) => {
    if ((end as number) < 0) {
      const temp = String(source).substr(start as number);
      return temp.substr(0, temp.length + (end as number));
    }
    return String(source).substr(start as number, end as number);
  },
  merge: (...values) => values.reduce<unknown[]>((all, v) => all.concat(v), []),
};

export function compileLogic(expr: unknown): Compiled {
  if (Array.isArray(expr)) {
    const parts = expr.map(compileLogic);
    return (data) => parts.map((p) => p(data));
  }
  if (!isLogic(expr)) return constant(expr);
  const op = Object.keys(expr)[0]!;
  const raw = expr[op];
  const args = Array.isArray(raw) ? raw : [raw];
  return compileOp(op, args);
}

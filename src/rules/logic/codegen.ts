// A JSON Logic document as one JavaScript function, for the engine's hot path. compile.ts's
// closures share their code between documents (one closure per operation kind), so V8 can neither
// inline one into another nor specialize a `var` read to its key: a document of a dozen operations
// is a dozen indirect calls. Here the operations that rules are made of (var with a written path,
// if, and, or, comparisons, arithmetic, min, max, multiplier, custom operations) become straight
// code in one function per document, with exactly the closures' semantics: the same helpers, the
// same order of evaluation and coercion, the same surplus arguments evaluated.
//
// No text of a document ever becomes code. The generated source holds only operators, local names,
// helper names and indexes into `k`, the document's constants (keys, strings, numbers that are not
// plain literals, the closures of anything else): it is built from the document's shape alone.
// Anything not listed above (iterating operations, missing, cat, in, merge, substr, coalesce,
// computed paths, computed fallbacks, arrays) is the closure compile.ts made for it, called from the
// generated code, so its budget and bounds are unchanged.
import type { Operation } from './operations.ts';

export type Compiled = (data: unknown) => unknown;

/** What the generator needs from compile.ts, which owns the semantics. */
export interface CodegenTools {
  /** compile.ts's closure for a subtree (not scoped); throws what compile.ts throws. */
  closure(expr: unknown): Compiled;
  /** The value of a closure compile.ts worked out at compile time, if it did. */
  constantOf(fn: Compiled): { value: unknown } | undefined;
  /** Operations compile.ts may turn into a constant (its pure ones, and `multiplier`). */
  foldable: ReadonlySet<string>;
  /** How many arguments the fixed-shape operations read (compile.ts's FIXED_ARITY). */
  fixedArity: Readonly<Record<string, number>>;
  /** Keys no `var` path may read (var-path.ts). */
  forbidden: ReadonlySet<string>;
  /** The registered custom operations (operations.ts). */
  custom: Readonly<Record<string, Operation | undefined>>;
  /** Helpers the generated code calls, the same functions the closures call. */
  helpers: {
    c: (value: unknown) => unknown;
    num: (value: unknown) => number;
    truthy: (value: unknown) => boolean;
    multiplierOf: (data: unknown, currency: string, typeKey: string | undefined) => number;
    start: (data: unknown) => void;
    end: (data: unknown) => void;
  };
}

/** Documents larger than this are left to the closures (the generated function would be large). */
const MAX_NODES = 400;
const MAX_DEPTH = 24;

const isLogic = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1;

/** Whether the document is small and shallow enough to generate. */
function fits(expr: unknown): boolean {
  let nodes = 0;
  const walk = (e: unknown, depth: number): boolean => {
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) return false;
    if (Array.isArray(e)) return e.every((x) => walk(x, depth + 1));
    if (isLogic(e)) {
      const raw = Object.values(e)[0];
      return Array.isArray(raw) ? raw.every((x) => walk(x, depth + 1)) : walk(raw, depth + 1);
    }
    return true;
  };
  return walk(expr, 0);
}

class Generator {
  readonly constants: unknown[] = [];
  #temps = 0;

  constructor(readonly tools: CodegenTools) {}

  get temps(): number {
    return this.#temps;
  }

  temp(): string {
    return `t${this.#temps++}`;
  }

  /** A constant as code: a plain number or keyword as itself, anything else as `k[i]`. */
  literal(value: unknown): string {
    if (value === null) return 'null';
    if (value === undefined) return 'undefined';
    if (value === true) return 'true';
    if (value === false) return 'false';
    // String(n) of a finite number is digits, a point, an exponent and signs: never other text.
    if (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0)) return `(${String(value)})`;
    return this.ref(value);
  }

  ref(value: unknown): string {
    // Numbers here are NaN, ±Infinity or -0; indexOf would take -0 for a stored 0.
    let index = this.constants.indexOf(value);
    if (index < 0 || typeof value === 'number') index = this.constants.push(value) - 1;
    return `k[${index}]`;
  }

  /** Code that calls compile.ts's closure for `expr`. */
  embed(expr: unknown, out: string[]): string {
    const t = this.temp();
    out.push(`${t} = ${this.ref(this.tools.closure(expr))}(d);`);
    return t;
  }

  /**
   * Appends the statements that evaluate `expr` to `out` and returns an expression for its value
   * (a local, a literal or a constant), evaluated once.
   */
  gen(expr: unknown, out: string[]): string {
    if (!isLogic(expr)) {
      if (Array.isArray(expr)) return this.folded(expr) ?? this.embed(expr, out);
      return this.literal(expr);
    }
    const op = Object.keys(expr)[0]!;
    const raw = expr[op];
    const args = Array.isArray(raw) ? raw : [raw];
    // Only the operations compile.ts works out at compile time are asked for their constant.
    const folded = this.tools.foldable.has(op) ? this.folded(expr) : undefined;
    if (folded !== undefined) return folded;
    switch (op) {
      case 'var':
        return this.variable(expr, args, out);
      case 'if':
      case '?:':
        return this.conditional(args, out);
      case 'and':
      case 'or':
        return this.logical(op === 'and', args, out);
    }
    const value = this.operation(op, args, out);
    if (value === undefined) return this.embed(expr, out);
    const used = this.tools.fixedArity[op];
    // json-logic-js evaluates every argument, used or not: the surplus ones, after the operation.
    if (used !== undefined) for (const surplus of args.slice(used)) this.gen(surplus, out);
    return value;
  }

  /** The constant compile.ts made of `expr` (folded arithmetic, a multiplier of 1), as code. */
  folded(expr: unknown): string | undefined {
    const constant = this.tools.constantOf(this.tools.closure(expr));
    return constant ? this.literal(constant.value) : undefined;
  }

  /** `var` with a written path and a constant fallback: the walk, inline; anything else embedded. */
  variable(expr: unknown, args: unknown[], out: string[]): string {
    const [path, fallbackExpr] = args;
    if (args.length > 2 || typeof path === 'object') return this.embed(expr, out);
    const fallback = fallbackExpr === undefined ? { value: null } : this.tools.constantOf(this.tools.closure(fallbackExpr));
    if (!fallback) return this.embed(expr, out);
    if (path === undefined || path === '' || path === null) return 'd';
    const parts = String(path).split('.');
    const missing = this.literal(fallback.value === undefined ? null : fallback.value);
    if (parts.some((part) => this.tools.forbidden.has(part))) return missing;
    const result = this.temp();
    const current = this.temp();
    out.push(`${current} = d; if (${current} !== null && ${current} !== undefined) { ${this.#walk(parts, result, current, missing)} } else ${result} = ${missing};`);
    return result;
  }

  /**
   * The walk of compile.ts's constantPathRead: at each step a null or undefined value stops it, a
   * missing key or a function reads nothing; the last value may be null.
   */
  #walk(parts: string[], result: string, current: string, missing: string): string {
    let code = '';
    for (let i = parts.length - 1; i >= 0; i--) {
      const read = `${current} = ${current}[${this.ref(parts[i])}];`;
      code = i === parts.length - 1
        ? `${read} ${result} = ${current} === undefined || typeof ${current} === 'function' ? ${missing} : ${current};`
        : `${read} if (${current} === null || ${current} === undefined || typeof ${current} === 'function') ${result} = ${missing}; else { ${code} }`;
    }
    return code;
  }

  /** `if` / `?:`: each condition, then the branch it picks, evaluated only when reached. */
  conditional(args: unknown[], out: string[]): string {
    const result = this.temp();
    const branch = (i: number, block: string[]) => {
      if (i < args.length - 1) {
        const test = this.gen(args[i], block);
        const then: string[] = [];
        then.push(`${result} = ${this.gen(args[i + 1], then)};`);
        const otherwise: string[] = [];
        branch(i + 2, otherwise);
        block.push(`if (h.truthy(${test})) { ${then.join(' ')} } else { ${otherwise.join(' ')} }`);
      } else if (args.length === i + 1) {
        block.push(`${result} = ${this.gen(args[i], block)};`);
      } else {
        block.push(`${result} = null;`);
      }
    };
    branch(0, out);
    return result;
  }

  /** `and` / `or`: the first value that decides, or the last; undefined without arguments. */
  logical(and: boolean, args: unknown[], out: string[]): string {
    if (args.length === 0) return 'undefined';
    const result = this.temp();
    const step = (i: number, block: string[]) => {
      block.push(`${result} = ${this.gen(args[i], block)};`);
      if (i + 1 >= args.length) return;
      const next: string[] = [];
      step(i + 1, next);
      block.push(`if (${and ? '' : '!'}h.truthy(${result})) { ${next.join(' ')} }`);
    };
    step(0, out);
    return result;
  }

  /** Evaluates `expr` into a local, then applies a helper to it (so the next argument comes after). */
  #value(expr: unknown, out: string[], helper?: 'c' | 'num'): string {
    const value = this.gen(expr, out);
    if (!helper) return value;
    const t = this.temp();
    out.push(`${t} = h.${helper}(${value});`);
    return t;
  }

  /** A fixed-shape operation or a custom one, as compile.ts's compileFixedOp; undefined to embed. */
  operation(op: string, args: unknown[], out: string[]): string | undefined {
    const n = args.length;
    const result = this.temp();
    const set = (code: string) => {
      out.push(`${result} = ${code};`);
      return result;
    };
    switch (op) {
      case '==':
      case '!=':
      case '>':
      case '>=':
      case '/':
      case '%': {
        if (n < 2) return undefined;
        const a = this.#value(args[0], out, 'c');
        const b = this.#value(args[1], out, 'c');
        return set(`${a} ${op} ${b}`);
      }
      case '===':
      case '!==': {
        if (n < 2) return undefined;
        const a = this.#value(args[0], out);
        const b = this.#value(args[1], out);
        return set(`${a} ${op} ${b}`);
      }
      case '<':
      case '<=': {
        if (n < 2) return undefined;
        const a = this.#value(args[0], out, 'c');
        const b = this.#value(args[1], out, 'c');
        if (n === 2) return set(`${a} ${op} ${b}`);
        // The third argument is evaluated whatever the first comparison says, coerced only if read.
        const w = this.#value(args[2], out);
        return set(`${a} ${op} ${b} && ${b} ${op} h.c(${w})`);
      }
      case '!':
      case '!!': {
        if (n < 1) return undefined;
        const a = this.#value(args[0], out);
        return set(`${op === '!' ? '!' : ''}h.truthy(${a})`);
      }
      case '+': {
        if (n === 2) {
          const a = this.#value(args[0], out, 'num');
          const b = this.#value(args[1], out, 'num');
          return set(`${a} + ${b}`);
        }
        out.push(`${result} = 0;`);
        for (const arg of args) {
          const v = this.#value(arg, out, 'num');
          out.push(`${result} = ${result} + ${v};`);
        }
        return result;
      }
      case '*': {
        if (n === 0) return undefined;
        if (n === 2) {
          const a = this.#value(args[0], out, 'num');
          const b = this.#value(args[1], out, 'num');
          return set(`${a} * ${b}`);
        }
        // json-logic-js reduces without a seed: the first value is used as-is.
        out.push(`${result} = ${this.gen(args[0], out)};`);
        for (let i = 1; i < n; i++) {
          const left = this.temp();
          out.push(`${left} = h.num(${result});`);
          const v = this.#value(args[i], out, 'num');
          out.push(`${result} = ${left} * ${v};`);
        }
        return result;
      }
      case '-': {
        if (n === 0) return undefined;
        const a = this.#value(args[0], out, 'c');
        if (n === 1) return set(`-${a}`);
        const b = this.#value(args[1], out, 'c');
        return set(`${b} === undefined ? -${a} : ${a} - ${b}`);
      }
      case 'min':
      case 'max': {
        if (n !== 2) return undefined;
        const a = this.#value(args[0], out, 'c');
        const b = this.#value(args[1], out, 'c');
        return set(`Math.${op}(${a}, ${b})`);
      }
      case 'multiplier': {
        // Written keys only (a folded one was worked out already); computed keys are embedded.
        if ((n !== 1 && n !== 2) || typeof args[0] !== 'string' || (n === 2 && typeof args[1] !== 'string')) return undefined;
        return set(`h.multiplierOf(d, ${this.ref(args[0])}, ${n === 2 ? this.ref(args[1]) : 'undefined'})`);
      }
    }
    const fn = Object.hasOwn(this.tools.custom, op) ? this.tools.custom[op] : undefined;
    if (!fn || op === 'coalesce' || op === 'multiplier' || ![0, 1, 2, 3, 5].includes(n)) return undefined;
    const values = args.map((arg) => this.#value(arg, out, 'c'));
    return set(`${this.ref(fn)}.call(d${values.map((v) => `, ${v}`).join('')})`);
  }
}

/**
 * One function for the document, with compileLogic's budget around it, or undefined when it is
 * better left to the closures (too large, or code generation is not allowed in this process).
 */
export function generateLogic(expr: unknown, tools: CodegenTools): Compiled | undefined {
  if (!fits(expr)) return undefined;
  try {
    const generator = new Generator(tools);
    const body: string[] = [];
    const value = generator.gen(expr, body);
    const temps = generator.temps > 0 ? `let ${Array.from({ length: generator.temps }, (_, i) => `t${i}`).join(', ')};` : '';
    const source = `return function logic(d) { ${temps} let r; h.start(d); try { ${body.join(' ')} r = ${value}; } catch (error) { h.end(d); throw error; } h.end(d); return r; };`;
    // Built from the document's shape only (see the header): no text of it is in `source`.
    return new Function('k', 'h', source)(generator.constants, tools.helpers) as Compiled;
  } catch {
    // Code generation refused by the process (or anything unforeseen): the closures serve.
    return undefined;
  }
}

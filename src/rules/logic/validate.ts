// Static checks of a JSON Logic document before it is saved: every operation known, no `log`, var
// paths only from the context's roots and never into object internals, and the limits of
// limits.ts (size, depth, array length, iterating operations and their nesting). Problems come back
// with their JSON path below the document.
import { ITERATING_OPERATIONS, MAX_ITERATION_NESTING, MAX_ITERATIONS, MAX_LOGIC_ARRAY, MAX_LOGIC_BYTES, MAX_LOGIC_DEPTH } from './limits.ts';
import { KNOWN_OPERATIONS } from './operations.ts';
import { CONTEXT_KEYS, FORBIDDEN_KEYS, VAR_ROOTS } from './var-path.ts';

export interface LogicProblem {
  /** Path segments below the expression's own location. */
  path: (string | number)[];
  message: string;
}

type Path = (string | number)[];
const format = (n: number) => n.toLocaleString('en-US');

interface Walk {
  problems: LogicProblem[];
  iterations: number;
  tooDeep: boolean;
}

/** Where a node sits: how deep, how many iterating operations it runs inside, and whether its data is the context. */
interface Place {
  depth: number;
  nesting: number;
  root: boolean;
}

export function checkLogic(expr: unknown, path: Path = []): LogicProblem[] {
  const walk: Walk = { problems: [], iterations: 0, tooDeep: false };
  visit(expr, path, { depth: 0, nesting: 0, root: true }, walk, false);
  if (walk.iterations > MAX_ITERATIONS) {
    walk.problems.push({ path, message: `has ${walk.iterations} iterating operations (map, filter, reduce, all, none, some); at most ${MAX_ITERATIONS}` });
  }
  // A document nested too deep is not serialized (that would recurse as deep as it goes).
  if (!walk.tooDeep) {
    const bytes = Buffer.byteLength(JSON.stringify(expr) ?? '');
    if (bytes > MAX_LOGIC_BYTES) walk.problems.unshift({ path, message: `is ${format(bytes)} bytes long; at most ${format(MAX_LOGIC_BYTES)} (16 KiB)` });
  }
  return walk.problems;
}

/** `args`: the node is an operation's argument list (not a literal, no extra depth). */
function visit(expr: unknown, path: Path, at: Place, walk: Walk, args: boolean): void {
  if (typeof expr !== 'object' || expr === null) return;
  const depth = args ? at.depth : at.depth + 1;
  if (depth > MAX_LOGIC_DEPTH) {
    walk.problems.push({ path, message: `the expression is nested deeper than ${MAX_LOGIC_DEPTH} levels` });
    walk.tooDeep = true;
    return;
  }
  const here = { ...at, depth };
  if (Array.isArray(expr)) {
    if (expr.length > MAX_LOGIC_ARRAY) walk.problems.push({ path, message: `has ${format(expr.length)} elements; at most ${MAX_LOGIC_ARRAY}` });
    // Literals need no path of their own (most elements of long arrays are).
    expr.forEach((e, i) => typeof e === 'object' && e !== null && visit(e, [...path, i], here, walk, false));
    return;
  }
  const keys = Object.keys(expr);
  if (keys.length !== 1) {
    // Not an operation: json-logic-js returns such objects as data; look inside anyway.
    for (const k of keys) {
      if (FORBIDDEN_KEYS.has(k)) walk.problems.push({ path: [...path, k], message: `"${k}" is not allowed` });
      else visit((expr as Record<string, unknown>)[k], [...path, k], here, walk, false);
    }
    return;
  }
  const op = keys[0]!;
  const raw = (expr as Record<string, unknown>)[op];
  const at2 = [...path, op];
  if (op === 'log') walk.problems.push({ path: at2, message: 'the "log" operation is not allowed in rules' });
  else if (!KNOWN_OPERATIONS.has(op)) {
    walk.problems.push({ path: at2, message: `unknown operation "${op}"; known: ${[...KNOWN_OPERATIONS].sort().join(', ')}` });
  }
  if (op === 'var') checkVar(Array.isArray(raw) ? raw[0] : raw, at2, here, walk);
  if (!ITERATING_OPERATIONS.has(op)) return visit(raw, at2, here, walk, Array.isArray(raw));
  walk.iterations++;
  if (at.nesting + 1 > MAX_ITERATION_NESTING) {
    walk.problems.push({ path, message: `iterating operations are nested ${at.nesting + 1} deep here (each runs once per element of the one around it); at most ${MAX_ITERATION_NESTING}` });
  }
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length > MAX_LOGIC_ARRAY) walk.problems.push({ path: at2, message: `has ${format(list.length)} elements; at most ${MAX_LOGIC_ARRAY}` });
  list.slice(0, MAX_LOGIC_ARRAY).forEach((arg, i) => {
    const place = i === 1 ? { depth, nesting: at.nesting + 1, root: false } : here;
    if (typeof arg === 'object' && arg !== null) visit(arg, Array.isArray(raw) ? [...at2, i] : at2, place, walk, false);
  });
}

function checkVar(first: unknown, path: Path, at: Place, walk: Walk): void {
  if (typeof first !== 'string' && typeof first !== 'number') return;
  const text = String(first);
  if (text === '') return;
  const parts = text.split('.');
  if (parts.some((p) => FORBIDDEN_KEYS.has(p))) {
    walk.problems.push({ path, message: `variable path "${text}" reaches into object internals` });
  } else if (at.root && !CONTEXT_KEYS.has(parts[0]!)) {
    walk.problems.push({ path, message: `variable path "${text}" does not start with one of ${VAR_ROOTS.join(', ')}` });
  }
}

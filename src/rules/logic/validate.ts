// Static checks of a JSON Logic expression before it is saved: every operation known, no `log`,
// no var path into object internals. Problems come back with their JSON path.
import { KNOWN_OPERATIONS } from './operations.ts';

export interface LogicProblem {
  /** Path segments below the expression's own location. */
  path: (string | number)[];
  message: string;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);
export const MAX_DEPTH = 64;

export function checkLogic(expr: unknown, path: (string | number)[] = []): LogicProblem[] {
  if (path.length > MAX_DEPTH * 2) return [{ path, message: `the expression is nested deeper than ${MAX_DEPTH} levels` }];
  if (Array.isArray(expr)) return expr.flatMap((e, i) => checkLogic(e, [...path, i]));
  if (typeof expr !== 'object' || expr === null) return [];
  const keys = Object.keys(expr);
  if (keys.length !== 1) {
    // Not an operation: json-logic-js returns such objects as data; look inside anyway.
    return keys.flatMap((k) => (FORBIDDEN_KEYS.has(k) ? [{ path: [...path, k], message: `"${k}" is not allowed` }] : checkLogic((expr as Record<string, unknown>)[k], [...path, k])));
  }
  const op = keys[0]!;
  const args = (expr as Record<string, unknown>)[op];
  const problems: LogicProblem[] = [];
  if (op === 'log') problems.push({ path: [...path, op], message: 'the "log" operation is not allowed in rules' });
  else if (!KNOWN_OPERATIONS.has(op)) {
    problems.push({ path: [...path, op], message: `unknown operation "${op}"; known: ${[...KNOWN_OPERATIONS].sort().join(', ')}` });
  }
  if (op === 'var') {
    const first = Array.isArray(args) ? args[0] : args;
    if (typeof first === 'string' && first.split('.').some((p) => FORBIDDEN_KEYS.has(p))) {
      problems.push({ path: [...path, op], message: `variable path "${first}" reaches into object internals` });
    }
  }
  problems.push(...checkLogic(args, [...path, op]));
  return problems;
}

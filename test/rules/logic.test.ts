import { describe, expect, it } from 'vitest';
import { compileLogic } from '../../src/rules/logic/compile.ts';
import { jsonLogic, MULTIPLIERS } from '../../src/rules/logic/operations.ts';
import { checkLogic } from '../../src/rules/logic/validate.ts';

/** A small deterministic PRNG so failures reproduce. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const DATA = { a: 3, b: -2.5, s: 'abc', n: null, t: true, f: false, z: 0, arr: [1, 2, 3], empty: [], o: { x: 7, y: { z: 'deep' } } };
const VARS = ['a', 'b', 's', 'n', 't', 'f', 'z', 'arr', 'empty', 'o.x', 'o.y.z', 'missing', 'o.missing.x'];
const BINARY = ['==', '===', '!=', '!==', '>', '>=', '<', '<=', '+', '-', '*', '/', '%', 'min', 'max', 'cat', 'in', 'and', 'or', 'if', 'pow', 'floor', 'trunc', 'merge', 'substr'];

function randomExpr(next: () => number, depth: number): unknown {
  const r = next();
  if (depth <= 0 || r < 0.3) {
    const leaf = next();
    if (leaf < 0.4) return { var: VARS[Math.floor(next() * VARS.length)] };
    if (leaf < 0.55) return { var: [VARS[Math.floor(next() * VARS.length)], 'fallback'] };
    if (leaf < 0.8) return Math.round((next() - 0.5) * 20 * 10) / 10;
    if (leaf < 0.9) return ['x', 'abc', '', '3'][Math.floor(next() * 4)];
    return [true, false, null][Math.floor(next() * 3)];
  }
  if (r < 0.38) return { '!': [randomExpr(next, depth - 1)] };
  if (r < 0.42) return { '!!': randomExpr(next, depth - 1) };
  if (r < 0.46) return { '<': [randomExpr(next, depth - 1), randomExpr(next, depth - 1), randomExpr(next, depth - 1)] };
  const op = BINARY[Math.floor(next() * BINARY.length)]!;
  const arity = op === 'if' ? 3 : ['+', '*', 'min', 'max', 'cat', 'and', 'or', 'merge'].includes(op) ? 1 + Math.floor(next() * 3) : op === 'floor' || op === 'trunc' ? 1 : 2;
  return { [op]: Array.from({ length: arity }, () => randomExpr(next, depth - 1)) };
}

const same = (a: unknown, b: unknown) => Object.is(a, b) || JSON.stringify(a) === JSON.stringify(b) || (Number.isNaN(a) && Number.isNaN(b));

describe('JSON Logic compiler', () => {
  it('gives exactly what json-logic-js gives on 5,000 random expressions', () => {
    const next = rng(20261122);
    let compared = 0;
    for (let i = 0; i < 5000; i++) {
      const expr = randomExpr(next, 4);
      let expected: unknown;
      let expectedError: string | undefined;
      try {
        expected = jsonLogic.apply(expr as never, DATA);
      } catch (error) {
        expectedError = (error as Error).message;
      }
      let actual: unknown;
      let actualError: string | undefined;
      try {
        actual = compileLogic(expr)(DATA);
      } catch (error) {
        actualError = (error as Error).message;
      }
      if (expectedError !== undefined) {
        expect(actualError, JSON.stringify(expr)).toBeDefined();
        continue;
      }
      expect(same(actual, expected), `${JSON.stringify(expr)}: compiled ${JSON.stringify(actual)} vs json-logic-js ${JSON.stringify(expected)}`).toBe(true);
      compared++;
    }
    expect(compared).toBeGreaterThan(4000);
  });

  it('passes the data as `this` to custom operations, as json-logic-js does', () => {
    const data = { [MULTIPLIERS]: { multiplier: (c: string, k?: string) => (c === 'xp' && k === undefined ? 1.5 : 2) } };
    expect(compileLogic({ multiplier: ['xp'] })(data)).toBe(1.5);
    expect(jsonLogic.apply({ multiplier: ['xp'] } as never, data)).toBe(1.5);
    expect(compileLogic({ multiplier: ['xp', 'reaction_received'] })(data)).toBe(2);
  });

  it('names unknown operations, `log`, and var paths into object internals with their path', () => {
    expect(checkLogic({ and: [{ '>': [1, 0] }, { frobnicate: [1] }] }).map((p) => p.path)).toEqual([['and', 1, 'frobnicate']]);
    expect(checkLogic({ log: 'x' })[0]!.message).toContain('not allowed');
    expect(checkLogic({ var: 'actor.__proto__.x' })[0]!.message).toContain('internals');
    expect(checkLogic({ if: [{ var: 'event.a' }, { pow: [2, 3] }, 0] })).toEqual([]);
  });
});

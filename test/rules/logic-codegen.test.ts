// The generated form of a JSON Logic document (logic/codegen.ts) against the closures it replaces
// on the hot path: the same value or the same error on hostile data, the same budget spent, no
// text of the document in the generated source, and the closures kept for what is not generated.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spentOperations } from '../../src/rules/logic/budget.ts';
import { compileLogic } from '../../src/rules/logic/compile.ts';
import { MULTIPLIERS } from '../../src/rules/logic/operations.ts';

const hostile = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, 1e21, 5e-324, Number.MAX_SAFE_INTEGER, 2 ** 53, NaN, Infinity, null, true, false, '', ' ', '0', '12abc', '1e3', 'abc', [], [1], [1, 2], ['7'], [null], { a: 1 }),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 6 }),
);

const PATHS = ['x', 'y', 'list', 'missing', 'list.1', 'x.length', 'nest.a', 'nest.a.b', 'nest.a.c', 'nest.none.b', 'list.0.length', 'x.y.z', '', 'nest.fn', 'nest.fn.b', 'constructor', 'nest.a.b.c.d'];
const OPS = ['==', '===', '!=', '!==', '>', '>=', '<', '<=', '!', '!!', '+', '*', '-', '/', '%', 'min', 'max', 'if', '?:', 'and', 'or',
  'pow', 'floor', 'ceil', 'trunc', 'round', 'abs', 'clamp', 'div', 'coalesce', 'quality_modifier', 'random_int', 'multiplier', 'cat', 'in', 'missing', 'merge', 'substr', 'map', 'filter', 'reduce', 'some'] as const;

const expression = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...PATHS).map((v) => ({ var: v })),
    fc.tuple(fc.constantFrom(...PATHS), hostile.filter((v) => !Array.isArray(v))).map(([v, fallback]) => ({ var: [v, fallback] })),
    fc.tuple(fc.constantFrom('x', 'missing'), tie('node')).map(([v, fallback]) => ({ var: [v, fallback] })),
    fc.constantFrom('xp', 'stars').map((c) => ({ multiplier: [c, 'message'] })),
    hostile.filter((v) => !Array.isArray(v) && (typeof v !== 'object' || v === null)),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.tuple(fc.constantFrom(...OPS), fc.array(tie('node'), { minLength: 0, maxLength: 6 })).map(([op, args]) => ({ [op]: args })),
  ),
})).node;

const outcome = (fn: () => unknown) => {
  try {
    return { value: fn(), spent: spentOperations() };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
};

/** Data like the engine's: nested objects, a getter, a function (never read), multipliers by symbol. */
function dataOf(x: unknown, y: unknown) {
  const nest = { a: { b: x, c: null }, none: null, fn: () => 1, get lazy() { return y; } };
  return { x, y, list: [x, y], nest, [MULTIPLIERS]: { multiplier: (currency: string, key?: string) => currency.length + (key?.length ?? 0) / 10 } };
}

describe('generated JSON Logic', () => {
  it('gives what the closures give, value or error, and spends the same budget (fast-check, 4,000 documents)', () => {
    fc.assert(
      fc.property(expression, hostile, hostile, fc.boolean(), (expr, x, y, noZones) => {
        const data = dataOf(x, y);
        const closures = outcome(() => compileLogic(expr, { noZones, closures: true })(data));
        const generated = outcome(() => compileLogic(expr, { noZones })(data));
        expect(generated).toEqual(closures);
      }),
      { seed: 2612, numRuns: 4000 },
    );
  });

  it('is a generated function for the shape of a rule, and the closures beyond 400 operations', () => {
    const amount = compileLogic({ '*': [15, { var: 'vars.quality' }] });
    expect(amount.name).toBe('logic');
    expect(amount({ vars: { quality: 1.5 } })).toBe(22.5);
    let big: unknown = { var: 'x' };
    for (let i = 0; i < 450; i++) big = { '+': [big, 1] };
    const large = compileLogic(big);
    expect(large.name).not.toBe('logic');
    expect(large({ x: 1 })).toBe(451);
  });

  it('never puts a key or a string of the document into the generated source', () => {
    const hostileKey = `a'];process[0](1);//\u2028\${x}*/"\\`;
    const hostileText = `"); throw new Error('escaped'); ("`;
    const doc = { if: [{ '==': [{ var: `event.${hostileKey}` }, hostileText] }, { cat: [hostileText, { var: 'x' }] }, { var: [hostileKey, hostileText] }] };
    const fn = compileLogic(doc);
    expect(fn.name).toBe('logic');
    const source = fn.toString();
    expect(source).not.toContain('process');
    expect(source).not.toContain('escaped');
    expect(source).not.toContain('event');
    expect(fn({ event: { [hostileKey]: hostileText }, x: '!' })).toBe(`${hostileText}!`);
    expect(fn({ [hostileKey]: 7 })).toBe(7);
    expect(fn({})).toBe(hostileText);
  });

  it('keeps the run-time budget of what it embeds: an iterating operation inside still stops at its limit', () => {
    const doc = { '+': [1, { reduce: [{ var: 'list' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] }] };
    const fn = compileLogic(doc);
    expect(fn.name).toBe('logic');
    expect(fn({ list: [1, 2, 3] })).toBe(7);
    const huge = Array.from({ length: 60_000 }, () => 1);
    expect(() => fn({ list: huge })).toThrow(/budget|operations/i);
  });

  it('falls back to the closures, with the same values, in a process that forbids code generation', () => {
    const script = `
      import { compileLogic } from ${JSON.stringify(new URL('../../src/rules/logic/compile.ts', import.meta.url).pathname)};
      const fn = compileLogic({ if: [{ '>': [{ var: 'x' }, 1] }, { '*': [15, { var: 'x' }] }, 'low'] });
      console.log(JSON.stringify([fn.name, fn({ x: 2 }), fn({ x: 1 })]));`;
    const run = (flags: string[]) => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', ...flags, '--input-type=module', '-e', script], { encoding: 'utf8' })) as unknown[];
    expect(run(['--disallow-code-generation-from-strings'])).toEqual(['', 30, 'low']);
    expect(run([])).toEqual(['logic', 30, 'low']);
  });
});

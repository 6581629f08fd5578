// Issue 13 §1 and §7: evaluation is bounded at run time (operations, built arrays and strings) with
// json-logic-js's exact semantics for everything within bounds, and `var` reads only the context's
// documented roots and plain data, whatever path a rule computes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/rules/engine.ts';
import { buildContext } from '../../src/rules/context.ts';
import { LogicBudgetError, spentOperations } from '../../src/rules/logic/budget.ts';
import { compileLogic } from '../../src/rules/logic/compile.ts';
import { MAX_ELEMENTS, MAX_EVENT_OPERATIONS, MAX_OPERATIONS, MAX_STRING_LENGTH } from '../../src/rules/logic/limits.ts';
import { jsonLogic } from '../../src/rules/logic/operations.ts';
import { MemoryState } from '../../src/rules/state.ts';
import { budgetBuster, heavyCondition, NESTED_MAP, NESTED_SOME } from '../support/hostile-logic.ts';
import { ALICE, GUILD } from '../support/factories.ts';
import { config, creditRule, event } from './support.ts';

const DATA = { a: 3, b: -2.5, s: 'abc', n: null, t: true, f: false, z: 0, arr: [1, 2, 3], words: ['x', 'abc', ''], nested: [[1, 2], [3]], empty: [], o: { x: 7, y: { z: 'deep' } }, objs: [{ x: 1 }, { x: 5 }] };
const PATHS = ['a', 'b', 's', 'n', 't', 'z', 'arr', 'words', 'nested', 'empty', 'o.x', 'o.y.z', 'objs', 'missing', 'o.missing.x', 'arr.1', 's.length', '', 'x', 'current', 'accumulator'];
const ITERATING = ['map', 'filter', 'reduce', 'all', 'none', 'some'] as const;
const OPS = ['==', '===', '!=', '!==', '>', '>=', '<', '<=', '+', '-', '*', '/', '%', 'min', 'max', 'cat', 'in', 'and', 'or', 'if', '!', '!!', 'merge', 'substr', 'missing', 'missing_some'] as const;

/** Random JSON Logic over DATA, iterating operations included (json-logic-js is the reference). */
const expr = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...PATHS).map((p) => ({ var: p })),
    fc.tuple(fc.constantFrom(...PATHS), fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant('fb'))).map(([p, d]) => ({ var: [p, d] })),
    fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true, min: -10, max: 10 }), fc.constantFrom('x', 'abc', '', '3', true, false, null)),
    fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('x', 'abc')), { maxLength: 4 }),
    fc.tuple(fc.constantFrom(...ITERATING), fc.oneof(tie('node'), fc.constantFrom({ var: 'arr' }, { var: 'objs' }, { var: 'nested' }, { var: 'words' })), tie('node'), fc.option(tie('node'))).map(([op, over, each, initial]) =>
      ({ [op]: op === 'reduce' && initial !== null ? [over, each, initial] : [over, each] })),
    fc.tuple(fc.constantFrom(...OPS), fc.array(tie('node'), { minLength: 1, maxLength: 3 })).map(([op, args]) => ({ [op]: args })),
  ),
})).node;

const outcome = (fn: () => unknown) => {
  try {
    return { value: fn() };
  } catch (error) {
    return { error: (error as Error).name };
  }
};
const same = (a: unknown, b: unknown) => Object.is(a, b) || JSON.stringify(a) === JSON.stringify(b);

describe('the compiled iterating operations', () => {
  it('give exactly what json-logic-js gives (fast-check, 3,000 expressions, fixed seed)', () => {
    fc.assert(
      fc.property(expr, (e) => {
        const expected = outcome(() => jsonLogic.apply(e as never, DATA));
        const actual = outcome(() => compileLogic(e)(DATA));
        if ('error' in expected) return 'error' in actual;
        return 'value' in actual && same(actual.value, expected.value);
      }),
      { seed: 13, numRuns: 3000 },
    );
  });

  it('bind each element as the data of their per-element logic, and reduce over current and accumulator', () => {
    expect(compileLogic({ map: [{ var: 'objs' }, { '*': [{ var: 'x' }, 2] }] })(DATA)).toEqual([2, 10]);
    expect(compileLogic({ reduce: [{ var: 'arr' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 10] })(DATA)).toBe(16);
    expect(compileLogic({ all: [[], true] })(DATA)).toBe(false);
    expect(compileLogic({ none: ['x', true] })(DATA)).toBe(true);
  });
});

describe('the run-time budget', () => {
  it(`stops the issue's nested some (5 deep × 100) and map (4 deep × 200) after ${MAX_OPERATIONS.toLocaleString('en-US')} operations, at once`, () => {
    for (const doc of [NESTED_SOME, NESTED_MAP]) {
      const started = performance.now();
      expect(() => compileLogic(doc)({})).toThrow(LogicBudgetError);
      expect(performance.now() - started).toBeLessThan(100);
    }
    expect(() => compileLogic(NESTED_SOME)({})).toThrow(/took more than 100,000 operations on this event; the rule was skipped for this event/);
  });

  it('counts each element visited and each operation inside, and starts afresh on each evaluation', () => {
    const sum = compileLogic({ reduce: [{ var: 'arr' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] });
    expect(sum(DATA)).toBe(6);
    // 3 elements, and per element: the +, two vars; weighing nothing built.
    expect(spentOperations()).toBe(3 + 3 * 3);
    expect(() => compileLogic(NESTED_SOME)({})).toThrow(LogicBudgetError);
    expect(sum(DATA)).toBe(6);
  });

  it(`refuses to build an array of more than ${MAX_ELEMENTS.toLocaleString('en-US')} elements (merge, map, arrays of references)`, () => {
    const big = Array.from({ length: 200 }, (_, i) => i);
    const data = { big, many: Array.from({ length: 60 }, () => big) };
    expect(compileLogic({ merge: Array.from({ length: 50 }, () => ({ var: 'big' })) })(data)).toHaveLength(10_000);
    expect(() => compileLogic({ merge: Array.from({ length: 51 }, () => ({ var: 'big' })) })(data)).toThrow(/more than 10,000 elements/);
    // Nested references weigh what they would serialize to.
    expect(() => compileLogic(Array.from({ length: 60 }, () => ({ var: 'big' })))(data)).toThrow(/more than 10,000 elements/);
    expect(() => compileLogic({ map: [{ var: 'many' }, { var: '' }] })(data)).toThrow(/more than 10,000 elements/);
  });

  it(`refuses to build a string of more than ${MAX_STRING_LENGTH.toLocaleString('en-US')} characters, or to coerce a huge array into one`, () => {
    const data = { s: 'x'.repeat(40_000), big: Array.from({ length: 9_000 }, () => 'abcdefgh') };
    expect(compileLogic({ cat: [{ var: 's' }, 'y'] })(data)).toHaveLength(40_001);
    expect(() => compileLogic({ cat: [{ var: 's' }, { var: 's' }] })(data)).toThrow(/string of more than 65,536 characters/);
    expect(() => compileLogic({ '==': [{ var: 'big' }, 'x'] })(data)).toThrow(/string of more than 65,536/);
    expect(() => compileLogic({ '+': [{ var: 'big' }, 1] })(data)).toThrow(/string of more than 65,536/);
    expect(() => compileLogic({ substr: [{ var: 'big' }, 0, 5] })(data)).toThrow(/string of more than 65,536/);
    expect(() => compileLogic({ in: ['x', { cat: [{ var: 'big' }] }] })(data)).toThrow(/string of more than 65,536/);
  });
});

describe('variable paths at run time', () => {
  const cfg = config({ rules: [creditRule('r')] });
  const ctx = () => buildContext(cfg, new MemoryState(GUILD), event('message_create', { data: { length: 42, text: 'hi' } }), 0, 'message_create');

  it("give null for the issue's computed paths to `constructor`, which read the source of an internal class before", () => {
    expect(compileLogic({ var: [['constructor']] })(ctx())).toBeNull();
    expect(compileLogic({ var: { cat: ['constr', 'uctor'] } })(ctx())).toBeNull();
    expect(compileLogic({ cat: [{ var: { cat: ['constr', 'uctor'] } }] })(ctx())).toBe('');
    expect(compileLogic({ var: [{ cat: ['event.constr', 'uctor'] }, 'fallback'] })(ctx())).toBe('fallback');
  });

  it('read only the roots of the context, the members’ own fields and own properties of plain data', () => {
    const constant = (path: string) => compileLogic({ var: [path, 'none'] })(ctx());
    const computed = (path: string) => compileLogic({ var: [{ cat: [path] }, 'none'] })(ctx());
    for (const read of [constant, computed]) {
      expect(read('event.data.length')).toBe(42);
      expect(read('event.data.text.length')).toBe(2);
      expect(read('actor.id')).toBe(ALICE);
      expect(read('actor.balances.xp')).toBe(0);
      expect(read('chain.depth')).toBe(0);
      // Internals are private fields or functions: neither path reaches them.
      for (const hidden of ['$multipliers', 'config', 'state', 'multiplier', 'invalidate', 'toJSON', 'actor.config', 'actor.state', 'actor.invalidate', 'event.data.hasOwnProperty', 'event.__proto__', 'event.data.length.toFixed', 'vars.constructor', 'time.constructor.name', '__proto__']) {
        expect(read(hidden), hidden).toBe('none');
      }
    }
    // A computed path reads only the documented roots (a constant one outside them is refused at save).
    expect(computed('at')).toBe('none');
    expect(computed('0')).toBe('none');
  });

  it('give the context as its roots when a rule reads it whole', () => {
    const whole = JSON.parse(JSON.stringify(compileLogic({ var: '' })(ctx())));
    expect(Object.keys(whole).sort()).toEqual(['actor', 'chain', 'channel_type', 'event', 'self', 'target', 'time', 'vars', 'zone']);
  });
});

describe('a rule over budget in the engine', () => {
  it('is skipped for that event with a rule error, while the other rules fire', () => {
    const cfg = config({ rules: [budgetBuster() as never, creditRule('fine', { currency: 'gold', amount: 2 })] });
    const long = evaluate(cfg, new MemoryState(GUILD), event('message_create', { data: { length: 5000 } }));
    expect(long.errors).toEqual([expect.objectContaining({ rule: 'budget-buster', message: expect.stringContaining('took more than 100,000 operations') })]);
    expect(long.plan.postings.map((p) => [p.currency, p.delta])).toEqual([['gold', 2]]);
    const short = evaluate(cfg, new MemoryState(GUILD), event('message_create', { data: { length: 100 } }));
    expect(short.errors).toEqual([]);
  });
});

describe('the rules of one event', () => {
  it(`share ${MAX_EVENT_OPERATIONS.toLocaleString('en-US')} operations: iterating rules beyond it are skipped, rules that iterate nothing still fire`, () => {
    const heavy = Array.from({ length: 20 }, (_, i) => creditRule(`heavy-${String(i).padStart(2, '0')}`, { priority: 10, conditions: [{ if: { '!': heavyCondition() } }] }));
    const cfg = config({ rules: [...heavy, creditRule('plain', { currency: 'gold', amount: 2 })] });
    const result = evaluate(cfg, new MemoryState(GUILD), event('message_create'));
    const skipped = result.errors.map((e) => e.rule);
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.length).toBeLessThan(20);
    expect(result.errors[0]!.message).toContain('the rules on this event together took more than 1,000,000 operations');
    expect(result.plan.postings.filter((p) => p.currency === 'xp')).toHaveLength(20 - skipped.length);
    expect(result.plan.postings.filter((p) => p.currency === 'gold')).toHaveLength(1);
  });
});

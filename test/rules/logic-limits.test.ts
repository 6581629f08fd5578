// Issue 13 §1 and §7: every JSON Logic document is bounded at save (size, depth, literal arrays,
// iterating operations and their nesting) and its variable paths start at a documented root;
// each refusal names its field path.
import { describe, expect, it } from 'vitest';
import { parseRule } from '../../src/rules/compiler.ts';
import { MAX_ITERATIONS, MAX_LOGIC_ARRAY, MAX_LOGIC_BYTES, MAX_LOGIC_DEPTH } from '../../src/rules/logic/limits.ts';
import { checkLogic } from '../../src/rules/logic/validate.ts';
import { VAR_ROOTS } from '../../src/rules/logic/var-path.ts';
import { budgetBuster, NESTED_MAP, NESTED_SOME, nested } from '../support/hostile-logic.ts';

const rule = (overrides: Record<string, unknown>) => ({ key: 'r', name: 'r', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', currency: 'xp', amount: 1 }], ...overrides });
const problems = (doc: Record<string, unknown>) => {
  const parsed = parseRule(doc);
  return parsed.ok ? [] : parsed.problems;
};
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('a JSON Logic document is bounded at save', () => {
  it("refuses the issue's `some` nested 5 deep over 100-element arrays (1.6 KB), naming the third level", () => {
    expect(JSON.stringify(NESTED_SOME).length).toBeGreaterThan(1400);
    expect(JSON.stringify(NESTED_SOME).length).toBeLessThan(1800);
    const found = problems(rule({ conditions: [{ if: { and: [NESTED_SOME] } }] }));
    expect(found).toContainEqual({ path: 'conditions[0].if.and[0].some[1].some[1]', message: expect.stringContaining('nested 3 deep here') });
    expect(found.every((p) => p.path.startsWith('conditions[0].if.and[0]'))).toBe(true);
  });

  it("refuses the issue's `map` nested 4 deep over 200-element arrays, as a var, an amount and an emit value", () => {
    const where = { vars: { v: NESTED_MAP }, effects: [{ type: 'credit', currency: 'xp', amount: NESTED_MAP }, { type: 'emit', event: 'level_up', data: { x: NESTED_MAP } }] };
    const paths = problems(rule(where)).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['vars.v.map[1].map[1]', 'effects[0].amount.map[1].map[1]', 'effects[1].data.x.map[1].map[1]']));
  });

  it('allows two iterating operations nested, and a chain of them over one another’s results', () => {
    expect(checkLogic(nested('some', 2, 100))).toEqual([]);
    expect(checkLogic({ some: [{ filter: [{ map: [{ var: 'event.data.items' }, { var: 'id' }] }, { '>': [{ var: '' }, 2] }] }, { '==': [{ var: '' }, 3] }] })).toEqual([]);
  });

  it(`refuses more than ${MAX_ITERATIONS} iterating operations in one document`, () => {
    const nine = { and: Array.from({ length: 9 }, () => ({ some: [[1], { var: '' }] })) };
    expect(checkLogic(nine)).toEqual([{ path: [], message: `has 9 iterating operations (map, filter, reduce, all, none, some); at most ${MAX_ITERATIONS}` }]);
    expect(checkLogic({ and: nine.and.slice(0, 8) })).toEqual([]);
  });

  it(`refuses an array of more than ${MAX_LOGIC_ARRAY} elements, literal or arguments, at its path`, () => {
    expect(checkLogic({ in: [{ var: 'event.channel_id' }, range(257)] })).toEqual([{ path: ['in', 1], message: 'has 257 elements; at most 256' }]);
    expect(checkLogic({ '+': range(300) })).toEqual([{ path: ['+'], message: 'has 300 elements; at most 256' }]);
    expect(checkLogic({ in: [{ var: 'event.channel_id' }, range(256)] })).toEqual([]);
  });

  it(`refuses a document nested deeper than ${MAX_LOGIC_DEPTH} levels, without serializing a deeper one`, () => {
    let deep: unknown = 1;
    for (let i = 0; i < 33; i++) deep = { '!': [deep] };
    expect(checkLogic(deep)[0]!.message).toBe('the expression is nested deeper than 32 levels');
    let fine: unknown = 1;
    for (let i = 0; i < 32; i++) fine = { '!': [fine] };
    expect(checkLogic(fine)).toEqual([]);
    let abyss: unknown = 1;
    for (let i = 0; i < 20_000; i++) abyss = [abyss];
    expect(checkLogic(abyss)).toHaveLength(1);
  });

  it('refuses a document over 16 KiB with the field it sits in', () => {
    const long = { in: [{ var: 'event.data.text' }, Array.from({ length: 200 }, (_, i) => `${'x'.repeat(80)}${i}`)] };
    expect(JSON.stringify(long).length).toBeGreaterThan(MAX_LOGIC_BYTES);
    expect(problems(rule({ conditions: [{ if: long }] }))).toEqual([{ path: 'conditions[0].if', message: expect.stringMatching(/^is 1\d,\d{3} bytes long; at most 16,384 \(16 KiB\)$/) }]);
  });

  it('passes the rule that only exhausts its budget at run time (its limits are static)', () => {
    expect(problems(budgetBuster())).toEqual([]);
  });
});

describe('variable paths start at a documented root', () => {
  it(`refuses a constant path outside ${VAR_ROOTS.join(', ')}, with its path`, () => {
    expect(problems(rule({ conditions: [{ if: { '!': [{ var: '$multipliers' }] } }] }))).toEqual([
      { path: 'conditions[0].if.![0].var', message: `variable path "$multipliers" does not start with one of ${VAR_ROOTS.join(', ')}` },
    ]);
    for (const path of ['config.rules', 'state', 'at', 'constructor', 'actor.__proto__', 'event.data.constructor.name', 'vars.prototype']) {
      expect(checkLogic({ var: path }), path).toHaveLength(1);
    }
    for (const path of ['event.data.length', 'actor.balances.xp', 'target.roles', 'self', 'zone.key', 'channel_type', 'time.hour', 'chain.depth', 'vars.q', 'ai_quality']) {
      expect(checkLogic({ var: [path, 0] }), path).toEqual([]);
    }
  });

  it('reads the element inside an iterating operation, where any key is its own', () => {
    expect(checkLogic({ map: [{ var: 'event.data.items' }, { var: 'id' }] })).toEqual([]);
    expect(checkLogic({ reduce: [[1, 2], { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] })).toEqual([]);
    expect(checkLogic({ map: [{ var: 'items' }, { var: 'id' }] })).toHaveLength(1);
    expect(checkLogic({ map: [{ var: 'event.data.items' }, { var: 'constructor' }] })).toHaveLength(1);
  });
});

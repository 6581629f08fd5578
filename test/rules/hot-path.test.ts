// Issue 17: the engine's fast paths answer exactly what the plain forms they replace answer —
// event times as Date.parse, limits as a walk over every recorded firing, compiled JSON Logic as
// json-logic-js — on generated inputs, hostile ones included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventTime } from '../../src/rules/context.ts';
import { LimitHistory, NO_AMOUNTS, periodStart, windowMs, type FiringRecord } from '../../src/rules/limits.ts';
import { compileLogic } from '../../src/rules/logic/compile.ts';
import { jsonLogic, MULTIPLIERS } from '../../src/rules/logic/operations.ts';
import type { Limit } from '../../src/rules/schema.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

/** Canonical instants, and the same text bent: out-of-range parts, other separators, other lengths. */
const isoText = fc.oneof(
  fc.integer({ min: -DAY * 400, max: DAY * 400 }).map((ms) => new Date(T0 + ms).toISOString()),
  fc.integer({ min: -62_000_000_000_000, max: 250_000_000_000_000 }).map((ms) => new Date(ms).toISOString()),
  fc.tuple(fc.integer({ min: 0, max: DAY * 3 }).map((ms) => new Date(T0 + ms).toISOString()), fc.integer({ min: 0, max: 23 }), fc.constantFrom(...'0123456789:-.TZz +x24'.split(''))).map(
    ([text, at, ch]) => text.slice(0, at) + ch + text.slice(at + 1),
  ),
  fc.constantFrom('2026-02-30T10:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-13-01T00:00:00.000Z', '0000-01-01T00:00:00.000Z', '2026-11-01T00:00:60.000Z', '2026-11-01T10:00:00Z', '2026-11-01T10:00:00.000+00:00', '', 'not a date at all, 24 c'),
  fc.string({ minLength: 24, maxLength: 24 }),
);

describe('eventTime', () => {
  it('is Date.parse for canonical instants, bent text and days seen one after another (fast-check, 1,000 runs of up to 20 texts)', () => {
    fc.assert(
      fc.property(fc.array(isoText, { minLength: 1, maxLength: 20 }), (texts) => {
        for (const text of texts) expect(Object.is(eventTime(text), Date.parse(text)), text).toBe(true);
      }),
      { seed: 17, numRuns: 1000 },
    );
  });
});

const SCOPES = [
  { actorId: 'a1', targetId: 'b1', channelId: 'c1' },
  { actorId: 'a1', targetId: 'b2', channelId: 'c2' },
  { actorId: 'a2', targetId: 'b1', channelId: 'c1' },
  { actorId: 'a2', targetId: null, channelId: null },
] as const;

const limitArb: fc.Arbitrary<Limit> = fc.oneof(
  fc.record({ kind: fc.constant('cooldown' as const), seconds: fc.oneof(fc.integer({ min: 0, max: 200_000 }), fc.constant(1e300), fc.constant(-5)), per: fc.constantFrom('actor', 'actor_channel', 'actor_target', 'guild') }),
  fc.record({ kind: fc.constant('rate' as const), max: fc.integer({ min: 1, max: 6 }), window_seconds: fc.integer({ min: 0, max: 200_000 }), per: fc.constantFrom('actor', 'actor_channel', 'actor_target', 'guild') }),
  fc.record({ kind: fc.constant('cap' as const), currency: fc.constant('xp'), max: fc.integer({ min: 1, max: 60 }), period: fc.constantFrom('day', 'week'), per: fc.constantFrom('actor', 'target') }),
) as fc.Arbitrary<Limit>;

/** The limits as first written: every firing of the scope walked, whatever the order. */
function reference(firings: FiringRecord[], ruleId: number, limit: Limit, at: number, f: (typeof SCOPES)[number]): { passed: boolean; remaining?: number } {
  const key = (r: { actorId: string | null; targetId: string | null; channelId: string | null }) =>
    limit.per === 'actor' ? (r.actorId ?? '') : limit.per === 'target' ? (r.targetId ?? '') : limit.per === 'actor_channel' ? `${r.actorId}|${r.channelId}` : limit.per === 'actor_target' ? `${r.actorId}|${r.targetId}` : '';
  const list = firings.filter((r) => r.ruleId === ruleId && key(r) === key(f));
  switch (limit.kind) {
    case 'cooldown':
      return { passed: !list.some((r) => r.at <= at && r.at > at - windowMs(limit.seconds)) };
    case 'rate':
      return { passed: list.filter((r) => r.at <= at && r.at > at - windowMs(limit.window_seconds)).length < limit.max };
    case 'cap': {
      const start = periodStart(at, limit.period);
      let used = 0;
      for (const r of list) if (r.at >= start && r.at <= at) used += r.amounts[`${limit.per}.xp`] ?? 0;
      const remaining = Math.max(0, limit.max - used);
      return { passed: remaining > 0, remaining };
    }
  }
}

describe('limit history', () => {
  const firing = fc.record({
    rule: fc.integer({ min: 1, max: 2 }),
    scope: fc.integer({ min: 0, max: SCOPES.length - 1 }),
    // Mostly forward in time, sometimes late, now and then not a time at all.
    step: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 40_000_000 }) }, { weight: 1, arbitrary: fc.integer({ min: -90_000_000, max: -1 }) }, { weight: 1, arbitrary: fc.constant(Number.NaN) }),
    amount: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 20 }) }),
  });

  it('answers every check as a walk over all firings would, in order or not (fast-check, 500 histories)', () => {
    fc.assert(
      fc.property(fc.array(firing, { maxLength: 60 }), fc.array(limitArb, { minLength: 1, maxLength: 3 }), fc.array(fc.tuple(fc.integer({ min: 0, max: SCOPES.length - 1 }), fc.integer({ min: -DAY, max: 20 * DAY })), { minLength: 1, maxLength: 8 }), (steps, limits, probes) => {
        const history = new LimitHistory();
        const all: FiringRecord[] = [];
        let clock = T0;
        for (const s of steps) {
          const at = Number.isNaN(s.step) ? Number.NaN : (clock += s.step);
          // A firing that credited nothing capped carries the engine's shared empty amounts.
          const amounts = s.amount === 0 ? NO_AMOUNTS : { 'actor.xp': s.amount, 'target.xp': s.amount + 1 };
          const record: FiringRecord = { ruleId: s.rule, at, ...SCOPES[s.scope]!, amounts };
          history.add(record, limits);
          all.push(record);
        }
        for (const [scope, offset] of probes) {
          for (const limit of limits) {
            const at = T0 + offset;
            const expected = reference(all, 1, limit, at, SCOPES[scope]!);
            const check = history.check(1, limit, at, history.scopeOf(SCOPES[scope]!));
            expect(check.passed).toBe(expected.passed);
            if (limit.kind === 'cap') expect(check.remaining).toBe(expected.remaining);
            const remaining = history.remaining(1, limit, at, history.scopeOf(SCOPES[scope]!));
            expect(remaining > 0).toBe(expected.passed);
            if (limit.kind === 'cap') expect(remaining).toBe(expected.remaining);
          }
        }
      }),
      { seed: 71, numRuns: 500 },
    );
  });
});

/** Values a rule may meet in event data or build: numbers at the edges, numeric and other strings, arrays. */
const hostile = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.1, 1e21, -1e21, 5e-324, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1e308, null, true, false, '', ' ', '0', '-0', ' 12 ', '12abc', '0x10', '1e3', 'Infinity', '-Infinity', 'NaN', 'abc', [], [1], [1, 2], ['7'], [[3]], [null]),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 6 }),
);
const CUSTOM = ['pow', 'floor', 'ceil', 'trunc', 'round', 'abs', 'clamp', 'div', 'coalesce', 'quality_modifier', 'random_int', 'multiplier'] as const;
const ARITHMETIC = ['+', '*', '-', '/', '%', 'min', 'max', '<', '<=', '>', '>=', '==', '!='] as const;

const expression = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('x', 'y', 'z', 'list', 'missing').map((v) => ({ var: v })),
    // Constant paths of two and three keys (walked without a loop), through nulls, strings and arrays.
    fc.constantFrom('list.1', 'x.length', 'nest.a', 'nest.a.b', 'nest.a.c', 'nest.none.b', 'list.0.length', 'list.2.0', 'x.y.z').map((v) => ({ var: v })),
    // A computed fallback (or an argument past it) is evaluated even when the path is found.
    fc.tuple(fc.constantFrom('x', 'missing', 'list.1'), tie('node'), fc.option(tie('node'))).map(([v, fallback, extra]) => ({ var: extra === null ? [v, fallback] : [v, fallback, extra] })),
    hostile.filter((v) => !Array.isArray(v)),
    fc.tuple(fc.constantFrom(...ARITHMETIC, ...CUSTOM), fc.array(tie('node'), { minLength: 0, maxLength: 6 })).map(([op, args]) => ({ [op]: args })),
  ),
})).node;

const outcome = (fn: () => unknown) => {
  try {
    return { value: fn() };
  } catch (error) {
    return { error: (error as Error).name };
  }
};

describe('compiled JSON Logic', () => {
  it('gives what json-logic-js gives for arithmetic, var and custom operations of 0 to 6 arguments, used or not, on hostile values (fast-check, 5,000 cases)', () => {
    fc.assert(
      fc.property(expression, hostile, hostile, hostile, (expr, x, y, z) => {
        const data = { x, y, z, list: [x, y, z], nest: { a: { b: x, c: null }, none: null } };
        const expected = outcome(() => jsonLogic.apply(expr as never, data));
        const actual = outcome(() => compileLogic(expr)(data));
        if ('error' in expected) return 'error' in actual;
        return 'value' in actual && (Object.is(actual.value, expected.value) || JSON.stringify(actual.value) === JSON.stringify(expected.value));
      }),
      { seed: 2026, numRuns: 5000 },
    );
  });
});

describe('compiled multiplier', () => {
  /** A context's multiplier source that answers from its arguments, so a wrong argument shows. */
  const source = { multiplier: (currency: string, typeKey?: string) => currency.length * 10 + (typeKey === undefined ? 0.5 : typeKey.length) };
  const key = fc.oneof(fc.constantFrom('xp', 'stars', 'message', '', '*', 'reaction_received'), hostile);

  it('gives what json-logic-js gives for written keys and computed ones, with a zone source or none (fast-check, 2,000 cases)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(key, fc.constantFrom('x', 'y').map((v) => ({ var: v }))), { maxLength: 3 }), key, key, fc.boolean(), (args, x, y, zoned) => {
        const data: Record<string | symbol, unknown> = { x, y, ...(zoned ? { [MULTIPLIERS]: source } : {}) };
        const expr = { multiplier: args };
        const expected = outcome(() => jsonLogic.apply(expr as never, data));
        const actual = outcome(() => compileLogic(expr)(data));
        expect(actual).toEqual(expected);
      }),
      { seed: 17, numRuns: 2000 },
    );
  });
});

describe('compiled JSON Logic of a guild without zones', () => {
  /** What a context without zones answers for every multiplier. */
  const noZones = { multiplier: () => 1 };

  it('gives what json-logic-js gives on a context whose multipliers are all 1, constants and multipliers worked out at compile time (fast-check, 3,000 cases)', () => {
    fc.assert(
      fc.property(expression, hostile, hostile, hostile, (expr, x, y, z) => {
        const data = { x, y, z, list: [x, y, z], nest: { a: { b: x, c: null }, none: null }, [MULTIPLIERS]: noZones };
        const expected = outcome(() => jsonLogic.apply(expr as never, data));
        const actual = outcome(() => compileLogic(expr, { noZones: true })(data));
        if ('error' in expected) return 'error' in actual;
        return 'value' in actual && (Object.is(actual.value, expected.value) || JSON.stringify(actual.value) === JSON.stringify(expected.value));
      }),
      { seed: 2027, numRuns: 3000 },
    );
  });

  it('pays a written amount times a multiplier as the amount, reading nothing from the context', () => {
    const amount = compileLogic({ '*': [2, { multiplier: ['stars', 'reaction_given'] }] }, { noZones: true });
    expect(amount(undefined)).toBe(2);
    expect(amount({ [MULTIPLIERS]: { multiplier: () => 7 } })).toBe(2);
    // With zones the context decides.
    expect(compileLogic({ '*': [2, { multiplier: ['stars', 'reaction_given'] }] })({ [MULTIPLIERS]: { multiplier: () => 7 } })).toBe(14);
  });
});

// Issue 13 §1 and §7, through the API: the hostile evaluations that hung or killed the process are
// refused with their field paths (curve preview, dry run, saved rule, currency), a rule that only
// exhausts its budget at run time is skipped with a rule error while the others commit, and no
// variable path reads the engine's internals.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ruleErrors } from '../../src/db/schema.ts';
import { backtest, BacktestError } from '../../src/rules/backtest.ts';
import { event } from '../rules/support.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, GUILD, messageEvent, seedGuild } from '../support/factories.ts';
import { budgetBuster, CURVE_AT_2_53, heavyCondition, NESTED_MAP, NESTED_SOME } from '../support/hostile-logic.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  api = await createTestApp(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'gold' }] });
});

const G = `/api/guilds/${GUILD}`;
const post = (path: string, body: unknown) => api.request(`${G}${path}`, { method: 'POST', json: body });
const put = (path: string, body: unknown) => api.request(`${G}${path}`, { method: 'PUT', json: body });
const rule = (key: string, overrides: Record<string, unknown>) => ({ key, name: key, trigger: { events: ['message_create'] }, effects: [{ type: 'credit', currency: 'xp', amount: 1 }], ...overrides });
const details = async (res: Response) => ((await json(res)).error.details as { path: string; message: string }[]);

describe('the level curve preview', () => {
  it("answers 422 at once for the issue's exponential curve at start_level 2^53 (it looped forever)", async () => {
    const res = await post('/currencies/curve-preview', CURVE_AT_2_53);
    expect(res.status).toBe(422);
    expect(await details(res)).toEqual([{ path: 'level_curve.start_level', message: 'must be at most 100,000' }]);
  });

  it('bounds levels to 1..1,000 and every number of the curve, each refusal at its path', async () => {
    const cases: [unknown, string, string][] = [
      [{ level_curve: { kind: 'exponential', base: 100, factor: 1.25 }, levels: 1001 }, 'levels', 'must be at most 1,000'],
      [{ level_curve: { kind: 'exponential', base: 100, factor: 1.25 }, levels: 0 }, 'levels', 'must be at least 1'],
      [{ level_curve: { kind: 'exponential', base: 1e300, factor: 1.25 } }, 'level_curve.base', 'must be at most 1,000,000,000,000,000'],
      [{ level_curve: { kind: 'exponential', base: 100, factor: 1e300 } }, 'level_curve.factor', 'must be at most 100'],
      [{ level_curve: { kind: 'exponential', base: 100, factor: 0 } }, 'level_curve.factor', 'must be more than 0'],
      [{ level_curve: { kind: 'polynomial', coefficients: [100, -1e300] } }, 'level_curve.coefficients[1]', 'must be at least -1,000,000,000,000,000'],
      [{ level_curve: { kind: 'table', thresholds: [10, 1e20] } }, 'level_curve.thresholds[1]', 'must be at most 1,000,000,000,000,000'],
      [{ level_curve: { kind: 'table', thresholds: [10], rewards: [{ level: 3e9, role: '1' }] } }, 'level_curve.rewards[0].level', 'must be at most 100,000'],
    ];
    for (const [body, path, message] of cases) {
      const res = await post('/currencies/curve-preview', body);
      expect(res.status, path).toBe(422);
      expect(await details(res), path).toContainEqual({ path, message });
    }
  });

  it('computes 1,000 levels of a polynomial curve at the top of the range quickly, unreachable beyond it', async () => {
    const started = performance.now();
    const res = await post('/currencies/curve-preview', { level_curve: { kind: 'polynomial', coefficients: [1, 1, 1, 1, 1, 1], start_level: 99_500 }, levels: 1000 });
    expect(res.status).toBe(200);
    const rows = (await json(res)).levels;
    expect(rows).toHaveLength(1000);
    expect(rows[500]).toEqual({ level: 100_000, threshold: expect.any(Number), step: expect.any(Number) });
    expect(rows[501]).toEqual({ level: 100_001, threshold: null, step: null });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('a currency', () => {
  it('with start_level 3,000,000,000 (an int column overflow on every first event) is refused 422 at its path', async () => {
    const res = await put('/currencies/xp2', { name: 'XP', level_curve: { kind: 'exponential', base: 100, factor: 1.25, start_level: 3_000_000_000 } });
    expect(res.status).toBe(422);
    expect(await details(res)).toContainEqual({ path: 'level_curve.start_level', message: 'must be at most 100,000' });
    const order = await put('/currencies/xp2', { name: 'XP', display_order: 3e9 });
    expect(order.status).toBe(422);
    expect(await details(order)).toContainEqual({ path: 'display_order', message: 'must be at most 1,000,000' });
    expect((await put('/currencies/xp2', { name: 'XP', level_curve: { kind: 'exponential', base: 100, factor: 1.25, start_level: 100_000 } })).status).toBe(200);
  });
});

describe('hostile conditions', () => {
  it("in a dry run: the issue's nested some (5 × 100) and map (4 × 200) are refused 422 with their field paths", async () => {
    const some = await post('/dry-run', { event: messageEvent(), rules: [rule('nested-some', { conditions: [{ if: NESTED_SOME }] })], only: true });
    expect(some.status).toBe(422);
    expect(await details(some)).toContainEqual({ path: 'rules[0].conditions[0].if.some[1].some[1]', message: expect.stringContaining('nested 3 deep here') });
    const map = await post('/dry-run', { event: messageEvent(), rules: [rule('nested-map', { vars: { m: NESTED_MAP } })], only: true });
    expect(map.status).toBe(422);
    expect(await details(map)).toContainEqual({ path: 'rules[0].vars.m.map[1].map[1]', message: expect.stringContaining('nested 3 deep here') });
  });

  it('saved as a rule: refused 422 with the field path (they were accepted, 201)', async () => {
    const some = await put('/rules/nested-some', rule('nested-some', { conditions: [{ name: 'deep', if: { and: [NESTED_SOME] } }] }));
    expect(some.status).toBe(422);
    expect((await details(some)).map((d) => d.path)).toContain('conditions[0].if.and[0].some[1].some[1]');
    const map = await put('/rules/nested-map', rule('nested-map', { effects: [{ type: 'credit', currency: 'xp', amount: NESTED_MAP }] }));
    expect(map.status).toBe(422);
    expect((await details(map)).map((d) => d.path)).toContain('effects[0].amount.map[1].map[1]');
  });

  it('many candidate rules in one dry run share one pool of operations and are refused together, not run one after another', async () => {
    const rules = Array.from({ length: 300 }, (_, i) => rule(`heavy-${i}`, { conditions: [{ if: { '!': heavyCondition() } }] }));
    const res = await post('/dry-run', { event: messageEvent(), rules, only: true });
    expect(res.status).toBe(422);
    const found = await details(res);
    expect(found[0]!.message).toContain('the rules of this request together took more than 2,000,000 operations');
  });
});

describe('a rule within the static limits that exhausts its budget on a big event', () => {
  it('is skipped for that event with a recorded rule error, while the other rules commit', async () => {
    expect((await put('/rules/budget-buster', budgetBuster())).status).toBe(200);
    expect((await put('/rules/fine', rule('fine', { effects: [{ type: 'credit', currency: 'gold', amount: 3 }] }))).status).toBe(200);
    const started = performance.now();
    const res = await post('/events', messageEvent({ data: { length: 5000 } }));
    expect(res.status).toBe(200);
    expect((await json(res)).accepted).toBe(1);
    expect(performance.now() - started).toBeLessThan(2000);
    const member = await json(await api.request(`${G}/members/${ALICE}`));
    const balance = (key: string) => member.currencies.find((c: { key: string }) => c.key === key)?.balance ?? 0;
    expect(balance('gold')).toBe(3);
    expect(balance('xp')).toBe(0);
    const recorded = await database.db.select().from(ruleErrors);
    expect(recorded).toEqual([expect.objectContaining({ guildId: GUILD, message: expect.stringContaining('took more than 100,000 operations on this event; the rule was skipped for this event') })]);
    // On a short message it is cheap, and pays.
    expect((await post('/events', messageEvent({ data: { length: 50 } }))).status).toBe(200);
    expect((await database.db.select().from(ruleErrors))).toHaveLength(1);
  });
});

describe('variable paths', () => {
  it("the issue's {\"var\":[[\"constructor\"]]} and {\"var\":{\"cat\":[\"constr\",\"uctor\"]}} read nothing (they gave the source of an internal class)", async () => {
    const probe = rule('probe', {
      vars: { a: { cat: [{ var: [['constructor']] }] }, b: { cat: [{ var: { cat: ['constr', 'uctor'] } }] }, c: { cat: [{ var: [{ cat: ['actor.constr', 'uctor'] }] }] } },
    });
    expect((await put('/rules/probe', probe)).status).toBe(200);
    const res = await post('/dry-run', { event: event('message_create') });
    expect(res.status).toBe(200);
    const trace = (await json(res)).rules.find((r: { rule: string }) => r.rule === 'probe');
    expect(trace.vars).toEqual({ a: '', b: '', c: '' });
    expect(JSON.stringify(await json(await post('/dry-run', { event: event('message_create') })))).not.toMatch(/class |function /);
  });

  it('a constant path outside the documented roots or into internals is refused at save with its path', async () => {
    const res = await put('/rules/peek', rule('peek', { conditions: [{ if: { '!!': [{ var: '$multipliers.multiplier' }] } }], vars: { x: { var: 'event.constructor' } } }));
    expect(res.status).toBe(422);
    expect(await details(res)).toEqual(expect.arrayContaining([
      { path: 'conditions[0].if.!![0].var', message: expect.stringContaining('does not start with one of event, actor, target') },
      { path: 'vars.x.var', message: 'variable path "event.constructor" reaches into object internals' },
    ]));
  });
});

describe('a backtest window', () => {
  it('out of range is refused naming the parameter, before any date is made of it', async () => {
    for (const [options, path, message] of [
      [{ days: 1e300 }, 'days', 'must be at most 3,650'],
      [{ days: 0 }, 'days', 'must be at least 1'],
      [{ days: 1.5 }, 'days', 'must be a whole number'],
      [{ days: 7, pageSize: 1e9 }, 'pageSize', 'must be at most 10,000'],
    ] as const) {
      const error = await backtest(database, GUILD, [], options).catch((e: unknown) => e);
      expect(error, path).toBeInstanceOf(BacktestError);
      expect((error as BacktestError).problems).toEqual([{ path, message }]);
    }
  });
});

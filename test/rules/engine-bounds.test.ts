import { describe, expect, it } from 'vitest';
import { MAX_AMOUNT, MAX_BALANCE, MAX_WINDOW_SECONDS } from '../../src/config/ranges.ts';
import { evaluate } from '../../src/rules/engine.ts';
import { LimitHistory, lookbackStart } from '../../src/rules/limits.ts';
import type { Limit } from '../../src/rules/schema.ts';
import { MemoryState } from '../../src/rules/state.ts';
import { ALICE, BOB, GUILD } from '../support/factories.ts';
import { config, creditRule, event } from './support.ts';

const wallet = (state: MemoryState, cfg: ReturnType<typeof config>, user: string, key: string) => state.wallet(user, cfg.currencies.get(key)!);

describe('amounts computed at run time stay within the limits', () => {
  it('a computed amount beyond MAX_AMOUNT skips the rule with a rule error, while the other rules apply', () => {
    const cfg = config({
      rules: [
        creditRule('huge', { priority: 2, amount: { '*': [{ var: 'event.data.length' }, 1e10] } }),
        creditRule('fine', { priority: 1, currency: 'gold', amount: 5 }),
      ],
    });
    const state = new MemoryState(GUILD);
    const result = evaluate(cfg, state, event('message_create', { data: { length: 5000 } }), { trace: true });
    expect(result.errors).toEqual([expect.objectContaining({ rule: 'huge', message: expect.stringContaining('is more than 1,000,000,000,000') })]);
    expect(result.plan.postings.map((p) => [p.currency, p.delta])).toEqual([['gold', 5]]);
    expect(wallet(state, cfg, ALICE, 'xp').balance).toBe(0);
    const [huge] = result.trace![0]!.rules;
    expect(huge).toMatchObject({ rule: 'huge', fired: false, error: expect.stringContaining('50,000,000,000,000') });
    expect(huge!.effects).toEqual([expect.objectContaining({ status: 'failed', value: 5e13, note: expect.stringContaining('the most one posting may move') })]);
  });

  it('a credit that would push a balance past MAX_BALANCE is a rule error and changes nothing', () => {
    const cfg = config({ rules: [creditRule('big', { amount: MAX_AMOUNT })] });
    const state = new MemoryState(GUILD);
    wallet(state, cfg, ALICE, 'xp').balance = MAX_BALANCE - 10;
    wallet(state, cfg, ALICE, 'xp').lifetimeEarned = MAX_BALANCE - 10;
    const result = evaluate(cfg, state, event('message_create'), { trace: true });
    expect(result.errors[0]!.message).toMatch(/the balance would be 1,000,999,999,999,990, beyond the limit of ±1,000,000,000,000,000/);
    expect(result.plan.postings).toEqual([]);
    expect(wallet(state, cfg, ALICE, 'xp').balance).toBe(MAX_BALANCE - 10);
  });

  it('lifetime earnings are bounded too, even when the balance was spent', () => {
    const cfg = config({ rules: [creditRule('r', { amount: 100 })] });
    const state = new MemoryState(GUILD);
    wallet(state, cfg, ALICE, 'xp').lifetimeEarned = MAX_BALANCE - 50;
    const result = evaluate(cfg, state, event('message_create'));
    expect(result.errors[0]!.message).toMatch(/lifetime earnings would be/);
    expect(result.plan.postings).toEqual([]);
  });

  it('a transfer to a member at the limit does not take the payer\'s money either', () => {
    const cfg = config({ rules: [{ key: 'tip', name: 'tip', trigger: { events: ['reaction_add'] }, effects: [{ type: 'transfer', from: 'actor', to: 'target', currency: 'gold', amount: 10 }] }] });
    const state = new MemoryState(GUILD);
    wallet(state, cfg, ALICE, 'gold').balance = 100;
    wallet(state, cfg, BOB, 'gold').balance = MAX_BALANCE;
    const result = evaluate(cfg, state, event('reaction_add'));
    expect(result.errors).toHaveLength(1);
    expect(result.plan.postings).toEqual([]);
    expect(wallet(state, cfg, ALICE, 'gold').balance).toBe(100);
  });

  it('a wallet the ledger cannot count exactly is never moved: the rule reports why', () => {
    const cfg = config({ rules: [creditRule('r')] });
    const state = new MemoryState(GUILD);
    state.setWallet(ALICE, cfg.currencies.get('xp')!.id, { balance: 27021597764222980, lifetimeEarned: 0, level: null, problem: 'the stored balance 27021597764222980 cannot be counted exactly' });
    const result = evaluate(cfg, state, event('message_create'));
    expect(result.errors[0]!.message).toContain('cannot be counted exactly');
    expect(result.plan.postings).toEqual([]);
  });

  it('a manual award beyond the limits is not applied, and says why', () => {
    const cfg = config({ rules: [] });
    const state = new MemoryState(GUILD);
    wallet(state, cfg, BOB, 'gold').balance = MAX_BALANCE - 1;
    const beyond = evaluate(cfg, state, event('manual_award', { data: { currency: 'gold', amount: 2 } }));
    expect(beyond.plan.postings).toEqual([]);
    expect(beyond.notes.join('\n')).toMatch(/manual award not applied: the balance would be/);
    const huge = evaluate(cfg, new MemoryState(GUILD), event('manual_award', { data: { currency: 'gold', amount: 9007199254740991 } }));
    expect(huge.plan.postings).toEqual([]);
    expect(huge.notes.join('\n')).toMatch(/beyond the limit of ±1,000,000,000,000 for one posting/);
  });
});

describe('a failing effect undoes all of its rule', () => {
  it('an amount that is not a number undoes the credit the rule already made', () => {
    const cfg = config({
      rules: [{
        key: 'two', name: 'two', trigger: { events: ['message_create'] },
        effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 5 }, { type: 'credit', to: 'actor', currency: 'gold', amount: { var: 'event.data.missing' } }],
      }],
    });
    const state = new MemoryState(GUILD);
    const result = evaluate(cfg, state, event('message_create'), { trace: true });
    expect(result.errors).toEqual([expect.objectContaining({ rule: 'two', message: expect.stringContaining('not a number') })]);
    expect(result.plan.postings).toEqual([]);
    expect(wallet(state, cfg, ALICE, 'xp')).toMatchObject({ balance: 0, lifetimeEarned: 0 });
    expect(result.trace![0]!.rules[0]!.effects.map((e) => e.status)).toEqual(['planned', 'failed']);
  });

  it('role changes and messages of an undone rule are taken back', () => {
    const cfg = config({
      rules: [
        {
          key: 'role-then-fail', name: 'role then fail', priority: 2, trigger: { events: ['message_create'] },
          effects: [
            { type: 'role_add', to: 'actor', role: '500', replace: ['501'] },
            { type: 'message', channel: '600', template: 'hello' },
            { type: 'credit', to: 'actor', currency: 'xp', amount: { '*': [1e12, 10] } },
          ],
        },
        { key: 'sees-roles', name: 'sees roles', priority: 1, trigger: { events: ['message_create'], roles: { any: ['501'] } }, effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: 1 }] },
      ],
    });
    const state = new MemoryState(GUILD);
    state.setRoles(ALICE, ['501']);
    const result = evaluate(cfg, state, event('message_create'));
    expect(result.errors.map((e) => e.rule)).toEqual(['role-then-fail']);
    expect(state.roles(ALICE)).toEqual(['501']);
    expect(result.plan.outbox).toEqual([]);
    // The next rule saw the roles as they were before the undone rule.
    expect(result.plan.postings.map((p) => [p.currency, p.delta])).toEqual([['gold', 1]]);
  });
});

describe('limits read any stored window without failing', () => {
  const huge = { kind: 'cooldown', seconds: 1e300, per: 'actor' } as Limit;
  it('a stored cooldown of 1e300 s looks back at most the longest window', () => {
    const at = Date.parse('2026-11-22T10:00:00Z');
    const start = lookbackStart([huge, { kind: 'rate', max: 1, window_seconds: Number.POSITIVE_INFINITY, per: 'actor' } as Limit], at);
    expect(start).toBe(at - MAX_WINDOW_SECONDS * 1000);
    expect(() => new Date(start).toISOString()).not.toThrow();
  });

  it('and answers the cooldown as the longest window', () => {
    const history = new LimitHistory();
    const at = Date.parse('2026-11-22T10:00:00Z');
    history.add({ ruleId: 1, at: at - 1000, actorId: ALICE, targetId: null, channelId: null, amounts: {} }, [huge]);
    expect(history.check(1, huge, at, history.scopeOf({ actorId: ALICE, targetId: null, channelId: null })).passed).toBe(false);
  });
});

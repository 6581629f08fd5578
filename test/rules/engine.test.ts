import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/rules/engine.ts';
import { MemoryState } from '../../src/rules/state.ts';
import { ALICE, BOB, GUILD } from '../support/factories.ts';
import { at, config, creditRule, event } from './support.ts';

const T0 = '2026-11-22T10:00:00.000Z';

function run(cfg: ReturnType<typeof config>, events: ReturnType<typeof event>[], state = new MemoryState(GUILD)) {
  const results = events.map((e) => evaluate(cfg, state, e, { trace: true }));
  const balance = (user: string, key: string) => state.wallet(user, cfg.currencies.get(key)!).balance;
  return { results, state, balance };
}

describe('conditions', () => {
  const cases: [string, unknown, Record<string, unknown>, boolean][] = [
    ['var and comparison', { '>': [{ var: 'event.data.length' }, 200] }, { length: 300 }, true],
    ['between', { '<=': [100, { var: 'event.data.length' }, 200] }, { length: 300 }, false],
    ['and / or / not', { and: [{ or: [false, { '!': [{ var: 'event.data.has_link' }] }] }, { '==': [1, 1] }] }, { length: 1 }, true],
    ['if', { if: [{ var: 'event.data.has_link' }, false, true] }, { length: 1, has_link: true }, false],
    ['arithmetic', { '==': [{ '+': [{ '*': [2, 3] }, { '-': [10, 4] }, { '/': [8, 4] }, { '%': [7, 4] }] }, 17] }, { length: 1 }, true],
    ['in and cat', { in: ['ab', { cat: ['xa', 'by'] }] }, { length: 1 }, true],
    ['min / max', { '==': [{ max: [1, 7, 3] }, { '+': [{ min: [5, 9] }, 2] }] }, { length: 1 }, true],
    ['custom pow/floor/ceil/trunc/round/abs/clamp/div', { '==': [{ '+': [{ pow: [2, 3] }, { floor: [1.7] }, { ceil: [1.2] }, { trunc: [-1.5] }, { round: [2.5] }, { abs: [-3] }, { clamp: [15, 0, 10] }, { div: [7, 2] }] }, 8 + 1 + 2 - 1 + 3 + 3 + 10 + 3] }, { length: 1 }, true],
    ['quality_modifier', { '==': [{ quality_modifier: [600, true, true, false, 0] }, 1.5 * 1.4 * 1.25] }, { length: 1 }, true],
    ['time and self', { and: [{ '==': [{ var: 'time.hour' }, 10] }, { '!': [{ var: 'self' }] }] }, { length: 1 }, true],
  ];
  it.each(cases)('%s', (_name, condition, data, expected) => {
    const cfg = config({ rules: [creditRule('r', { conditions: [{ if: condition }] })] });
    const { balance } = run(cfg, [event('message_create', { data })]);
    expect(balance(ALICE, 'xp')).toBe(expected ? 10 : 0);
  });

  it('sees the actor balances, lifetime totals and levels as earlier rules left them', () => {
    const cfg = config({
      currencies: [{ key: 'xp', level_curve: { kind: 'exponential', base: 100, factor: 1.25 } }, { key: 'gold' }],
      rules: [
        creditRule('xp', { amount: 150 }),
        creditRule('rich', { priority: -1, currency: 'gold', amount: 1, conditions: [{ if: { and: [{ '>=': [{ var: 'actor.balances.xp' }, 150] }, { '==': [{ var: 'actor.levels.xp' }, 2] }, { '>=': [{ var: 'actor.lifetime.xp' }, 150] }] } }] }),
      ],
    });
    const { balance } = run(cfg, [event('message_create')]);
    expect(balance(ALICE, 'gold')).toBe(1);
  });

  it('records each condition value in the trace', () => {
    const cfg = config({ rules: [creditRule('r', { conditions: [{ name: 'long', if: { '>': [{ var: 'event.data.length' }, 50] } }, { name: 'no link', if: { '!': [{ var: 'event.data.has_link' }] } }] })] });
    const [result] = run(cfg, [event('message_create', { data: { has_link: true } })]).results;
    expect(result!.trace![0]!.rules[0]!.conditions).toEqual([
      { name: 'long', value: true, passed: true },
      { name: 'no link', value: false, passed: false },
    ]);
  });
});

describe('trigger filters', () => {
  it('matches by channel, zone, excluded channel and the actor roles', () => {
    const cfg = config({
      zones: [{ key: 'help', name: 'Help', channels: ['42'] }],
      rules: [
        creditRule('in-channel', { trigger: { events: ['message_create'], channels: ['41'] }, amount: 1 }),
        creditRule('in-zone', { trigger: { events: ['message_create'], zones: ['help'] }, amount: 10 }),
        creditRule('not-42', { trigger: { events: ['message_create'], exclude_channels: ['42'] }, amount: 100 }),
        creditRule('mods', { trigger: { events: ['message_create'], roles: { any: ['777'] } }, amount: 1000 }),
      ],
    });
    const state = new MemoryState(GUILD);
    state.setRoles(BOB, ['777']);
    run(cfg, [event('message_create', { channel_id: '41' }), event('message_create', { channel_id: '42' }), event('message_create', { actor_id: BOB, channel_id: '42' })], state);
    expect(state.wallet(ALICE, cfg.currencies.get('xp')!).balance).toBe(1 + 100 + 10);
    expect(state.wallet(BOB, cfg.currencies.get('xp')!).balance).toBe(10 + 1000);
  });

  it('says why a trigger did not match', () => {
    const cfg = config({ rules: [creditRule('r', { trigger: { events: ['message_create'], channels: ['41'] } })] });
    const [result] = run(cfg, [event('message_create')]).results;
    expect(result!.trace![0]!.rules[0]!.trigger).toEqual({ matched: false, reason: expect.stringContaining('not in the trigger') });
  });

  it('skips self-targeted events when asked to', () => {
    const cfg = config({ rules: [{ ...creditRule('r'), trigger: { events: ['reaction_add'], exclude_self: true }, effects: [{ type: 'credit', to: 'target', currency: 'xp', amount: 3 }] }] });
    const { balance } = run(cfg, [event('reaction_add', { target_id: ALICE }), event('reaction_add')]);
    expect(balance(ALICE, 'xp')).toBe(0);
    expect(balance(BOB, 'xp')).toBe(3);
  });
});

describe('priority, stop_processing, shadow and disabled rules', () => {
  it('runs higher priority first and stops when a rule says so', () => {
    const cfg = config({
      rules: [
        creditRule('low', { priority: 1, amount: 1 }),
        creditRule('high', { priority: 10, amount: 10, stop_processing: true }),
      ],
    });
    const { results, balance } = run(cfg, [event('message_create')]);
    expect(balance(ALICE, 'xp')).toBe(10);
    expect(results[0]!.trace![0]!.rules.map((r) => [r.rule, r.fired])).toEqual([
      ['high', true],
      ['low', false],
    ]);
    expect(results[0]!.trace![0]!.rules[1]!.skipped).toContain('stop_processing');
  });

  it('a shadow rule is traced with its amounts but never applied', () => {
    const cfg = config({ rules: [creditRule('shadowed', { mode: 'shadow', amount: 7 })] });
    const { results, balance } = run(cfg, [event('message_create')]);
    expect(balance(ALICE, 'xp')).toBe(0);
    expect(results[0]!.plan.postings).toEqual([]);
    expect(results[0]!.trace![0]!.rules[0]).toMatchObject({ fired: true, applied: false, effects: [{ amount: 7, status: 'planned' }] });
  });

  it('a disabled rule never fires', () => {
    const cfg = config({ rules: [creditRule('off', { enabled: false })] });
    expect(run(cfg, [event('message_create')]).balance(ALICE, 'xp')).toBe(0);
    expect(cfg.rules).toHaveLength(0);
  });
});

describe('limits', () => {
  it('cooldown per actor and channel: one reward per 30 s in each channel', () => {
    const cfg = config({ rules: [creditRule('r', { limits: [{ kind: 'cooldown', seconds: 30, per: 'actor_channel' }] })] });
    const { balance } = run(cfg, [
      event('message_create', { occurred_at: T0 }),
      event('message_create', { occurred_at: at(T0, 29.999) }),
      event('message_create', { occurred_at: at(T0, 10), channel_id: '99' }),
      event('message_create', { occurred_at: at(T0, 30) }),
    ]);
    expect(balance(ALICE, 'xp')).toBe(30);
  });

  it('cooldown per actor applies across channels', () => {
    const cfg = config({ rules: [creditRule('r', { limits: [{ kind: 'cooldown', seconds: 60 }] })] });
    const { balance } = run(cfg, [event('message_create'), event('message_create', { channel_id: '99', occurred_at: at(T0, 59) })]);
    expect(balance(ALICE, 'xp')).toBe(10);
  });

  it('rate per actor→target pair in a sliding window', () => {
    const cfg = config({
      rules: [{ ...creditRule('r'), trigger: { events: ['reaction_add'] }, limits: [{ kind: 'rate', max: 3, window_seconds: 86400, per: 'actor_target' }], effects: [{ type: 'credit', to: 'target', currency: 'xp', amount: 1 }] }],
    });
    const reactions = [0, 60, 120, 180, 86400 + 1].map((s) => event('reaction_add', { occurred_at: at(T0, s) }));
    const other = event('reaction_add', { actor_id: '11', occurred_at: at(T0, 200) });
    const { balance, results } = run(cfg, [...reactions.slice(0, 4), other, reactions[4]!]);
    expect(balance(BOB, 'xp')).toBe(3 + 1 + 1);
    expect(results[3]!.trace![0]!.rules[0]!.limits[0]).toMatchObject({ passed: false, state: '3 of 3 in the last 86400 s' });
  });

  it('cap on an amount per day clamps the credit and resets the next day', () => {
    const cfg = config({ rules: [creditRule('r', { amount: 40, limits: [{ kind: 'cap', currency: 'xp', max: 100, period: 'day' }] })] });
    const { balance, results } = run(cfg, [0, 1, 2, 3].map((h) => event('message_create', { occurred_at: at(T0, h * 3600) })).concat([event('message_create', { occurred_at: '2026-11-23T00:00:01.000Z' })]));
    expect(balance(ALICE, 'xp')).toBe(100 + 40);
    expect(results[2]!.trace![0]!.rules[0]!.effects[0]).toMatchObject({ amount: 20, note: expect.stringContaining('capped') });
  });

  it('cap per week counts from Monday', () => {
    const cfg = config({ rules: [creditRule('r', { amount: 60, limits: [{ kind: 'cap', currency: 'xp', max: 100, period: 'week' }] })] });
    // 2026-11-22 is a Sunday; the 23rd starts a new week.
    const { balance } = run(cfg, ['2026-11-20T10:00:00.000Z', '2026-11-22T10:00:00.000Z', '2026-11-23T10:00:00.000Z'].map((t) => event('message_create', { occurred_at: t })));
    expect(balance(ALICE, 'xp')).toBe(100 + 60);
  });
});

describe('effects', () => {
  it('credit, debit and transfer move balances; amounts are rounded as stated', () => {
    const cfg = config({
      rules: [
        creditRule('credit', { priority: 3, amount: { '*': [2, 3.7] } }),
        { ...creditRule('floor'), priority: 2, effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: { '-': [0, 1.5] }, round: 'floor' }, { type: 'credit', to: 'actor', currency: 'gold', amount: { '*': [1, 2.5] }, round: 'round' }, { type: 'credit', to: 'actor', currency: 'gold', amount: { '*': [1, 2.1] }, round: 'ceil' }] },
        { ...creditRule('debit'), priority: 1, effects: [{ type: 'debit', from: 'actor', currency: 'xp', amount: 2 }] },
      ],
    });
    const { balance, results } = run(cfg, [event('message_create')]);
    expect(balance(ALICE, 'xp')).toBe(7 - 2);
    expect(balance(ALICE, 'gold')).toBe(3 + 3);
    expect(results[0]!.trace![0]!.rules[1]!.effects[0]).toMatchObject({ status: 'skipped', amount: 0 });
  });

  it('a transfer the payer cannot afford undoes the whole rule', () => {
    const cfg = config({
      rules: [{ key: 'tip', name: 'tip', trigger: { events: ['reaction_add'] }, effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 1 }, { type: 'transfer', from: 'actor', to: 'target', currency: 'gold', amount: 5 }] }],
    });
    const state = new MemoryState(GUILD);
    const { results, balance } = run(cfg, [event('reaction_add')], state);
    expect(balance(ALICE, 'xp')).toBe(0);
    expect(results[0]!.plan.postings).toEqual([]);
    expect(results[0]!.trace![0]!.rules[0]!.skipped).toContain('insufficient gold');
    state.wallet(ALICE, cfg.currencies.get('gold')!).balance = 5;
    run(cfg, [event('reaction_add')], state);
    expect(balance(BOB, 'gold')).toBe(5);
    expect(balance(ALICE, 'gold')).toBe(0);
  });

  it('role changes, messages and DMs become outbox rows with rendered templates', () => {
    const cfg = config({
      rules: [{
        key: 'welcome', name: 'welcome', trigger: { events: ['member_join'] },
        effects: [
          { type: 'role_add', to: 'actor', role: '500', replace: ['501'] },
          { type: 'role_remove', from: 'actor', role: '502' },
          { type: 'message', channel: '600', template: 'Welcome {{actor.mention}}!', embed: { title: 'Hi {{actor.id}}' } },
          { type: 'dm', to: 'actor', template: 'Glad you joined {{event.guild_id}}' },
        ],
      }],
    });
    const state = new MemoryState(GUILD);
    state.setRoles(ALICE, ['501', '502']);
    const [result] = run(cfg, [event('member_join', { data: {} })], state).results;
    expect(result!.plan.outbox).toEqual([
      { kind: 'role_remove', ruleId: 1, payload: { user_id: ALICE, role_id: '501', reason: 'welcome' } },
      { kind: 'role_add', ruleId: 1, payload: { user_id: ALICE, role_id: '500', reason: 'welcome' } },
      { kind: 'role_remove', ruleId: 1, payload: { user_id: ALICE, role_id: '502', reason: 'welcome' } },
      { kind: 'message', ruleId: 1, payload: { channel_id: '600', content: `Welcome <@${ALICE}>!`, embed: { title: `Hi ${ALICE}` } } },
      { kind: 'dm', ruleId: 1, payload: { user_id: ALICE, content: `Glad you joined ${GUILD}` } },
    ]);
    expect(state.roles(ALICE)).toEqual(['500']);
  });

  it('emits internal events that other rules react to', () => {
    const cfg = config({
      rules: [
        { key: 'daily', name: 'daily', trigger: { events: ['command'] }, effects: [{ type: 'emit', event: 'milestone_earned', member: 'actor', data: { milestone: 'checked_in', streak: { '+': [1, 1] } } }] },
        { key: 'reward', name: 'reward', trigger: { events: ['milestone_earned'], milestone: 'checked_in' }, effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: { var: 'event.data.streak' } }] },
      ],
    });
    const { balance, results } = run(cfg, [event('command')]);
    expect(balance(ALICE, 'gold')).toBe(2);
    expect(results[0]!.trace!.map((t) => [t.event.type, t.depth])).toEqual([
      ['command', 0],
      ['milestone_earned', 1],
    ]);
  });

  it('credits emit currency_credited and level-ups, at most one level per event', () => {
    const cfg = config({
      currencies: [{ key: 'xp', level_curve: { kind: 'exponential', base: 100, factor: 1.25, start_level: 1, max_levels_per_event: 1 } }, { key: 'gold' }],
      rules: [
        creditRule('xp', { amount: 1000 }),
        { key: 'gold', name: 'gold', trigger: { events: ['level_up'], currency: 'xp' }, effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: 50 }] },
        { key: 'note', name: 'note', trigger: { events: ['currency_credited'], currency: 'xp' }, effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: { var: 'event.data.amount' } }] },
      ],
    });
    const { balance, state, results } = run(cfg, [event('message_create'), event('message_create', { occurred_at: at(T0, 1) })]);
    expect(state.wallet(ALICE, cfg.currencies.get('xp')!).level).toBe(3);
    expect(balance(ALICE, 'gold')).toBe(2 * (1000 + 50));
    expect(results[0]!.plan.levels).toEqual([{ userId: ALICE, currencyId: 1, level: 2 }]);
  });
});

describe('chains and failures', () => {
  it('a chain A → B → A stops at the depth limit and the trace says so', () => {
    const cfg = config({
      rules: [
        { key: 'a', name: 'A', trigger: { events: ['command', 'milestone_earned'], milestone: undefined }, conditions: [], effects: [{ type: 'emit', event: 'level_up', member: 'actor', data: { currency: 'xp', level: 1 } }] },
        { key: 'b', name: 'B', trigger: { events: ['level_up'] }, effects: [{ type: 'emit', event: 'milestone_earned', member: 'actor', data: { milestone: 'loop' } }] },
      ],
    });
    const [result] = run(cfg, [event('command')]).results;
    expect(result!.trace!.map((t) => t.depth)).toEqual([0, 1, 2, 3]);
    expect(result!.notes.join('\n')).toMatch(/depth limit 3 reached/);
    expect(result!.notes.join('\n')).toMatch(/cycle detected: a → b → a/);
  });

  it('a rule that fails at run time is skipped and reported while the others run', () => {
    const cfg = config({
      rules: [
        creditRule('broken', { priority: 2, amount: { var: 'event.data.missing_field' } }),
        creditRule('fine', { priority: 1, amount: 5 }),
      ],
    });
    const [result] = run(cfg, [event('message_create')]).results;
    expect(result!.errors).toEqual([expect.objectContaining({ rule: 'broken', message: expect.stringContaining('not a number') })]);
    expect(result!.plan.postings.map((p) => p.delta)).toEqual([5]);
  });

  it('a manual award credits the target without any rule', () => {
    const cfg = config({ rules: [] });
    const { balance } = run(cfg, [event('manual_award', { data: { currency: 'gold', amount: 25, reason: 'helpful' } })]);
    expect(balance(BOB, 'gold')).toBe(25);
  });

  it('multipliers resolve: channel zone exact type, zone "*", channel-type default exact, default "*", else 1', () => {
    const cfg = config({
      zones: [
        { key: 'code', name: 'Code', channels: ['1'], multipliers: { xp: { message_create: 2, '*': 3 } } },
        { key: 'empty', name: 'Empty', channels: ['2'], multipliers: {} },
        { key: 'text-default', name: 'Text', default_for: ['text'], multipliers: { xp: { message_create: 5, '*': 7 } } },
      ],
      rules: [creditRule('m', { trigger: { events: ['message_create', 'thread_create', 'voice_session_end'] }, amount: { '*': [10, { multiplier: ['xp'] }] } })],
    });
    const cases: [string, string, number][] = [
      ['1', 'message_create', 20],
      ['1', 'thread_create', 30],
      ['2', 'message_create', 50],
      ['3', 'thread_create', 70],
      ['3', 'voice_session_end', 10],
    ];
    for (const [channel, type, expected] of cases) {
      const state = new MemoryState(GUILD);
      evaluate(cfg, state, event(type as never, { channel_id: channel }));
      expect([channel, type, state.wallet(ALICE, cfg.currencies.get('xp')!).balance]).toEqual([channel, type, expected]);
    }
  });
});

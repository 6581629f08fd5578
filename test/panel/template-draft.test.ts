// The panel's "Save as template" turns a rule into a template document: the values offered as blanks
// (numbers inside JSON Logic too, channels and roles by where they sit, currencies, texts — never the
// rule's key or its trigger's events), the body with the chosen values as {{name}}, renames that
// follow every use, and a document the API's own schema and checks accept.
import { describe, expect, it } from 'vitest';
import { bodyWith, candidates, outcomeFrom, renamed, starterEvents, templateDocument } from '../../dashboard/src/lib/rules/template-draft.ts';
import { validateTemplate } from '../../src/rules/templates/repository.ts';
import { runExample } from '../../src/rules/templates/run.ts';

const CHANNEL = '1111111111111111111';
const ROLE = '2222222222222222222';
const rule = {
  key: 'help.answer', name: 'Help answer', module: 'help', priority: 5,
  trigger: { events: ['message_create'], channels: [CHANNEL] },
  conditions: [{ name: 'long enough', if: { '>=': [{ var: 'event.data.length' }, 40] } }],
  effects: [
    { type: 'credit', to: 'actor', currency: 'xp', amount: { '*': [10, 2] }, reason: 'answered' },
    { type: 'role_add', to: 'actor', role: ROLE },
  ],
};

describe('a rule as a template draft', () => {
  it('offers the values a template could leave blank, with kinds and free names', () => {
    const offered = candidates(rule);
    expect(offered.map((c) => [c.where, c.kind, c.value, c.name])).toEqual([
      ['trigger › channels', 'channel', CHANNEL, 'channel_id'],
      ['Condition 1', 'integer', 40, 'threshold'],
      ['Effect 1 › currency', 'currency', 'xp', 'currency'],
      ['Effect 1 › amount', 'integer', 10, 'amount'],
      ['Effect 1 › amount', 'integer', 2, 'amount_2'],
      ['Effect 1 › reason', 'text', 'answered', 'reason'],
      ['Effect 2 › role', 'role', ROLE, 'role_id'],
    ]);
    expect(offered.some((c) => c.value === 'help.answer' || c.value === 'message_create' || c.value === 5)).toBe(false);
  });

  it('writes the chosen values as blanks, follows renames, and makes a document the API accepts and runs', () => {
    const offered = candidates(rule);
    const amount = offered.find((c) => c.value === 10)!;
    const channel = offered.find((c) => c.kind === 'channel')!;
    const currency = offered.find((c) => c.kind === 'currency')!;
    const body = bodyWith(rule, [{ path: amount.path, name: 'bonus' }, { path: channel.path, name: 'help_channel' }, { path: currency.path, name: 'currency' }]);
    expect(body).toMatchObject({ trigger: { channels: ['{{help_channel}}'] }, effects: [{ currency: '{{currency}}', amount: { '*': ['{{bonus}}', 2] } }, { role: ROLE }] });
    expect(rule.effects[0]!.amount).toEqual({ '*': [10, 2] }); // the rule itself is untouched
    expect(renamed(body, 'bonus', 'xp_bonus')).toMatchObject({ effects: [{ amount: { '*': ['{{xp_bonus}}', 2] } }, { role: ROLE }] });

    const events = starterEvents(rule);
    expect(events.map((e) => [e.type, e.actor, e.channel])).toEqual([['message_create', 'alice', CHANNEL], ['message_create', 'alice', CHANNEL], ['message_create', 'bob', CHANNEL]]);
    const draft = {
      key: 'help-answer', name: 'Help answer', description: 'Answers in the help channel pay.', category: 'rewards',
      placeholders: [
        { name: 'bonus', kind: 'integer' as const, label: 'Bonus', description: '', default: '10' },
        { name: 'help_channel', kind: 'channel' as const, label: 'Help channel', description: '', default: CHANNEL },
        { name: 'currency', kind: 'currency' as const, label: 'Currency', description: '', default: 'xp' },
      ],
      body: { ...body, effects: [(body.effects as unknown[])[0]] },
      events: events.map((e) => ({ ...e, data: { ...e.data, length: 240 } })),
      outcome: 'Each answer pays 20 xp.',
      exampleValues: {},
    };
    const checked = validateTemplate(templateDocument(draft, { fired: [true, true, true], balances: { alice: { xp: 40 }, bob: { xp: 20 } } }));
    expect(checked.ok, JSON.stringify(checked)).toBe(true);
    if (!checked.ok) return;
    expect(checked.value.placeholders.map((p) => p.default)).toEqual([10, CHANNEL, 'xp']);
    const run = runExample(checked.value);
    expect(run?.ok && run.outcome).toMatchObject({ fired: [true, true, true], balances: { alice: { xp: 40 }, bob: { xp: 20 } } });
    expect(outcomeFrom({ fired: [true, false], balances: { alice: { xp: 20 } } })).toBe('The rule fires on 1 of 2 events: alice ends with 20 xp.');
  });
});

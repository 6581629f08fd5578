// Reply templates: placeholders checked on save (unknown ones, missing options, missing currencies)
// and filled in on use (mentions for ids, a choice's name, balances, text left as typed).
import { describe, expect, it } from 'vitest';
import { CustomCommandSchema, type CustomCommandInput } from '../../src/custom-commands/schema.ts';
import { balancesIn, checkTemplate, renderTemplate, type TemplateValues } from '../../src/custom-commands/template.ts';

const command = (template: string, overrides: Partial<CustomCommandInput> = {}) =>
  CustomCommandSchema.parse({
    name: 'give',
    description: 'Give',
    options: [
      { name: 'who', description: 'who', type: 'member', required: true },
      { name: 'size', description: 'size', type: 'integer', choices: [{ name: 'big', value: 10 }] },
      { name: 'note', description: 'note', type: 'string' },
    ],
    reply: { template },
    ...overrides,
  });

const values = (overrides: Partial<TemplateValues> = {}): TemplateValues => ({
  memberId: '1', memberName: 'Ada', channelId: '2', command: 'give', options: { who: '3', size: 10, note: 'hi {member}' }, balances: { gold: 1234 }, ...overrides,
});

describe('reply templates', () => {
  it('fills every placeholder: mentions for ids, the picked choice’s name, balances with separators', () => {
    const text = renderTemplate(command('{member} ({member.name}) gave {option.who} a {option.size} gift in {channel} via {command}; gold {balance.gold}'), values());
    expect(text).toBe('<@1> (Ada) gave <@3> a big gift in <#2> via /give; gold 1,234');
  });

  it('does not expand placeholders inside option values, and shows a missing option as a dash', () => {
    expect(renderTemplate(command('{option.note}'), values())).toBe('hi {member}');
    expect(renderTemplate(command('[{option.note}]'), values({ options: { who: '3' } }))).toBe('[—]');
  });

  it('lists unknown placeholders, options the command lacks and currencies the guild lacks', () => {
    const problems = checkTemplate(command('{who} {option.nope} {balance.gems} {balance.gold}'), new Set(['gold']));
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining('{who} is not a placeholder'),
      '{option.nope}: the command has no option "nope"',
      '{balance.gems}: the guild has no currency "gems"',
    ]);
    expect(problems.every((p) => p.path === 'reply.template')).toBe(true);
  });

  it('knows which balances a template reads, once each', () => {
    expect(balancesIn('{balance.gold} {balance.xp} {balance.gold}')).toEqual(['gold', 'xp']);
  });

  it('caps the rendered reply at 4,000 characters (an embed description’s limit is 4,096)', () => {
    const long = command('{option.note}'.repeat(100));
    expect(renderTemplate(long, values({ options: { note: 'x'.repeat(100) } }))).toHaveLength(4000);
  });
});

// Filling a template: defaults apply, values are checked against their kind and bounds with a path
// per problem, typed values keep their type, and message text is left alone.
import { describe, expect, it } from 'vitest';
import { galleryTemplate } from '../../src/rules/templates/gallery.ts';
import { instantiate } from '../../src/rules/templates/instantiate.ts';
import { RuleTemplateSchema } from '../../src/rules/templates/rule-template.ts';

const template = (key: string) => galleryTemplate(key)!;

describe('instantiating a template', () => {
  it('applies defaults and writes a whole-string placeholder as its typed value', () => {
    const made = instantiate(template('voice-time-no-afk'), { afk_channel: '42', per_minute: 3 });
    expect(made.ok).toBe(true);
    if (!made.ok) return;
    expect(made.values).toEqual({ currency: 'xp', per_minute: 3, min_minutes: 5, afk_channel: '42' });
    expect(made.rule.trigger.exclude_channels).toEqual(['42']);
    expect(made.rule.conditions[1]!.if).toEqual({ '>=': [{ var: 'event.data.duration_seconds' }, { '*': [5, 60] }] });
  });

  it('leaves message text such as {{actor.mention}} for the engine to render', () => {
    const made = instantiate(template('milestone-celebration'), { milestone_key: 'veteran', announce_channel: '7' });
    expect(made.ok && made.rule.effects[1]).toMatchObject({ type: 'message', channel: '7', template: '🎉 Congratulations {{actor.mention}}!' });
  });

  it('names each bad value by its path: missing, out of bounds, not whole, wrong kind, unknown', () => {
    const made = instantiate(template('thread-starter'), { bonus: 0, max_per_day: 1.5, currency: 'Stars!', extra: 1 });
    expect(made.ok).toBe(false);
    if (made.ok) return;
    const byPath = Object.fromEntries(made.problems.map((p) => [p.path, p.message]));
    expect(Object.keys(byPath).sort()).toEqual(['values.bonus', 'values.currency', 'values.extra', 'values.max_per_day', 'values.parent_channel']);
    expect(byPath['values.parent_channel']).toBe('is required');
    expect(byPath['values.extra']).toContain('not a placeholder');
    expect(byPath['values.max_per_day']).toContain('whole number');
  });

  it('refuses a channel given as a number (ids are strings of digits)', () => {
    const made = instantiate(template('help-channel-answer'), { help_channel: 123 });
    expect(!made.ok && made.problems.map((p) => p.path)).toEqual(['values.help_channel']);
  });

  it('reports rule schema problems under rule.<path> when a value makes the rule invalid', () => {
    const made = instantiate(template('daily-first-message'), {}, { key: 'Not Valid' });
    expect(!made.ok && made.problems.map((p) => p.path)).toEqual(['rule.key']);
  });

  it('refuses a template whose body uses an undeclared placeholder or declares an unused one', () => {
    const parsed = RuleTemplateSchema.safeParse({
      key: 'x', name: 'x', description: 'x',
      placeholders: [{ name: 'unused', kind: 'integer', label: 'u', default: 1 }],
      rule: { key: 'x', name: 'x', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', currency: 'xp', amount: '{{amount}}' }] },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.message).join(' | ')).toMatch(/declared but the rule never uses \{\{unused\}\}.*\{\{amount\}\}, which is not a declared placeholder/);
  });
});

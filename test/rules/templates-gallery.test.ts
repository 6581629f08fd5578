// The rule template gallery: every template instantiates with its defaults and example values,
// passes the rule schema, and its example dry run gives exactly the outcome its words describe.
import { normalizeMemberJoin } from '../../src/discord/normalize/member.ts';
import { describe, expect, it } from 'vitest';
import { galleryTemplates } from '../../src/rules/templates/gallery.ts';
import { exampleValues, instantiate } from '../../src/rules/templates/instantiate.ts';
import { runExample } from '../../src/rules/templates/run.ts';
import { RuleSchema } from '../../src/rules/schema.ts';

const templates = galleryTemplates();

describe('the rule template gallery', () => {
  it('holds at least 20 templates with unique keys, each with a description and an example', () => {
    expect(templates.length).toBeGreaterThanOrEqual(20);
    expect(new Set(templates.map((t) => t.key)).size).toBe(templates.length);
    for (const t of templates) {
      expect(t.description.length, t.key).toBeGreaterThan(20);
      expect(t.example, t.key).toBeDefined();
    }
  });

  it('covers the kinds of reward the issue names', () => {
    const keys = templates.map((t) => t.key);
    for (const key of ['daily-first-message', 'active-day-streak', 'reaction-received-capped', 'voice-time-no-afk', 'thread-starter', 'help-channel-answer', 'event-attendance', 'invite-reward', 'onboarding-completion', 'weekend-multiplier']) expect(keys).toContain(key);
  });

  it('the invite template reads what invite tracking puts on a join: the inviter in data.inviter_id and as target', () => {
    const invite = templates.find((t) => t.key === 'invite-reward')!;
    expect(invite.description).toContain('data.inviter_id');
    expect(JSON.stringify(invite.rule)).toContain('event.data.inviter_id');
    const join = normalizeMemberJoin({ guild_id: '1160511689263947796', joined_at: '2026-11-22T08:00:00.000Z', roles: [], user: { id: '987654321098765432', username: 'carol' } },
      { invite: 'code', invite_code: 'abc', inviter_id: '987654321098765433' });
    expect(join.ok && join.event).toMatchObject({ target_id: '987654321098765433', data: { inviter_id: '987654321098765433' } });
  });

  describe.each(templates.map((t) => [t.key, t] as const))('%s', (_key, template) => {
    it('instantiates with its defaults and example values into a rule the rule schema accepts', () => {
      const made = instantiate(template, exampleValues(template));
      expect(made.ok, JSON.stringify(!made.ok && made.problems)).toBe(true);
      if (!made.ok) return;
      expect(RuleSchema.safeParse(made.document).success).toBe(true);
      expect(JSON.stringify(made.document)).not.toMatch(/\{\{[a-z][a-z0-9_]*\}\}/);
    });

    it('gives in its example dry run exactly the outcome it describes', () => {
      const result = runExample(template)!;
      expect(result.ok, JSON.stringify(!result.ok && result.problems)).toBe(true);
      if (!result.ok) return;
      expect(result.run.steps.flatMap((s) => s.errors)).toEqual([]);
      const expected = template.example!.expected;
      expect(result.outcome.fired, JSON.stringify(result.run.steps.map((s) => s.reason ?? s.moves))).toEqual(expected.fired);
      expect(result.outcome.balances).toEqual(expected.balances);
      expect(result.outcome.roles_added).toEqual(expected.roles_added ?? {});
    });
  });
});

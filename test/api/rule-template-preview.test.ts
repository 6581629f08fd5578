// POST /rule-templates/preview: a guild template checked as a save would (its shape, its blanks
// filled into a rule valid for this guild) and its example run, without saving anything; the
// panel's "Save as template" stores that run as the example's expected result.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
});
afterAll(async () => {
  await api.services.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }] });
});

const preview = async (body: unknown) => {
  const res = await api.request(`/api/guilds/${GUILD}/rule-templates/preview`, { method: 'POST', json: body });
  return { status: res.status, body: await json(res) };
};

const threadBonus = (overrides: Record<string, unknown> = {}) => ({
  key: 'thread-bonus',
  name: 'Thread bonus',
  description: 'Starting a thread pays a bonus, once a minute.',
  placeholders: [{ name: 'bonus', kind: 'integer', label: 'Bonus', default: 20 }],
  rule: { key: 'thread_bonus', name: 'Thread bonus', trigger: { events: ['thread_create'] }, limits: [{ kind: 'cooldown', seconds: 60, per: 'actor' }], effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: '{{bonus}}' }] },
  example: {
    events: [
      { type: 'thread_create', actor: 'alice', at: '2026-01-05T10:00:00Z', data: { name: 'a' } },
      { type: 'thread_create', actor: 'alice', at: '2026-01-05T10:00:30Z', data: { name: 'b' } },
      { type: 'thread_create', actor: 'bob', at: '2026-01-05T10:01:00Z', data: { name: 'c' } },
    ],
    outcome: 'Alice and Bob each earn 20 xp; the second thread within a minute pays nothing.',
  },
  ...overrides,
});

describe('previewing a guild template', () => {
  it('runs the example with the defaults and says what expected should be, saving nothing', async () => {
    const { status, body } = await preview(threadBonus());
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.rule).toMatchObject({ key: 'thread_bonus', effects: [{ amount: 20, currency: 'xp' }] });
    expect(body.example).toEqual({ fired: [true, false, true], balances: { alice: { xp: 20 }, bob: { xp: 20 } }, roles_added: {} });
    expect(body.dry_run.steps[1].reason).toContain('cooldown');
    const templates = await json(await api.request(`/api/guilds/${GUILD}/rule-templates`));
    expect(templates.some((t: { key: string }) => t.key === 'thread-bonus')).toBe(false);
  });

  it("refuses a bad template at the field at fault, and a currency this guild lacks at the rule's field", async () => {
    const badName = await preview(threadBonus({ placeholders: [{ name: 'Bad Name', kind: 'integer', label: 'Bonus', default: 20 }] }));
    expect(badName.status).toBe(422);
    expect(badName.body.error.details).toContainEqual(expect.objectContaining({ path: 'placeholders[0].name', message: expect.stringContaining('lowercase') }));
    const noOutcome = await preview(threadBonus({ example: { ...threadBonus().example, outcome: '' } }));
    expect(noOutcome.body.error.details).toContainEqual(expect.objectContaining({ path: 'example.outcome' }));
    const gold = await preview(threadBonus({ rule: { ...threadBonus().rule, effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: '{{bonus}}' }] } }));
    expect(gold.status).toBe(422);
    expect(gold.body.error.details).toContainEqual(expect.objectContaining({ path: expect.stringMatching(/^rule\.effects\[0\]\.currency$/) }));
  });
});

// AI suggestions through the real @google/genai client and a fake Gemini: the model sees
// aggregates only; a valid answer becomes backtested suggestions (the call in the cost ledger); a
// malformed or invalid one is refused and nothing is stored; the daily budget holds.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/app/clock.ts';
import { aiCalls, suggestions } from '../../src/db/schema.ts';
import { FakeGemini, type FakeAnswer } from '../ai/fake-gemini.ts';
import { createTestApp, json, TEST_NOW } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD } from '../support/factories.ts';
import { generateHistory, type History } from './generator.ts';

let database: TestDatabase;
let gemini: FakeGemini;
let api: Awaited<ReturnType<typeof createTestApp>>;
let history: History;
const S = `/api/guilds/${GUILD}/suggestions`;

const milestone = { key: 'chatterbox', name: 'Chatterbox', description: '50 messages', icon: '💬', rarity: 'rare', requirement: { type: 'event_count', events: ['message_create'], side: 'actor', min: 50, measure: 'count' } };
const threadRule = { key: 'ai.threads', name: 'Threads pay', trigger: { events: ['thread_create'] }, limits: [{ kind: 'cap', currency: 'xp', max: 30, period: 'day', per: 'actor' }], effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 5 }] };
const valid = {
  suggestions: [
    { kind: 'milestone_threshold', title: 'A milestone for regulars', explanation: 'About one member in six sends 50 messages a month.', milestone },
    { kind: 'reward_activity', title: 'Pay for threads', explanation: 'Threads are frequent and unpaid.', rule: threadRule },
    { kind: 'unspent_currency', title: 'Coins pile up', explanation: 'Nobody spends coins: add shop items.', currency: 'coins' },
  ],
};
const answer = (json: unknown): FakeAnswer => ({ json, promptTokens: 2000, responseTokens: 400 });

const aiRows = () => database.db.select().from(suggestions).where(and(eq(suggestions.guildId, GUILD), eq(suggestions.source, 'ai')));
const calls = () => database.db.select().from(aiCalls).where(eq(aiCalls.feature, 'suggestions'));

beforeAll(async () => {
  database = await createTestDatabase();
  gemini = await FakeGemini.start();
  api = await createTestApp(database, { GEMINI_API_KEY: 'k', GEMINI_BASE_URL: gemini.url }, { clock: fixedClock(TEST_NOW) });
  history = await generateHistory(database, api.services.pipeline, GUILD, TEST_NOW);
}, 120_000);
afterAll(async () => {
  await api.services.close();
  await gemini.stop();
});
beforeEach(() => {
  gemini.requests.length = 0;
});

describe('AI suggestions', () => {
  it('refuses a malformed answer (not JSON) with a clear error, logs the call, and stores nothing', async () => {
    gemini.always({ text: '{"suggestions": [ nope', promptTokens: 2000, responseTokens: 10 });
    const res = await api.request(S, { method: 'POST', json: { source: 'ai' } });
    const body = await json(res);
    expect(res.status).toBe(503);
    expect(body.error.message).toMatch(/Gemini gave an answer Cairn could not use/);
    expect(body.error.details[0].message).toMatch(/not JSON/);
    expect(await aiRows()).toHaveLength(0);
    await api.services.ai.settled();
    expect((await calls()).map((c) => c.outcome)).toEqual(['invalid_output']);
  });

  it('refuses an invalid milestone (checked against the milestone schema) and stores nothing', async () => {
    for (const bad of [
      { ...milestone, requirement: { ...milestone.requirement, min: -5 } },
      { ...milestone, requirement: { ...milestone.requirement, events: ['message_typed'] } },
      { ...milestone, requirement: { type: 'streak', days: 7 } },
      { ...milestone, key: 'Not A Key!' },
    ]) {
      gemini.always(answer({ suggestions: [{ ...valid.suggestions[0], milestone: bad }] }));
      const res = await api.request(S, { method: 'POST', json: { source: 'ai' } });
      expect(res.status, JSON.stringify(bad)).toBe(503);
      expect((await json(res)).error.details[0].message).toMatch(/suggestions\.0\.milestone/);
    }
    expect(await aiRows()).toHaveLength(0);
  });

  it('refuses a rule naming a currency the guild does not have, with the field path, and stores nothing', async () => {
    gemini.always(answer({ suggestions: [valid.suggestions[0], { ...valid.suggestions[1], rule: { ...threadRule, effects: [{ type: 'credit', to: 'actor', currency: 'gems', amount: 5 }] } }] }));
    const res = await api.request(S, { method: 'POST', json: { source: 'ai' } });
    const body = await json(res);
    expect(res.status).toBe(503);
    expect(body.error.details.map((d: any) => d.path).join(' ')).toMatch(/^suggestions\[1\]\.rule/);
    expect(await aiRows()).toHaveLength(0);
  });

  it('turns a valid answer into AI suggestions, each validated and backtested, from aggregates only; the call is in the cost ledger', async () => {
    gemini.always(answer(valid));
    const before = (await calls()).length;
    const res = await api.request(S, { method: 'POST', json: { source: 'ai' } });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ source: 'ai', offered: 3 });

    const prompt = gemini.requests[0]!.prompt;
    expect(prompt).toContain(`"active_members":${history.members.length}`);
    expect(prompt).toContain('"event":"thread_create"');
    expect(prompt).not.toContain('a thread'); // the threads' names are in the lake's data; the model never sees them

    const rows = await aiRows();
    expect(rows.map((r) => r.kind).sort()).toEqual(['milestone_threshold', 'reward_activity', 'unspent_currency']);
    const byKind = Object.fromEntries(body.suggestions.filter((s: any) => s.source === 'ai').map((s: any) => [s.kind, s]));
    const reached = [...history.messages.values()].filter((n) => n >= 50).length;
    expect(byKind.milestone_threshold.backtest).toMatchObject({ kind: 'milestone', threshold: 50, reached, active_members: history.members.length });
    expect(byKind.milestone_threshold.explanation).toBe('About one member in six sends 50 messages a month.');
    expect(byKind.reward_activity.backtest.currencies.xp.difference).toBe(5 * 6 * history.threadStarters.length);
    expect(byKind.unspent_currency).toMatchObject({ applicable: false, backtest: { kind: 'currency', currency: 'coins' } });

    await api.services.ai.settled();
    const logged = await calls();
    expect(logged).toHaveLength(before + 1);
    expect(logged.at(-1)).toMatchObject({ outcome: 'ok', guildId: GUILD, promptTokens: 2000, responseTokens: 400 });
    expect(logged.at(-1)!.costMicros).toBeGreaterThan(0);

    // An AI milestone applies like any other.
    const applied = await json(await api.request(`${S}/${byKind.milestone_threshold.id}/apply`, { method: 'POST' }));
    expect(applied.applied).toMatchObject({ entity: 'milestone', key: 'chatterbox', created: true });
  }, 120_000);

  it('refuses once the daily budget is spent, without calling Gemini or storing anything', async () => {
    expect((await api.request(`/api/guilds/${GUILD}/ai/budget`, { method: 'PUT', json: { daily_budget_usd: 0.000001 } })).status).toBe(200);
    const stored = (await aiRows()).length;
    gemini.always(answer(valid));
    const res = await api.request(S, { method: 'POST', json: { source: 'ai' } });
    expect(res.status).toBe(429);
    expect((await json(res)).error.details).toEqual({ kind: 'budget_exhausted' });
    expect(gemini.requests).toHaveLength(0);
    expect(await aiRows()).toHaveLength(stored);
  });
});

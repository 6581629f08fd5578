// The ai_quality signal end to end on the real pipeline, with the real @google/genai client against
// the fake Gemini: rules that read it pay by the fake's score; the budget, timeouts and failures
// fall back to null with the reason in the trace; events no rule scores never wait; content is
// never stored.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AiQualitySignal } from '../../src/ai/quality.ts';
import { aiCalls, lakeEvents } from '../../src/db/schema.ts';
import type { LakeEvent } from '../../src/events/lake-event.ts';
import { queryRows } from '../../src/db/client.ts';
import { holdContent } from '../../src/pipeline/signals.ts';
import { compileConfig } from '../../src/rules/compiler.ts';
import { dryRun, loadStateForDryRun } from '../../src/rules/dry-run.ts';
import { loadConfigInput, saveRule } from '../../src/rules/repository.ts';
import { creditRule, event } from '../rules/support.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, GUILD, seedGuild } from '../support/factories.ts';
import { FakeGemini } from './fake-gemini.ts';

let database: TestDatabase;
let gemini: FakeGemini;
let api: Awaited<ReturnType<typeof createTestApp>>;

/** The fake scores a text by the number in brackets it holds ("[0.8]"), 0.5 without one. */
const scoreOf = (prompt: string) => Number(/\[(\d(?:\.\d+)?)\]/.exec(prompt)?.[1] ?? 0.5);

beforeAll(async () => {
  database = await createTestDatabase();
  gemini = await FakeGemini.start();
  api = await createTestApp(database, { GEMINI_API_KEY: 'k', GEMINI_BASE_URL: gemini.url, CAIRN_AI_QUALITY_TIMEOUT_MS: '1500' });
});
afterAll(async () => {
  await api.services.close();
  await gemini.stop();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'gold' }] });
  await saveRule(database.db, GUILD, creditRule('quality-xp', { amount: { '*': [100, { var: 'ai_quality' }] } }), 'test');
  await saveRule(database.db, GUILD, creditRule('quality-or-default', { currency: 'gold', amount: { '*': [100, { var: ['ai_quality', 0.1] }] } }), 'test');
  await saveRule(database.db, GUILD, creditRule('reaction-gold', { trigger: { events: ['reaction_add'] }, currency: 'gold', amount: 1 }), 'test');
  await api.services.configs.reload(GUILD);
  api.services.ai.budgets.forget(GUILD);
  api.services.quality.cache.clear();
  gemini.requests.length = 0;
  gemini.maxInFlight = 0;
  gemini.handler = (r) => ({ json: { score: scoreOf(r.prompt) }, promptTokens: 40, responseTokens: 4 });
});

/** A message event with its text held in memory, as the Discord listener does. */
function message(text: string, overrides: Partial<LakeEvent> = {}): LakeEvent {
  const e = event('message_create', { data: { length: text.length }, ...overrides });
  holdContent(e, text);
  return e;
}

const balances = async (user = ALICE) =>
  Object.fromEntries(
    (await queryRows<{ key: string; balance: string }>(database.db, sql`SELECT c.key, w.balance::text FROM wallets w JOIN currencies c ON c.id = w.currency_id WHERE w.user_id = ${user}`)).map((r) => [r.key, Number(r.balance)]),
  );
const outcomes = async () => {
  await api.services.ai.settled();
  return (await database.db.select().from(aiCalls).orderBy(aiCalls.at, aiCalls.id)).map((c) => `${c.feature}:${c.outcome}`);
};

describe('a rule reading ai_quality', () => {
  it('pays according to the score Gemini gives the text', async () => {
    await api.services.pipeline.ingestEvents([message('a thoughtful, helpful answer [0.8]')], 'api');
    expect(await balances()).toEqual({ xp: 80, gold: 80 });
    await api.services.pipeline.ingestEvents([message('lol [0.2]')], 'api');
    expect(await balances()).toEqual({ xp: 100, gold: 100 });
    expect(gemini.requests).toHaveLength(2);
    expect(gemini.requests[0]!.prompt).toContain('a thoughtful, helpful answer [0.8]');
    expect(await outcomes()).toEqual(['quality:ok', 'quality:ok']);
  });

  it('never stores the text: the lake row holds metadata only', async () => {
    await api.services.pipeline.ingestEvents([message('secret words in a message [0.9]')], 'api');
    const rows = await queryRows<{ row: string }>(database.db, sql`SELECT row_to_json(l)::text AS row FROM lake_events l`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.row).not.toContain('secret words');
    expect(JSON.stringify(await database.db.select().from(aiCalls))).not.toContain('secret words');
  });

  it('scores the same text once (cache), recording the hit as a cached call', async () => {
    await api.services.pipeline.ingestEvents([message('same text [0.6]')], 'api');
    await api.services.pipeline.ingestEvents([message('same text [0.6]')], 'api');
    expect(gemini.requests).toHaveLength(1);
    expect(await balances()).toEqual({ xp: 120, gold: 120 });
    expect(await outcomes()).toEqual(['quality:ok', 'quality:cached']);
  });

  it('keeps at most the configured number of calls in flight', async () => {
    gemini.handler = (r) => ({ json: { score: scoreOf(r.prompt) }, delayMs: 150 });
    const events = Array.from({ length: 9 }, (_, i) => message(`message number ${i} [0.${i + 1}]`));
    await api.services.pipeline.ingestEvents(events, 'api');
    expect(gemini.requests).toHaveLength(9);
    expect(gemini.maxInFlight).toBe(api.services.quality.options.concurrency);
    expect((await balances()).xp).toBe([1, 2, 3, 4, 5, 6, 7, 8, 9].reduce((s, i) => s + i * 10, 0));
  });
});

describe('fallback: the rule sees null', () => {
  it('with the daily budget spent: no call, plain ai_quality rules do not pay, a default in var applies', async () => {
    await api.request(`/api/guilds/${GUILD}/ai/budget`, { method: 'PUT', json: { daily_budget_usd: 0 } });
    await api.services.pipeline.ingestEvents([message('great post [0.9]')], 'api');
    expect(gemini.requests).toHaveLength(0);
    // quality-xp computes 100 × null → not a number → skipped; quality-or-default uses 0.1.
    expect(await balances()).toEqual({ gold: 10, xp: 0 });
    expect(api.services.engine.recentErrors.at(-1)).toMatchObject({ rule: 'quality-xp', message: expect.stringContaining('not a number') });
    expect(await outcomes()).toEqual(['quality:budget_exhausted']);
  });

  it('the trace says why (budget spent), computed by the same signal provider', async () => {
    await api.request(`/api/guilds/${GUILD}/ai/budget`, { method: 'PUT', json: { daily_budget_usd: 0 } });
    const e = message('great post [0.9]');
    const signals = await new AiQualitySignal(api.services.quality, api.services.configs).compute(e, 'great post [0.9]');
    expect(signals.ai_quality).toBeNull();
    const config = compileConfig(await loadConfigInput(database.db, GUILD));
    const trace = dryRun(config, await loadStateForDryRun(database.db, config, e), e, undefined, signals);
    expect(trace.notes).toEqual([expect.stringMatching(/^ai_quality is null: the guild's daily AI budget is spent/)]);
    expect(trace.balances[ALICE]).toEqual({ xp: { before: 0, after: 0 }, gold: { before: 0, after: 10 } });
    expect(trace.rules.find((r) => r.rule === 'quality-xp')!.error).toContain('not a number');
  });

  it('the dry-run API says a dry run has no content to score', async () => {
    const res = await api.request(`/api/guilds/${GUILD}/dry-run`, { method: 'POST', json: { event: event('message_create') } });
    const trace = await json(res);
    expect(trace.notes).toEqual(['ai_quality is null: a dry run has no message content to score (Cairn never stores message text)']);
    expect(trace.balances[ALICE].gold).toEqual({ before: 0, after: 10 });
  });

  it('the dry-run API scores a pasted message, and says when the budget is spent', async () => {
    const dry = (content?: string) => api.request(`/api/guilds/${GUILD}/dry-run`, { method: 'POST', json: { event: event('message_create'), ...(content === undefined ? {} : { content }) } });
    const scored = await json(await dry('a helpful answer [0.8]'));
    expect(scored.notes).toEqual(['ai_quality = 0.8 (scored by gemini-2.5-flash)']);
    expect(scored.balances[ALICE]).toEqual({ xp: { before: 0, after: 80 }, gold: { before: 0, after: 80 } });
    await api.request(`/api/guilds/${GUILD}/ai/budget`, { method: 'PUT', json: { daily_budget_usd: 0 } });
    const spent = await json(await dry('another answer [0.8]'));
    expect(spent.notes).toEqual([expect.stringMatching(/^ai_quality is null: the guild's daily AI budget is spent/)]);
    expect(spent.balances[ALICE].gold).toEqual({ before: 0, after: 10 });
    expect(await database.db.select().from(lakeEvents)).toHaveLength(0);
    expect(await outcomes()).toEqual(['quality:ok', 'quality:budget_exhausted']);
  });

  it.each([
    ['a timeout', { json: { score: 0.9 }, delayMs: 2_500 }, 'timeout'],
    ['a 429', { status: 429 }, 'rate_limited'],
    ['a 500', { status: 500 }, 'error'],
    ['malformed output', { text: 'ninety percent' }, 'invalid_output'],
    ['a score outside 0–1', { json: { score: 7 } }, 'invalid_output'],
  ] as const)('on %s, records the failed call and pays the fallback', async (_name, answer, outcome) => {
    gemini.always(answer);
    const started = performance.now();
    await api.services.pipeline.ingestEvents([message('a post [0.9]')], 'api');
    expect(performance.now() - started).toBeLessThan(2_400);
    expect(await balances()).toEqual({ gold: 10, xp: 0 });
    expect(await outcomes()).toEqual([`quality:${outcome}`]);
  });

  it('a message without text (only an attachment) is not sent to Gemini', async () => {
    await api.services.pipeline.ingestEvents([event('message_create')], 'api');
    expect(gemini.requests).toHaveLength(0);
    expect(await balances()).toEqual({ gold: 10, xp: 0 });
  });
});

describe('events of rules that do not read ai_quality never wait', () => {
  it('a reaction commits at once while a message of the same batch waits for its score', async () => {
    gemini.handler = (r) => ({ json: { score: scoreOf(r.prompt) }, delayMs: 400 });
    const committed: [string, number][] = [];
    const started = performance.now();
    const off = api.services.pipeline.onCommit((stored) => committed.push(...stored.map((s) => [s.event.type, performance.now() - started] as [string, number])));
    try {
      await api.services.pipeline.ingestEvents([message('slow one [0.5]'), event('reaction_add', { actor_id: BOB, target_id: ALICE })], 'api');
    } finally {
      off();
    }
    expect(committed.map(([type]) => type)).toEqual(['reaction_add', 'message_create']);
    expect(committed[0]![1]).toBeLessThan(300);
    expect(committed[1]![1]).toBeGreaterThanOrEqual(400);
    expect(await balances(BOB)).toEqual({ xp: 0, gold: 1 });
  });

  it('messages in a guild whose rules do not read it are not scored', async () => {
    await seedGuild(database, { guildId: '1160511689263947797', currencies: [{ key: 'xp' }] });
    await saveRule(database.db, '1160511689263947797', creditRule('plain'), 'test');
    await api.services.configs.reload('1160511689263947797');
    await api.services.pipeline.ingestEvents([message('hello [0.9]', { guild_id: '1160511689263947797' })], 'api');
    expect(gemini.requests).toHaveLength(0);
  });

  it('scored gateway messages share background transactions', async () => {
    gemini.handler = (r) => ({ json: { score: scoreOf(r.prompt) }, delayMs: 200 });
    const batches: number[] = [];
    const off = api.services.pipeline.onCommit((stored) => batches.push(stored.length));
    try {
      for (let i = 0; i < 6; i++) await api.services.pipeline.ingest([message(`gateway message ${i} [0.5]`)], { origin: 'gateway' });
      expect(batches).toEqual([]);
      await api.services.pipeline.settled();
    } finally {
      off();
    }
    expect(batches.reduce((a, b) => a + b, 0)).toBe(6);
    expect(batches.length).toBeLessThan(6);
    expect(Math.max(...batches)).toBeGreaterThan(1);
    expect(await balances()).toEqual({ xp: 300, gold: 300 });
  });

  it('from the gateway, the scored message is committed in the background', async () => {
    gemini.handler = (r) => ({ json: { score: scoreOf(r.prompt) }, delayMs: 300 });
    const started = performance.now();
    const result = await api.services.pipeline.ingest([message('from discord [0.7]'), event('reaction_add', { actor_id: BOB, target_id: ALICE })], { origin: 'gateway' });
    expect(performance.now() - started).toBeLessThan(250);
    expect(result.accepted).toBe(1);
    expect(await database.db.select().from(lakeEvents)).toHaveLength(1);
    await api.services.pipeline.settled();
    expect(await database.db.select().from(lakeEvents)).toHaveLength(2);
    expect(await balances()).toEqual({ xp: 70, gold: 70 });
  });
});

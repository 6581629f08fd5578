// Suggested replies on a ticket (GET /api/guilds/:g/tickets/:number/suggestions) through the real
// @google/genai client against the fake Gemini: grounded in the FAQ entries the lookup finds, in
// the cost ledger; the FAQ answers as they stand when AI is off, over budget, down, slow or talking
// nonsense (never a 500); 401/403/404/422 at the door.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { aiCalls } from '../../src/db/schema.ts';
import { saveFaqEntry } from '../../src/faq/repository.ts';
import { FakeGemini } from '../ai/fake-gemini.ts';
import { ADMIN_TOKEN, createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';
import { CONVERSATION, FAQ, listFaq, seedTicket, setGuildSettings, transcriptsOn } from './ai-support.ts';

const CLOSED = new Date('2026-11-30T11:00:00.000Z');
let database: TestDatabase;
let gemini: FakeGemini;
let services: Awaited<ReturnType<typeof createTestApp>>['services'];
let app: ReturnType<typeof createApp>;
const faq = listFaq(FAQ);

const get = (path: string, token: string | null = ADMIN_TOKEN) => app.request(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
const suggestions = async (number: number | string = 1, guild = GUILD) => {
  const res = await get(`/api/guilds/${guild}/tickets/${number}/suggestions`);
  return { status: res.status, body: await json(res) };
};
const ledger = async () => {
  await services.ai.settled();
  return (await database.db.select().from(aiCalls)).map((c) => `${c.feature}:${c.outcome}`);
};

beforeAll(async () => {
  database = await createTestDatabase();
  gemini = await FakeGemini.start();
  services = (await createTestApp(database, { GEMINI_API_KEY: 'k', GEMINI_BASE_URL: gemini.url, GEMINI_TIMEOUT_SECONDS: '1' })).services;
  app = createApp(services, { faq });
});
afterAll(async () => {
  await services.close();
  await gemini.stop();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database);
  await seedGuild(database, { guildId: OTHER_GUILD });
  await setGuildSettings(database, transcriptsOn);
  await seedTicket(database, { status: 'claimed', closedAt: null, subject: 'My daily reward did not reset', messages: CONVERSATION });
  gemini.requests.length = 0;
  faq.queries.length = 0;
  gemini.always({ json: { replies: [{ text: 'Daily rewards reset at 00:00 UTC, so try again after midnight UTC.', faq_keys: ['daily-reset'] }] }, promptTokens: 500, responseTokens: 40 });
});

describe('with AI on', () => {
  it('writes replies grounded in the matching FAQ entries, and the call is in the cost ledger', async () => {
    const { status, body } = await suggestions();
    expect(status).toBe(200);
    expect(body).toEqual({ ai: 'on', suggestions: [{ text: 'Daily rewards reset at 00:00 UTC, so try again after midnight UTC.', source: 'ai', faq_entry: { key: 'daily-reset', question: 'When does the daily reward reset?' } }] });
    const request = gemini.requests[0]!;
    expect(gemini.requests).toHaveLength(1);
    expect(request.system).toContain('grounded ONLY in the FAQ entries given');
    expect(request.prompt).toContain('"key":"daily-reset"');
    expect(request.prompt).not.toContain('"key":"roles"'); // entries that do not match stay out
    expect(request.prompt).toContain('member: Ah, that explains it, thanks!');
    expect(request.body.generationConfig?.responseMimeType).toBe('application/json');
    // The lookup was asked with the subject, then the member's latest messages.
    expect(faq.queries[0]).toBe('My daily reward did not reset');
    expect(await ledger()).toEqual(['ticket_replies:ok']);
  });

  it('reads only the subject when the server keeps no transcripts', async () => {
    await setGuildSettings(database, { tickets: {} });
    await suggestions();
    expect(gemini.requests[0]!.prompt).not.toContain('Latest messages');
    expect(faq.queries).toEqual(['My daily reward did not reset']);
  });

  it('drops replies that cite no given entry; with none left, the FAQ answers are shown instead', async () => {
    gemini.always({ json: { replies: [{ text: 'Try turning it off and on.', faq_keys: ['made-up'] }, { text: 'Reset is at midnight UTC.', faq_keys: ['daily-reset'] }] } });
    expect((await suggestions()).body.suggestions).toEqual([{ text: 'Reset is at midnight UTC.', source: 'ai', faq_entry: { key: 'daily-reset', question: 'When does the daily reward reset?' } }]);
    gemini.always({ json: { replies: [{ text: 'Try turning it off and on.', faq_keys: [] }] } });
    const { body } = await suggestions();
    expect(body).toMatchObject({ ai: 'on', note: expect.stringContaining('did not rest on'), suggestions: [{ source: 'faq', faq_entry: { key: 'daily-reset' } }] });
  });

  it.each([
    ['text that is not JSON', { text: 'Here are three replies: 1. …' }, 'could not use'],
    ['JSON of another shape', { json: { answer: 'hi' } }, 'could not use'],
    ['too many replies', { json: { replies: Array.from({ length: 5 }, () => ({ text: 'x', faq_keys: ['daily-reset'] })) } }, 'could not use'],
    ['a server error', { status: 500 }, 'HTTP 500'],
    ['a rate limit', { status: 429 }, 'rate-limiting'],
    ['no answer within the timeout', { json: { replies: [] }, delayMs: 1500 }, 'did not answer within'],
  ])('falls back to the FAQ answers on %s, never a 500', async (_name, answer, note) => {
    gemini.always(answer);
    const { status, body } = await suggestions();
    expect(status).toBe(200);
    expect(body).toEqual({ ai: 'on', note: expect.stringContaining(note), suggestions: [{ text: 'Daily rewards reset at **00:00 UTC**.', source: 'faq', faq_entry: { key: 'daily-reset', question: 'When does the daily reward reset?' } }] });
    expect((await ledger()).length).toBe(1);
  });

  it('over the daily budget: no call, the FAQ answers, a budget_exhausted row', async () => {
    await setGuildSettings(database, { ai: { daily_budget_usd: 0 } });
    services.ai.budgets.forget(GUILD);
    const { body } = await suggestions();
    expect(body).toMatchObject({ ai: 'on', note: expect.stringContaining('daily AI budget'), suggestions: [{ source: 'faq' }] });
    expect(gemini.requests).toHaveLength(0);
    expect(await ledger()).toEqual(['ticket_replies:budget_exhausted']);
  });

  it('with no matching FAQ entry, asks nothing and says why', async () => {
    await seedTicket(database, { number: 2, status: 'open', closedAt: null, subject: 'xyz', messages: [] });
    expect((await suggestions(2)).body).toEqual({ ai: 'on', note: expect.stringContaining('No FAQ entry matches'), suggestions: [] });
    expect(gemini.requests).toHaveLength(0);
  });
});

describe('with AI off', () => {
  it('answers the FAQ matches as plain suggestions when the server switched AI replies off', async () => {
    await setGuildSettings(database, { tickets: { ...transcriptsOn.tickets, ai: { summary_on_close: true, suggested_replies: false } } });
    const { body } = await suggestions();
    expect(body).toEqual({ ai: 'off', note: expect.stringContaining('switched off'), suggestions: [{ text: 'Daily rewards reset at **00:00 UTC**.', source: 'faq', faq_entry: { key: 'daily-reset', question: 'When does the daily reward reset?' } }] });
    expect(gemini.requests).toHaveLength(0);
    expect(await ledger()).toEqual([]);
  });

  it('finds the entries through the guild\'s own FAQ search when no lookup is passed in', async () => {
    await setGuildSettings(database, { tickets: { ...transcriptsOn.tickets, ai: { summary_on_close: true, suggested_replies: false } } });
    for (const entry of FAQ) await saveFaqEntry(database.db, GUILD, { key: entry.key, question: entry.question, answer: entry.answer, tags: entry.tags }, 'test');
    const res = await createApp(services).request(`/api/guilds/${GUILD}/tickets/1/suggestions`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    const body = await json(res);
    expect(res.status).toBe(200);
    expect(body.ai).toBe('off');
    expect(body.suggestions[0]).toMatchObject({ source: 'faq', faq_entry: { key: 'daily-reset' } });
  });

  it('answers the FAQ matches without an API key', async () => {
    const keyless = await createTestApp(database);
    try {
      const res = await createApp(keyless.services, { faq }).request(`/api/guilds/${GUILD}/tickets/1/suggestions`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(await json(res)).toMatchObject({ ai: 'off', note: expect.stringContaining('GEMINI_API_KEY'), suggestions: [{ source: 'faq' }] });
    } finally {
      await keyless.services.ai.settled();
    }
    expect(gemini.requests).toHaveLength(0);
  });
});

describe('the route at the door', () => {
  it('is 404 for an unknown ticket and for another server’s ticket', async () => {
    expect((await suggestions(7)).status).toBe(404);
    expect((await suggestions(7)).body.error.message).toBe('this server has no ticket #7');
    await seedTicket(database, { guildId: OTHER_GUILD, number: 9, closedAt: CLOSED });
    expect((await suggestions(9)).status).toBe(404);
    expect((await suggestions(9, OTHER_GUILD)).status).toBe(200);
  });

  it.each(['abc', '0', '-1', '1.5', '9007199254740993', 'x'.repeat(5000)])('refuses the ticket number %s with 422 and its path', async (number) => {
    const { status, body } = await suggestions(number);
    expect(status).toBe(422);
    expect(body.error.details[0].path).toBe('number');
  });

  it('a NUL byte in the URL is refused before the route (400)', async () => {
    expect((await suggestions('1%00')).status).toBe(400);
    expect(gemini.requests).toHaveLength(0);
  });

  it('needs credentials (401) and access to the server (403)', async () => {
    expect((await get(`/api/guilds/${GUILD}/tickets/1/suggestions`, null)).status).toBe(401);
    expect((await get(`/api/guilds/${GUILD}/tickets/1/suggestions`, 'wrong-token')).status).toBe(401);
    const issued = await json(await app.request('/api/tokens', { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'other admin', guildIds: [OTHER_GUILD] }) }));
    expect((await get(`/api/guilds/${GUILD}/tickets/1/suggestions`, issued.token)).status).toBe(403);
    expect(gemini.requests).toHaveLength(0);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = await json(await get('/api/openapi.json'));
    expect(doc.paths['/api/guilds/{guildId}/tickets/{number}/suggestions'].get.responses['200']).toBeDefined();
  });
});

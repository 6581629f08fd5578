// Through the fake Discord with the real discord.js and @google/genai clients: /audit answers staff
// privately with an embed coloured by the risk level, and every failure with a clear message and a
// recorded call; a message's text reaches the ai_quality signal (and nowhere else).
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AiService } from '../../src/ai/ai-service.ts';
import { AiQualitySignal, QualityScorer } from '../../src/ai/quality.ts';
import { queryRows } from '../../src/db/client.ts';
import type { LakeEvent } from '../../src/events/lake-event.ts';
import { heldContentOf } from '../../src/pipeline/signals.ts';
import { aiCalls } from '../../src/db/schema.ts';
import { saveRule } from '../../src/rules/repository.ts';
import { creditRule } from '../rules/support.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { seedGuild } from '../support/factories.ts';
import { balances, startBot, waitForLake, type BotHarness } from '../discord/support/harness.ts';
import { ALICE, BOB, GUILD, MANAGE_GUILD, MEMBER_PERMISSIONS, MOD_ROLE, message, slashCommand } from '../discord/support/payloads.ts';
import { FakeGemini } from './fake-gemini.ts';

const EPHEMERAL = 64;
const STRING = 3;
const MANAGE_MESSAGES = String(1n << 13n);

let database: TestDatabase;
let gemini: FakeGemini;
let harness: BotHarness;
let ai: AiService;

beforeAll(async () => {
  database = await createTestDatabase();
  gemini = await FakeGemini.start();
});
afterAll(async () => {
  await gemini.stop();
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }] });
  gemini.requests.length = 0;
  gemini.always({ json: { risk: 'green', summary: 'Harmless. Nothing to do.', reasons: [] } });
  ai = new AiService({ apiKey: 'k', baseUrl: gemini.url, model: 'gemini-2.5-flash', timeoutMs: 1_000 }, { db: database.db });
});
afterEach(async () => {
  await harness?.stop();
  await ai.settled();
});

async function runAudit(text: string, invoker: Parameters<typeof slashCommand>[2]) {
  const interaction = slashCommand('audit', [{ name: 'text', type: STRING, value: text }], invoker);
  harness.fake.dispatch('INTERACTION_CREATE', interaction);
  const [callback] = await harness.fake.waitForCalls('POST', new RegExp(`^/interactions/${interaction.id}/${interaction.token}/callback$`));
  return callback!.body as { type: number; data: { embeds: { title: string; description?: string; color: number; fields?: { name: string; value: string }[] }[]; flags?: number } };
}
const outcomes = async () => {
  await ai.settled();
  return (await database.db.select().from(aiCalls).orderBy(aiCalls.at, aiCalls.id)).map((c) => c.outcome);
};

describe('/audit', () => {
  beforeEach(async () => {
    harness = await startBot(database, { bot: { ai } });
  });

  it('is registered with Manage Messages as its default permission', async () => {
    const [put] = await harness.fake.waitForCalls('PUT', new RegExp(`/guilds/${GUILD}/commands$`));
    const command = (put!.body as { name: string; default_member_permissions?: string }[]).find((c) => c.name === 'audit');
    expect(command?.default_member_permissions).toBe(MANAGE_MESSAGES);
  });

  it.each([
    ['green', 0x57f287, 'Green — low risk'],
    ['yellow', 0xfee75c, 'Yellow — worth a look'],
    ['red', 0xed4245, 'Red — act now'],
  ] as const)('a %s verdict is a private embed coloured %i', async (risk, colour, title) => {
    gemini.always({ json: { risk, summary: `This is ${risk}. A moderator may act.`, reasons: ['first finding', 'second finding'] } });
    const reply = await runAudit('text to check', { id: ALICE, permissions: MANAGE_MESSAGES });
    expect(reply.data.flags).toBe(EPHEMERAL);
    const [embed] = reply.data.embeds;
    expect(embed).toMatchObject({ color: colour, description: `This is ${risk}. A moderator may act.` });
    expect(embed!.title).toContain(title);
    expect(embed!.fields![0]!.value).toBe('• first finding\n• second finding');
    expect(gemini.requests[0]!.prompt).toContain('text to check');
    expect(await outcomes()).toEqual(['ok']);
  });

  it.each([
    ['malformed output', { text: '<html>oops</html>' }, /could not use/, 'invalid_output'],
    ['a 429', { status: 429 }, /rate-limiting Cairn right now \(HTTP 429\)/, 'rate_limited'],
    ['a 500', { status: 500 }, /answered with an error \(HTTP 500\)/, 'error'],
    ['a timeout', { json: { risk: 'green', summary: 'late', reasons: [] }, delayMs: 1_800 }, /did not answer within 1 s/, 'timeout'],
  ] as const)('%s gives a clear private message and a recorded failed call', async (_name, answer, text, outcome) => {
    gemini.always(answer);
    const reply = await runAudit('text to check', { id: ALICE, permissions: MANAGE_GUILD });
    expect(reply.data.flags).toBe(EPHEMERAL);
    expect(reply.data.embeds[0]).toMatchObject({ title: 'Audit unavailable', color: 0xed4245, description: expect.stringMatching(text) });
    expect(await outcomes()).toEqual([outcome]);
    expect(harness.logs.filter((l) => l.level >= 50)).toEqual([]);
  });

  it('refuses members who are not staff, without calling Gemini', async () => {
    const reply = await runAudit('text', { id: BOB, permissions: MEMBER_PERMISSIONS });
    expect(reply.data.flags).toBe(EPHEMERAL);
    expect(reply.data.embeds[0]!.description).toMatch(/Only staff can use \/audit/);
    expect(gemini.requests).toHaveLength(0);
  });

  it('accepts a staff role from the guild settings', async () => {
    await database.db.execute(sql`UPDATE guilds SET settings = ${JSON.stringify({ staff_role_ids: [MOD_ROLE] })}::jsonb WHERE id = ${GUILD}`);
    await harness.configs.reload(GUILD);
    const reply = await runAudit('text', { id: BOB, permissions: MEMBER_PERMISSIONS, roles: [MOD_ROLE] });
    expect(reply.data.embeds[0]!.title).toContain('Audit: Green');
  });
});

describe('/audit without a Gemini key', () => {
  it('says plainly that AI is off', async () => {
    harness = await startBot(database, { bot: { ai: new AiService({}, { db: database.db }) } });
    const reply = await runAudit('text', { id: ALICE, permissions: MANAGE_GUILD });
    expect(reply.data.embeds[0]).toMatchObject({ title: 'Audit unavailable', description: expect.stringMatching(/AI features are off.*GEMINI_API_KEY/) });
    expect(gemini.requests).toHaveLength(0);
  });
});

describe('ai_quality from a Discord message', () => {
  it('scores the message text held in memory and pays by the score; the text is stored nowhere', async () => {
    await saveRule(database.db, GUILD, creditRule('quality-xp', { amount: { '*': [100, { var: 'ai_quality' }] } }), 'test');
    harness = await startBot(database, { bot: { ai } });
    harness.pipeline.useSignals(new AiQualitySignal(new QualityScorer(ai), harness.configs));
    gemini.always({ json: { score: 0.42 } });
    harness.fake.dispatch('MESSAGE_CREATE', message({ author: ALICE, content: 'a careful explanation of the bug' }));
    await waitForLake(harness, database, 1, 'message_create');
    await harness.pipeline.settled();
    expect(await balances(database, ALICE)).toEqual({ xp: 42 });
    expect(gemini.requests[0]!.prompt).toContain('a careful explanation of the bug');
    const stored = await queryRows<{ t: string }>(database.db, sql`SELECT (SELECT string_agg(row_to_json(l)::text, '') FROM lake_events l) || (SELECT string_agg(row_to_json(a)::text, '') FROM ai_calls a) AS t`);
    expect(stored[0]!.t).not.toContain('careful explanation');
  });

  it.each([
    ['on', true],
    ['off', false],
  ] as const)('with AI %s, the listener holds the text for scoring: %s', async (_state, on) => {
    harness = await startBot(database, { bot: { ai: on ? ai : new AiService({}, { db: database.db }) } });
    const seen: (string | undefined)[] = [];
    harness.pipeline.useSignals({ needs: (e: LakeEvent) => (seen.push(heldContentOf(e)), false), compute: async () => ({}) });
    harness.fake.dispatch('MESSAGE_CREATE', message({ author: ALICE, content: 'some words' }));
    await waitForLake(harness, database, 1, 'message_create');
    expect(seen).toEqual([on ? 'some words' : undefined]);
  });
});

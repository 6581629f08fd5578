// Issue 15, operations: Cairn posts a guild's errors to its ops channel through the outbox,
// throttled (N errors → one message, then one message counting the held-back ones), keeps them in a
// bounded error log, and a paused guild's outbox rows wait for the unpause, then go in order.
import { desc, eq } from 'drizzle-orm';
import { REST } from 'discord.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/app/clock.ts';
import { opsErrors, outbox } from '../../src/db/schema.ts';
import { deliver } from '../../src/discord/outbox-delivery.ts';
import { OutboxDispatcher } from '../../src/discord/outbox-dispatcher.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { createTestApp, json, TEST_NOW } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { FakeDiscord } from '../support/fake-discord.ts';
import { GUILD, messageEvent, OTHER_GUILD, seedGuild } from '../support/factories.ts';

const OPS_CHANNEL = '1222222222222222222';
const ANNOUNCE = '1333333333333333333';
let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
const clock = fixedClock(TEST_NOW);
let fake: FakeDiscord;
let rest: REST;
let dispatcher: OutboxDispatcher;

beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database, {}, { clock });
});
afterAll(async () => {
  await api.services.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  for (const g of [GUILD, OTHER_GUILD]) {
    await seedGuild(database, { guildId: g, currencies: [{ key: 'gold' }, { key: 'xp' }] });
    await api.services.configs.reload(g);
  }
  fake = await FakeDiscord.start();
  rest = new REST({ api: fake.apiUrl, retries: 0, timeout: 5_000 }).setToken('fake-token');
  dispatcher = new OutboxDispatcher(database, (row) => deliver(rest, row), silentLogger, { intervalMs: 60_000 });
});
afterEach(async () => {
  await dispatcher.stop();
  rest.clearHashSweeper();
  rest.clearHandlerSweeper();
  await fake.close();
});

const G = `/api/guilds/${GUILD}`;
const opsPosts = () => fake.calls('POST', new RegExp(`^/channels/${OPS_CHANNEL}/messages$`));
/** Saves fine on its sample event, fails on a long message (an amount beyond what one posting may move). */
async function failingRule() {
  const res = await api.request(`${G}/rules/per-char`, {
    method: 'PUT',
    json: { key: 'per-char', name: 'per char', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', currency: 'xp', amount: { '*': [{ var: 'event.data.length' }, 1e9] } }] },
  });
  expect(res.status, await res.clone().text()).toBe(200);
}
const long = () => messageEvent({ data: { length: 5000 } });
const sendAll = async () => {
  while ((await dispatcher.runOnce()) > 0);
};

describe('the ops channel', () => {
  it('receives one message for N rule errors, then one that counts the held-back ones when the window ends', async () => {
    expect((await api.request(`${G}/settings`, { method: 'PATCH', json: { ops_channel_id: OPS_CHANNEL } })).status).toBe(200);
    await failingRule();
    // Two rule errors (QUARANTINE_AFTER is higher) in separate requests, then three more at once.
    await api.request(`${G}/events`, { method: 'POST', json: long() });
    await api.request(`${G}/events`, { method: 'POST', json: long() });
    await api.request(`${G}/events`, { method: 'POST', json: [long(), long(), long()] });
    await api.services.ops.log.settled();
    await sendAll();
    expect(opsPosts()).toHaveLength(1);
    expect(String(opsPosts()[0]!.body.content)).toMatch(/A rule failed.*per-char/s);

    // Within the window: still held back.
    clock.advance(5 * 60_000);
    await api.services.ops.log.flush();
    await sendAll();
    expect(opsPosts()).toHaveLength(1);
    clock.advance(6 * 60_000);
    await api.services.ops.log.flush();
    await sendAll();
    expect(opsPosts()).toHaveLength(2);
    expect(String(opsPosts()[1]!.body.content)).toContain('4 more like this');

    // The error log lists both, with what they stand for; another guild's log is empty.
    const page = await json(await api.request(`${G}/ops`));
    expect(page.errors).toEqual([
      expect.objectContaining({ kind: 'rule_error', count: 4, message: expect.stringContaining('4 more like this') }),
      expect.objectContaining({ kind: 'rule_error', count: 1, message: expect.stringContaining('per-char') }),
    ]);
    expect((await json(await api.request(`/api/guilds/${OTHER_GUILD}/ops`))).errors).toEqual([]);
  });

  it('without an ops channel, errors are still logged for the health page, and nothing is posted', async () => {
    await failingRule();
    await api.request(`${G}/events`, { method: 'POST', json: long() });
    await api.services.ops.log.settled();
    expect(await database.db.$count(opsErrors, eq(opsErrors.guildId, GUILD))).toBe(1);
    expect(await database.db.$count(outbox)).toBe(0);
  });

  it('keeps a bounded log per guild', async () => {
    const log = api.services.ops.log;
    for (let i = 0; i < 230; i++) await log.report(GUILD, i % 2 ? 'event_failed' : 'outbox_failed', `problem ${i}`.repeat(1 + (i % 3)));
    // Different kinds are throttled apart; each kind's first goes in, the rest wait for the window.
    clock.advance(11 * 60_000);
    for (let i = 0; i < 230; i++) {
      await log.report(GUILD, 'rule_error', `x${i}`);
      clock.advance(11 * 60_000);
    }
    expect(await database.db.$count(opsErrors, eq(opsErrors.guildId, GUILD))).toBe(200);
    await log.report(GUILD, 'rule_error', 'nul \u0000 and huge '.repeat(10_000));
    const [newest] = await database.db.select().from(opsErrors).orderBy(desc(opsErrors.id)).limit(1);
    expect(newest!.message).toMatch(/^nul \ufffd and huge/);
    expect(newest!.message.length).toBe(1500);
  });

  it('refuses an ops channel that is no snowflake, with the field path', async () => {
    for (const bad of ['general', 12345, '1'.repeat(30), { id: 1 }]) {
      const res = await api.request(`${G}/settings`, { method: 'PATCH', json: { ops_channel_id: bad } });
      expect(res.status).toBe(422);
      expect((await json(res)).error.details[0].path).toBe('ops_channel_id');
    }
    expect((await json(await api.request(`${G}/settings`))).ops_channel_id).toBeUndefined();
  });
});

describe("a paused guild's outbox", () => {
  it('waits while paused (another guild is sent), then goes in order after the unpause', async () => {
    const rows = async (guild: string, n: number) => {
      for (let i = 0; i < n; i++) await database.db.insert(outbox).values({ guildId: guild, kind: 'message', payload: { channel_id: ANNOUNCE, content: `${guild} #${i}` } });
    };
    await api.request(`${G}/pause`, { method: 'PUT', json: { paused: true } });
    await rows(GUILD, 3);
    await rows(OTHER_GUILD, 2);
    await sendAll();
    const sent = () => fake.calls('POST', new RegExp(`^/channels/${ANNOUNCE}/messages$`)).map((c) => String(c.body.content));
    expect(sent()).toEqual([`${OTHER_GUILD} #0`, `${OTHER_GUILD} #1`]);
    const waiting = await database.db.select().from(outbox).where(eq(outbox.guildId, GUILD));
    expect(waiting.map((r) => [r.status, r.attempts])).toEqual([['pending', 0], ['pending', 0], ['pending', 0]]);
    const page = await json(await api.request(`${G}/ops`));
    expect(page.outbox).toMatchObject({ backlog: 3, paused: 3, failed: 0 });

    await api.request(`${G}/pause`, { method: 'PUT', json: { paused: false } });
    await sendAll();
    expect(sent()).toEqual([`${OTHER_GUILD} #0`, `${OTHER_GUILD} #1`, `${GUILD} #0`, `${GUILD} #1`, `${GUILD} #2`]);
  });
});

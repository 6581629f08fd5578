// Issue 13 §5–6: ingest answers per event, an error answer means nothing was written, text Postgres
// cannot store and over-deep JSON are refused at the boundary with their path, and events outside
// the guild's retention window are refused (so a pruned event can never be paid twice).
import { sql } from 'drizzle-orm';
import { fixedClock } from '../../src/app/clock.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lakeEvents, transactions } from '../../src/db/schema.ts';
import { createTestApp, json, TEST_NOW } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, GUILD, messageEvent, nextSourceId, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  // The default retention window (90 days) on a fixed day, so "120 days ago" means the same forever.
  api = await createTestApp(database, { CAIRN_RETENTION_DAYS: '90' }, { clock: fixedClock(TEST_NOW) });
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  // The engine caches each guild's configuration: drop what an earlier test left behind.
  await api.services.configs.reload(GUILD);
});

const post = (body: unknown) => api.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: body });
const postText = (body: string) =>
  api.request(`/api/guilds/${GUILD}/events`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
const lakeCount = async () => (await database.db.select().from(lakeEvents)).length;
const commandEvent = (name: string, options: unknown = {}) => ({ ...messageEvent(), type: 'command', data: { name, options } });
const reaction = (emoji: string) => ({ ...messageEvent(), type: 'reaction_add', target_id: null, data: { emoji, message_id: '1300000000000000001' } });
const daysBefore = (days: number) => new Date(TEST_NOW.getTime() - days * 86_400_000).toISOString();

/** A rule paying 10 gold per message, so a second payment would show in the ledger. */
async function payingGuild() {
  await seedGuild(database);
  const res = await api.request(`/api/guilds/${GUILD}/rules/pay`, {
    method: 'PUT',
    json: { key: 'pay', name: 'Pay', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', currency: 'gold', amount: 10 }] },
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

describe('the answer says what became of every event', () => {
  it('lists each event with its source id and status: accepted, duplicate, rejected with the reason', async () => {
    const first = messageEvent();
    await post(first);
    const res = await post([first, messageEvent({ source_id: 'fresh-1' }), { ...messageEvent(), type: 'nope', source_id: 'bad-1' }]);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ accepted: 1, duplicate: 1, rejected: [{ index: 2, errors: [{ path: 'type' }] }] });
    expect(body.events).toEqual([
      { index: 0, source_id: first.source_id, status: 'duplicate' },
      { index: 1, source_id: 'fresh-1', status: 'accepted' },
      { index: 2, source_id: 'bad-1', status: 'rejected', errors: [expect.objectContaining({ path: 'type' })] },
    ]);
  });
});

describe('a request commits all its accepted events or none', () => {
  it('1,100 events whose last one fails in the database: an error answer, and not one of them written', async () => {
    await payingGuild();
    // A real failure inside the transaction, after 1,099 events were written: a trigger refuses one row.
    await database.db.execute(sql.raw(`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.source_id = 'poison' THEN RAISE EXCEPTION 'poisoned event'; END IF; RETURN NEW; END $$`));
    await database.db.execute(sql.raw('CREATE TRIGGER refuse_poison BEFORE INSERT ON lake_events FOR EACH ROW EXECUTE FUNCTION refuse_poison()'));
    try {
      const events = [...Array.from({ length: 1099 }, () => messageEvent()), messageEvent({ source_id: 'poison' })];
      const res = await post(events);
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(await lakeCount()).toBe(0);
      expect(await database.db.select().from(transactions)).toHaveLength(0);
    } finally {
      await database.db.execute(sql.raw('DROP TRIGGER refuse_poison ON lake_events'));
      await database.db.execute(sql.raw('DROP FUNCTION refuse_poison()'));
    }
    // The same request, retried once the fault is gone, is written whole.
    const retry = await post(Array.from({ length: 1100 }, () => messageEvent()));
    expect(retry.status).toBe(200);
    expect(await lakeCount()).toBe(1100);
  });
});

describe('text Postgres cannot store is refused at the boundary, with its path', () => {
  it('a NUL in one event rejects that event only; its valid sibling is stored', async () => {
    const res = await post([commandEvent('check\u0000in'), messageEvent({ source_id: 'sibling' })]);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([{ index: 0, errors: [{ path: 'data.name', message: expect.stringContaining('NUL') }] }]);
    expect((await database.db.select().from(lakeEvents)).map((e) => e.sourceId)).toEqual(['sibling']);
  });

  it('a lone surrogate in an emoji, or a NUL in an option key, is a rejected event, never a 500', async () => {
    const res = await post([reaction('\ud800'), commandEvent('checkin', { ['a\u0000b']: 1 })]);
    expect(res.status).toBe(422);
    const details = (await json(res)).error.details;
    expect(details[0].errors[0]).toMatchObject({ path: 'data.emoji', message: expect.stringContaining('surrogate') });
    expect(details[1].errors[0]).toMatchObject({ path: expect.stringContaining('data.options'), message: expect.stringContaining('NUL') });
    expect(await lakeCount()).toBe(0);
  });

  it.each([
    ['a NUL', '%00'],
    ['a lone surrogate', '%ED%A0%80'],
    ['a malformed escape', '%E0%A4%A'],
  ])('%s in a URL segment is a 400 naming the segment', async (_name, segment) => {
    const res = await api.request(`/api/guilds/${GUILD}/rules/${segment}`);
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('bad_request');
    expect(body.error.details[0].path).toBe('path[5]');
  });

  it('a NUL in a query value is a 400', async () => {
    const res = await api.request(`/api/guilds/${GUILD}/members?q=a%00b`);
    expect(res.status).toBe(400);
    expect((await json(res)).error.details[0]).toMatchObject({ path: 'query.q' });
  });

  it.each([
    ['rule name', 'rules/nul', { key: 'nul', name: 'a\u0000b', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', currency: 'gold', amount: 1 }] }, 'name'],
    ['rule key in the body', 'rules/k', { key: 'k\u0000', name: 'n', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', currency: 'gold', amount: 1 }] }, 'key'],
    ['zone name', 'zones/z', { key: 'z', name: '\udc00', channels: [] }, 'name'],
  ])('a %s with unstorable text is a 422 with its path, and nothing is saved', async (_name, path, body, field) => {
    await seedGuild(database);
    const res = await api.request(`/api/guilds/${GUILD}/${path}`, { method: 'PUT', json: body });
    expect(res.status).toBe(422);
    expect((await json(res)).error.details).toContainEqual(expect.objectContaining({ path: field }));
  });
});

describe('values no event can have, and JSON nested too deep', () => {
  it('an occurred_at of 0001-01-01 is a rejected event naming the field, not a 500', async () => {
    const res = await post(messageEvent({ occurred_at: '0001-01-01T00:00:00Z' }));
    expect(res.status).toBe(422);
    expect((await json(res)).error.details[0].errors[0]).toMatchObject({ path: 'occurred_at', message: expect.stringContaining('2015') });
  });

  it('command options nested 5,000 deep are refused before anything walks them', async () => {
    let nested = '1';
    for (let i = 0; i < 5000; i++) nested = `{"a":${nested}}`;
    const event = JSON.stringify(commandEvent('deep', '__OPTIONS__')).replace('"__OPTIONS__"', `{"o":${nested}}`);
    const res = await postText(event);
    expect(res.status).toBe(400);
    expect((await json(res)).error).toMatchObject({ code: 'invalid_json', message: expect.stringContaining('nested deeper than') });
  });

  it('command options nested past their own small limit are a rejected event', async () => {
    const res = await post(commandEvent('deep', { a: { b: { c: { d: { e: 1 } } } } }));
    expect(res.status).toBe(422);
    expect((await json(res)).error.details[0].errors[0]).toMatchObject({ path: 'data.options' });
  });

  it('a milestone requirement nested 20,000 deep is a 400, not a stack overflow', async () => {
    let requirement = '{"type":"wallet","currency":"gold","min":1}';
    for (let i = 0; i < 20_000; i++) requirement = `{"type":"all","of":[${requirement}]}`;
    const body = `{"key":"deep","name":"Deep","requirement":${requirement}}`;
    const res = await api.request(`/api/guilds/${GUILD}/milestones/deep`, { method: 'PUT', body, headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expect((await api.app.request('/healthz')).status).toBe(200);
  });
});

describe('exactly once, also after retention', () => {
  it('an event older than the retention window is refused with the reason, and pays nothing', async () => {
    await payingGuild();
    const res = await post([messageEvent({ occurred_at: daysBefore(120) }), messageEvent({ occurred_at: daysBefore(1) })]);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.accepted).toBe(1);
    expect(body.rejected[0]).toEqual({ index: 0, errors: [{ path: 'occurred_at', message: expect.stringContaining('retention window (90 days') }] });
    expect(await database.db.select().from(transactions)).toHaveLength(1);
  });

  it("follows the guild's own retention setting", async () => {
    await payingGuild();
    expect((await api.request(`/api/guilds/${GUILD}/settings`, { method: 'PATCH', json: { retention_days: 365 } })).status).toBe(200);
    expect((await json(await post(messageEvent({ occurred_at: daysBefore(120) })))).accepted).toBe(1);
  });

  it('an event from the future (more than a day ahead) is refused', async () => {
    const res = await post(messageEvent({ occurred_at: new Date(TEST_NOW.getTime() + 3 * 86_400_000).toISOString() }));
    expect(res.status).toBe(422);
    expect((await json(res)).error.details[0].errors[0].message).toContain('in the future');
  });

  it('the member of a refused old event keeps exactly the balance of the accepted ones', async () => {
    await payingGuild();
    const sourceId = nextSourceId();
    await post(messageEvent({ source_id: sourceId, occurred_at: daysBefore(2) }));
    await post(messageEvent({ source_id: sourceId, occurred_at: daysBefore(2) }));
    const member = await json(await api.request(`/api/guilds/${GUILD}/members/${ALICE}`));
    expect(member.currencies.find((c: { key: string }) => c.key === 'gold').balance).toBe(10);
  });
});

// Issue 13 §3 and §6: a failure stays with the guild and the event it belongs to (the rest of a
// gateway batch is written), the failing events are set aside and can be retried exactly once,
// and an event pruned from the lake can never be accepted again, even after the window grows.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deleteExpiredEvents } from '../../src/analytics/retention.ts';
import { fixedClock } from '../../src/app/clock.ts';
import { ingestFailures, lakeEvents, transactions } from '../../src/db/schema.ts';
import { createTestApp, json, TEST_NOW } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, messageEvent, nextSourceId, OTHER_GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
const DAY = 86_400_000;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database, { CAIRN_RETENTION_DAYS: '90' }, { clock: fixedClock(TEST_NOW) });
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  for (const g of [GUILD, OTHER_GUILD]) await api.services.configs.reload(g);
});

const daysBefore = (days: number) => new Date(TEST_NOW.getTime() - days * DAY).toISOString();
const lakeSources = async () => (await database.db.select({ s: lakeEvents.sourceId }).from(lakeEvents).orderBy(lakeEvents.sourceId)).map((r) => r.s);

async function payingGuild(guildId: string) {
  await seedGuild(database, { guildId });
  const res = await api.request(`/api/guilds/${guildId}/rules/pay`, {
    method: 'PUT',
    json: { key: 'pay', name: 'Pay', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', currency: 'gold', amount: 10 }] },
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

/** A real failure of one guild's events inside the database: a trigger refuses its lake rows. */
async function breakGuild(guildId: string) {
  await database.db.execute(sql.raw(`CREATE FUNCTION refuse_guild() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.guild_id = ${guildId} THEN RAISE EXCEPTION 'guild ${guildId} is broken'; END IF; RETURN NEW; END $$`));
  await database.db.execute(sql.raw('CREATE TRIGGER refuse_guild BEFORE INSERT ON lake_events FOR EACH ROW EXECUTE FUNCTION refuse_guild()'));
  return async () => {
    await database.db.execute(sql.raw('DROP TRIGGER refuse_guild ON lake_events'));
    await database.db.execute(sql.raw('DROP FUNCTION refuse_guild()'));
  };
}

describe("one guild's failure stays with it", () => {
  it("a gateway batch mixing a failing guild's events with another's: the other guild's are written and paid", async () => {
    await payingGuild(GUILD);
    await payingGuild(OTHER_GUILD);
    const repair = await breakGuild(OTHER_GUILD);
    const ours = Array.from({ length: 6 }, (_, i) => messageEvent({ source_id: `ours-${i}` }));
    const theirs = Array.from({ length: 3 }, (_, i) => messageEvent({ guild_id: OTHER_GUILD, source_id: `theirs-${i}` }));
    const batch = [ours[0]!, theirs[0]!, ours[1]!, ours[2]!, theirs[1]!, ours[3]!, ours[4]!, theirs[2]!, ours[5]!];
    let result;
    try {
      result = await api.services.pipeline.ingest(batch, { origin: 'gateway' });
    } finally {
      await repair();
    }
    expect(result.accepted).toBe(6);
    expect(result.events.filter((e) => e.status === 'failed').map((e) => e.source_id)).toEqual(['theirs-0', 'theirs-1', 'theirs-2']);
    expect(result.events.find((e) => e.status === 'failed')!.reason).toContain(`guild ${OTHER_GUILD} is broken`);
    expect(await lakeSources()).toEqual(ours.map((e) => e.source_id).sort());
    expect(await database.db.select().from(transactions)).toHaveLength(6);
    // Set aside, not lost: the operator sees each failing event with its error.
    const failures = await database.db.select().from(ingestFailures).orderBy(ingestFailures.sourceId);
    expect(failures.map((f) => [f.guildId, f.sourceId, f.origin])).toEqual(theirs.map((e) => [OTHER_GUILD, e.source_id, 'gateway']));
    expect(failures[0]!.error).toContain('is broken');
  });

  // The engine's write and the counters are sent with COMMIT without waiting for their answers
  // (ingest.ts, late writes): a failure there must still roll back the whole batch and be reported
  // with its own error, not as "current transaction is aborted" or as a success.
  it.each([
    ['the ledger write', 'transactions'],
    ['the activity counters', 'activity_hourly'],
    ['the lake counters', 'lake_guild_stats'],
  ])("a failure of a write sent with COMMIT (%s) rolls back only its guild's events and names its cause", async (_label, table) => {
    await payingGuild(GUILD);
    await payingGuild(OTHER_GUILD);
    await database.db.execute(sql.raw(`CREATE FUNCTION refuse_late() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.guild_id = ${OTHER_GUILD} THEN RAISE EXCEPTION 'late write of guild ${OTHER_GUILD} refused'; END IF; RETURN NEW; END $$`));
    await database.db.execute(sql.raw(`CREATE TRIGGER refuse_late BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_late()`));
    const ours = Array.from({ length: 4 }, (_, i) => messageEvent({ source_id: `ours-${i}` }));
    const theirs = Array.from({ length: 2 }, (_, i) => messageEvent({ guild_id: OTHER_GUILD, source_id: `theirs-${i}` }));
    let result;
    try {
      result = await api.services.pipeline.ingest([ours[0]!, theirs[0]!, ours[1]!, ours[2]!, theirs[1]!, ours[3]!], { origin: 'gateway' });
      // An HTTP request is all or nothing: its error answer names the cause, and nothing of it is written.
      const res = await api.request(`/api/guilds/${OTHER_GUILD}/events`, { method: 'POST', json: [messageEvent({ guild_id: OTHER_GUILD, source_id: 'theirs-http' })] });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(await res.text()).not.toContain('current transaction is aborted');
    } finally {
      await database.db.execute(sql.raw(`DROP TRIGGER refuse_late ON ${table}`));
      await database.db.execute(sql.raw('DROP FUNCTION refuse_late()'));
    }
    expect(result.accepted).toBe(4);
    expect(result.events.filter((e) => e.status === 'failed').map((e) => [e.source_id, e.reason])).toEqual(
      theirs.map((e) => [e.source_id, expect.stringContaining(`late write of guild ${OTHER_GUILD} refused`)]),
    );
    expect(await lakeSources()).toEqual(ours.map((e) => e.source_id).sort());
    const paid = await database.db.select().from(transactions);
    expect(paid.map((t) => t.guildId)).toEqual(ours.map(() => GUILD));
  });

  it('one bad event among many of the same guild holds back only itself', async () => {
    await payingGuild(GUILD);
    await database.db.execute(sql.raw(`CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.source_id = 'poison' THEN RAISE EXCEPTION 'poisoned'; END IF; RETURN NEW; END $$`));
    await database.db.execute(sql.raw('CREATE TRIGGER refuse_one BEFORE INSERT ON lake_events FOR EACH ROW EXECUTE FUNCTION refuse_one()'));
    const events = Array.from({ length: 40 }, (_, i) => messageEvent({ source_id: i === 17 ? 'poison' : `e-${String(i).padStart(2, '0')}` }));
    try {
      const result = await api.services.pipeline.ingest(events, { origin: 'gateway' });
      expect(result.accepted).toBe(39);
      expect(result.events[17]).toMatchObject({ status: 'failed', source_id: 'poison' });
    } finally {
      await database.db.execute(sql.raw('DROP TRIGGER refuse_one ON lake_events'));
      await database.db.execute(sql.raw('DROP FUNCTION refuse_one()'));
    }
    expect(await lakeSources()).toHaveLength(39);
    expect((await database.db.select().from(ingestFailures)).map((f) => f.sourceId)).toEqual(['poison']);
  });

  it('events set aside are retried once the cause is gone: written and paid exactly once, then off the list', async () => {
    await payingGuild(OTHER_GUILD);
    const repair = await breakGuild(OTHER_GUILD);
    const theirs = Array.from({ length: 3 }, () => messageEvent({ guild_id: OTHER_GUILD }));
    await api.services.pipeline.ingest(theirs, { origin: 'gateway' });
    // Retrying while still broken keeps them, counting the attempts.
    expect(await api.services.failedEvents.retry(api.services.pipeline, OTHER_GUILD)).toEqual({ retried: 3, resolved: 0, failed: 3 });
    expect((await database.db.select().from(ingestFailures)).map((f) => f.attempts)).toEqual([2, 2, 2]);
    await repair();
    expect(await api.services.failedEvents.retry(api.services.pipeline, OTHER_GUILD)).toEqual({ retried: 3, resolved: 3, failed: 0 });
    expect(await database.db.select().from(ingestFailures)).toHaveLength(0);
    expect(await database.db.select().from(transactions)).toHaveLength(3);
    // The same events from the gateway again (a RESUME replay) are duplicates: nothing paid twice.
    const again = await api.services.pipeline.ingest(theirs, { origin: 'gateway' });
    expect(again.duplicate).toBe(3);
    expect(await database.db.select().from(transactions)).toHaveLength(3);
  });

  it('an HTTP request is never split: a failing guild answers an error and nothing of the request is written', async () => {
    await payingGuild(GUILD);
    const repair = await breakGuild(GUILD);
    try {
      const res = await api.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: [messageEvent(), messageEvent()] });
      expect(res.status).toBe(500);
    } finally {
      await repair();
    }
    expect(await lakeSources()).toEqual([]);
    expect(await database.db.select().from(ingestFailures)).toHaveLength(0);
  });
});

describe('exactly once after retention', () => {
  it('an event pruned from the lake is refused when sent again, even after the guild keeps its lake longer', async () => {
    await payingGuild(GUILD);
    const patch = (days: number) => api.request(`/api/guilds/${GUILD}/settings`, { method: 'PATCH', json: { retention_days: days } });
    expect((await patch(30)).status).toBe(200);
    const sourceId = nextSourceId();
    const old = messageEvent({ source_id: sourceId, occurred_at: daysBefore(20) });
    expect((await json(await api.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: old }))).accepted).toBe(1);
    // Fifteen days later the event is 35 days old: the daily job prunes it.
    const pruned = await deleteExpiredEvents(database.db, new Date(TEST_NOW.getTime() + 15 * DAY), { defaultDays: 90 });
    expect(pruned.guilds.find((g) => g.guildId === GUILD)!.deleted).toBe(1);
    expect(await lakeSources()).toEqual([]);
    // The admin now keeps 90 days: the event is inside the new window, yet the lake no longer holds it.
    expect((await patch(90)).status).toBe(200);
    const res = await api.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: [old, messageEvent({ occurred_at: daysBefore(1) })] });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([{ index: 0, errors: [{ path: 'occurred_at', message: expect.stringContaining('pruned') }] }]);
    expect(await database.db.select().from(transactions)).toHaveLength(2); // the first payment and the new event's, never a second for the old one
  });
});

describe('the admin and the operator are told', () => {
  beforeEach(async () => {
    // A process of its own, so failures of the tests above are not current here.
    api = await createTestApp(database, { CAIRN_RETENTION_DAYS: '90' }, { clock: fixedClock(TEST_NOW) });
  });

  it("events set aside degrade /healthz without naming the guild; the guild's health page lists them, and a retry from there writes them", async () => {
    await payingGuild(OTHER_GUILD);
    const healthy = await json(await api.app.request('/healthz'));
    expect(healthy.status).toBe('ok');
    const repair = await breakGuild(OTHER_GUILD);
    await api.services.pipeline.ingest([messageEvent({ guild_id: OTHER_GUILD, source_id: 'set-aside' })], { origin: 'gateway' });
    await repair();
    const res = await api.app.request('/healthz');
    expect(res.status).toBe(200); // the process serves on: only the guild is failing
    const body = await json(res);
    expect(body).toMatchObject({ status: 'degraded', db: 'ok', failingGuilds: 1 });
    expect(body.reasons).toEqual([expect.stringContaining('events of 1 guild(s) failed and were set aside')]);
    expect(JSON.stringify(body)).not.toContain(OTHER_GUILD);
    expect(await (await api.app.request('/metrics')).text()).toMatch(/cairn_guilds_failing 1\b[\s\S]*|cairn_events_ingested_total\{outcome="failed",origin="gateway"\} 1/);

    const page = await json(await api.request(`/api/guilds/${OTHER_GUILD}/health`));
    expect(page).toMatchObject({ status: 'failing', failedEvents: { count: 1, items: [{ sourceId: 'set-aside', type: 'message_create', origin: 'gateway', attempts: 1, error: expect.stringContaining('is broken') }] } });
    expect(page.reasons[0]).toContain('set aside');
    // Another guild's admin sees nothing of it.
    expect((await json(await api.request(`/api/guilds/${GUILD}/health`))).failedEvents.count).toBe(0);

    const retried = await api.request(`/api/guilds/${OTHER_GUILD}/health/failed-events/retry`, { method: 'POST', json: {} });
    expect(await json(retried)).toEqual({ retried: 1, resolved: 1, failed: 0 });
    expect(await lakeSources()).toEqual(['set-aside']);
    expect((await json(await api.request(`/api/guilds/${OTHER_GUILD}/health`))).failedEvents.count).toBe(0);
  });

  it('set-aside events can be discarded by id, and only those of the URL guild', async () => {
    await payingGuild(OTHER_GUILD);
    const repair = await breakGuild(OTHER_GUILD);
    await api.services.pipeline.ingest([messageEvent({ guild_id: OTHER_GUILD })], { origin: 'gateway' });
    await repair();
    const [row] = await database.db.select().from(ingestFailures);
    const wrongGuild = await api.request(`/api/guilds/${GUILD}/health/failed-events/discard`, { method: 'POST', json: { ids: [row!.id] } });
    expect(await json(wrongGuild)).toEqual({ discarded: 0 });
    const res = await api.request(`/api/guilds/${OTHER_GUILD}/health/failed-events/discard`, { method: 'POST', json: { ids: [row!.id] } });
    expect(await json(res)).toEqual({ discarded: 1 });
    expect((await api.request(`/api/guilds/${OTHER_GUILD}/health/failed-events/discard`, { method: 'POST', json: { ids: [] } })).status).toBe(422);
  });
});

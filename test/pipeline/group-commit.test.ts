// Issue 17, the single-event path: concurrent small ingests share one transaction (group commit),
// and each still gets its own answer — accepted, duplicate or its own failure — exactly once.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestFailures, lakeEvents, transactions } from '../../src/db/schema.ts';
import type { LakeEvent } from '../../src/events/lake-event.ts';
import type { StoredEvent } from '../../src/events/lake-writer.ts';
import { checkLedger } from '../../src/ledger/doctor.ts';
import { EngineProcessor } from '../../src/pipeline/engine-processor.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { IngestPipeline, type IngestResult } from '../../src/pipeline/ingest.ts';
import { ConfigStore } from '../../src/rules/config-store.ts';
import { saveRule } from '../../src/rules/repository.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, messageEvent, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }] });
  const saved = await saveRule(database.db, GUILD, { key: 'pay', name: 'Pay', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 10 }] }, 'test');
  if (!saved.ok) throw new Error(JSON.stringify(saved.problems));
  await api.services.configs.reload(GUILD);
});

const lakeSources = async () => (await database.db.select({ s: lakeEvents.sourceId }).from(lakeEvents)).map((r) => r.s).sort();
const paidFor = async (sourceId: string) => {
  const [row] = await database.db.select({ id: lakeEvents.id }).from(lakeEvents).where(eq(lakeEvents.sourceId, sourceId));
  if (!row) return 0;
  return (await database.db.select().from(transactions).where(eq(transactions.lakeEventId, row.id))).length;
};
const statusOf = (result: IngestResult) => result.events.map((e) => e.status);

/**
 * A pipeline like the app's (the engine paying the rule) whose first transaction waits at a gate
 * until the test opens it, so that what is sent meanwhile forms the next group deterministically.
 * `poison`: source ids whose processing throws (a processor failing on them). One group at a time,
 * so that what waits behind the held one is one group.
 */
function gatedPipeline(poison: Set<string> = new Set(), options: { gated?: boolean } = {}) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let entered!: () => void;
  const blocked = new Promise<void>((resolve) => (entered = resolve));
  let first = options.gated !== false;
  const pipeline = new IngestPipeline(database, [new EngineProcessor(new ConfigStore(database))], {
    afterLakeWrite: async (_tx, events: StoredEvent[]) => {
      if (first) {
        first = false;
        entered();
        await gate;
      }
      const bad = events.find((e) => poison.has(e.event.source_id));
      if (bad) throw new Error(`poisoned event ${bad.event.source_id}`);
    },
  }, silentLogger, { groupMaxInFlight: 1 });
  const request = (events: LakeEvent[]) => pipeline.ingest(events, { origin: 'api', guildId: GUILD, atomic: true });
  return {
    pipeline,
    request,
    /** Sends `blocker`, waits until its transaction is held, then sends `requests`; opens the gate once all are queued. */
    async group(blocker: LakeEvent, requests: LakeEvent[][]) {
      const held = request([blocker]);
      await blocked;
      const answers = requests.map((events) => request(events).then((r) => ({ ok: true as const, result: r }), (error: unknown) => ({ ok: false as const, error })));
      while (pipeline.groupStats.waiting < requests.length) await new Promise((resolve) => setTimeout(resolve, 5));
      open();
      return { held: await held, answers: await Promise.all(answers) };
    },
  };
}

describe('group commit over HTTP', () => {
  it('concurrent single-event requests share transactions, and each is answered for its own event', async () => {
    const before = api.services.pipeline.groupStats;
    const events = Array.from({ length: 10 }, () => messageEvent());
    const responses = await Promise.all(events.map((e) => api.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: e })));
    const bodies = await Promise.all(responses.map((r) => json(r)));
    expect(responses.map((r) => r.status)).toEqual(events.map(() => 200));
    bodies.forEach((body, i) => {
      expect(body).toEqual({ accepted: 1, duplicate: 0, rejected: [], events: [{ index: 0, source_id: events[i]!.source_id, status: 'accepted' }] });
    });
    const after = api.services.pipeline.groupStats;
    expect(after.submissions - before.submissions).toBe(10);
    expect(after.groups - before.groups, 'fewer transactions than requests').toBeLessThan(10);
    expect(await lakeSources()).toEqual(events.map((e) => e.source_id).sort());
    for (const e of events) expect(await paidFor(e.source_id)).toBe(1);
    expect(await checkLedger(database.db, GUILD)).toEqual([]);
  });

  it('a request sent again while its first copy is in flight is accepted once and answered duplicate once', async () => {
    const event = messageEvent();
    const responses = await Promise.all([0, 1, 2, 3].map(() => api.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: event })));
    const bodies = await Promise.all(responses.map((r) => json(r)));
    expect(bodies.map((b) => b.events[0].status).sort()).toEqual(['accepted', 'duplicate', 'duplicate', 'duplicate']);
    expect(await lakeSources()).toEqual([event.source_id]);
    expect(await paidFor(event.source_id)).toBe(1);
  });
});

describe('group commit: answers within a group', () => {
  it('a duplicate in a group is answered duplicate while its neighbours are accepted and paid', async () => {
    const { request, group, pipeline } = gatedPipeline();
    const old = messageEvent();
    // The first transaction (old) is held at the gate: the rest queue and then commit as one group.
    const fresh = [messageEvent(), messageEvent(), messageEvent()];
    const { held, answers } = await group(old, [[fresh[0]!], [old], [fresh[1]!], [fresh[2]!]]);
    expect(statusOf(held)).toEqual(['accepted']);
    expect(answers.map((a) => (a.ok ? statusOf(a.result) : 'threw'))).toEqual([['accepted'], ['duplicate'], ['accepted'], ['accepted']]);
    expect(pipeline.groupStats).toMatchObject({ groups: 2, submissions: 5, largest: 4, splits: 0 });
    for (const e of [old, ...fresh]) expect(await paidFor(e.source_id)).toBe(1);
    expect(await request([old])).toMatchObject({ accepted: 0, duplicate: 1 });
  });

  it('the same event twice in one group: the first copy is accepted, the second is a duplicate; one row, one payment', async () => {
    const { group, pipeline } = gatedPipeline();
    const twice = messageEvent();
    const { answers } = await group(messageEvent(), [[twice], [messageEvent()], [twice]]);
    expect(answers.map((a) => (a.ok ? statusOf(a.result) : 'threw'))).toEqual([['accepted'], ['accepted'], ['duplicate']]);
    expect(pipeline.groupStats.largest).toBe(3);
    expect((await lakeSources()).filter((s) => s === twice.source_id)).toHaveLength(1);
    expect(await paidFor(twice.source_id)).toBe(1);
  });

  it('the same event in two groups at once: the held group accepts it, the next answers duplicate; one row, one payment', async () => {
    const { group, pipeline } = gatedPipeline();
    const twice = messageEvent();
    const { held, answers } = await group(twice, [[twice], [messageEvent()]]);
    expect(statusOf(held)).toEqual(['accepted']);
    expect(answers.map((a) => (a.ok ? statusOf(a.result) : 'threw'))).toEqual([['duplicate'], ['accepted']]);
    expect(pipeline.groupStats.groups).toBe(2);
    expect(await paidFor(twice.source_id)).toBe(1);
    expect(await lakeSources()).toHaveLength(2);
  });

  it('a multi-event request stays whole in a group: all its events are answered together', async () => {
    const { group } = gatedPipeline();
    const batch = [messageEvent(), messageEvent(), messageEvent()];
    const { answers } = await group(messageEvent(), [[messageEvent()], batch, [messageEvent()]]);
    const [, whole] = answers;
    expect(whole?.ok && whole.result).toMatchObject({ accepted: 3, events: batch.map((e, index) => ({ index, source_id: e.source_id, status: 'accepted' })) });
    expect(await lakeSources()).toHaveLength(6);
  });
});

describe('group commit: one failure never fails its neighbours', () => {
  it('a request whose processing fails is refused alone; the others of its group are committed and paid', async () => {
    const poisoned = messageEvent();
    const { group, pipeline } = gatedPipeline(new Set([poisoned.source_id]));
    const neighbours = [messageEvent(), messageEvent(), messageEvent(), messageEvent()];
    const { answers } = await group(messageEvent(), [[neighbours[0]!], [neighbours[1]!], [poisoned], [neighbours[2]!], [neighbours[3]!]]);
    expect(answers.map((a) => (a.ok ? statusOf(a.result) : String(a.error)))).toEqual([['accepted'], ['accepted'], expect.stringContaining(`poisoned event ${poisoned.source_id}`), ['accepted'], ['accepted']]);
    expect(pipeline.groupStats.splits).toBeGreaterThan(0);
    for (const e of neighbours) expect(await paidFor(e.source_id)).toBe(1);
    expect(await lakeSources()).not.toContain(poisoned.source_id);
    // A request's failure is answered to it (an HTTP error), as before groups: it is not set aside.
    expect(await database.db.select().from(ingestFailures)).toHaveLength(0);
    expect(await checkLedger(database.db, GUILD)).toEqual([]);
  });

  it('a multi-event request with one failing event is refused whole; nothing of it is written, its neighbours are', async () => {
    const poisoned = messageEvent();
    const { group } = gatedPipeline(new Set([poisoned.source_id]));
    const batch = [messageEvent(), poisoned, messageEvent()];
    const single = [messageEvent(), messageEvent()];
    const { answers } = await group(messageEvent(), [[single[0]!], batch, [single[1]!]]);
    expect(answers.map((a) => a.ok)).toEqual([true, false, true]);
    const written = await lakeSources();
    for (const e of batch) expect(written).not.toContain(e.source_id);
    for (const e of single) expect(await paidFor(e.source_id)).toBe(1);
  });

  it('a statement the database refuses for one event (a trigger) fails only that request of the group', async () => {
    const poisoned = messageEvent();
    await database.db.execute(sql.raw(`CREATE FUNCTION refuse_source() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.source_id = '${poisoned.source_id}' THEN RAISE EXCEPTION 'event ${poisoned.source_id} is refused'; END IF; RETURN NEW; END $$`));
    await database.db.execute(sql.raw('CREATE TRIGGER refuse_source BEFORE INSERT ON lake_events FOR EACH ROW EXECUTE FUNCTION refuse_source()'));
    try {
      const { group } = gatedPipeline();
      const neighbours = [messageEvent(), messageEvent(), messageEvent()];
      const { answers } = await group(messageEvent(), [[neighbours[0]!], [poisoned], [neighbours[1]!], [neighbours[2]!]]);
      expect(answers.map((a) => a.ok)).toEqual([true, false, true, true]);
      for (const e of neighbours) expect(await paidFor(e.source_id)).toBe(1);
      // Over HTTP the refused request is an error answer; its neighbours in flight are accepted.
      const http = await Promise.all([messageEvent(), poisoned, messageEvent()].map((e) => api.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: e })));
      expect(http.map((r) => r.status)).toEqual([200, 500, 200]);
    } finally {
      await database.db.execute(sql.raw('DROP TRIGGER refuse_source ON lake_events'));
      await database.db.execute(sql.raw('DROP FUNCTION refuse_source()'));
    }
    expect(await lakeSources()).not.toContain(poisoned.source_id);
    expect(await lakeSources()).toHaveLength(6);
  });

  it('non-atomic ingests (the CLI, a backfill) in a group: a failing event is set aside, its neighbours are written', async () => {
    const poisoned = messageEvent();
    const { pipeline } = gatedPipeline(new Set([poisoned.source_id]), { gated: false });
    const setAside: string[] = [];
    pipeline.useFailureSink({ record: async (failures) => void setAside.push(...failures.map((f) => f.event.source_id)) });
    const neighbours = [messageEvent(), messageEvent()];
    // Sent together, they gather into one group (groupWaitMs).
    const results = await Promise.all([[neighbours[0]!], [poisoned], [neighbours[1]!]].map((events) => pipeline.ingestEvents(events, 'cli')));
    expect(results.map((r) => [r.accepted, r.failed?.length ?? 0])).toEqual([[1, 0], [0, 1], [1, 0]]);
    expect(pipeline.groupStats).toMatchObject({ groups: 1, largest: 3 });
    expect(setAside).toEqual([poisoned.source_id]);
    for (const e of neighbours) expect(await paidFor(e.source_id)).toBe(1);
  });
});

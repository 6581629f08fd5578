import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventCountersDaily, eventCountersTotal, lakeEvents, transactions, wallets } from '../../src/db/schema.ts';
import { counterValue } from '../../src/events/lake-writer.ts';
import { EXTERNAL_EVENT_TYPES } from '../../src/events/lake-event.ts';
import { IngestPipeline } from '../../src/pipeline/ingest.ts';
import { sampleEvent } from '../../src/rules/samples.ts';
import { EngineProcessor } from '../../src/pipeline/engine-processor.ts';
import { ConfigStore } from '../../src/rules/config-store.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, GUILD, messageEvent, nextSourceId, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
});

const pipeline = (hooks = {}) => new IngestPipeline(database, [new EngineProcessor(new ConfigStore(database))], hooks);

describe('event lake', () => {
  it('stores an event once when it is ingested twice, and counts it once', async () => {
    const event = messageEvent();
    const first = await pipeline().ingest([event], { origin: 'api' });
    const second = await pipeline().ingest([event], { origin: 'api' });
    expect(first).toMatchObject({ accepted: 1, duplicate: 0, rejected: [] });
    expect(second).toMatchObject({ accepted: 0, duplicate: 1, rejected: [] });
    expect(await database.db.select().from(lakeEvents)).toHaveLength(1);
    const [daily] = await database.db.select().from(eventCountersDaily);
    expect(daily).toMatchObject({ userId: ALICE, eventType: 'message_create', side: 'actor', day: '2026-11-22', count: 1, valueSum: 312 });
  });

  it('50 concurrent copies of one event give one lake row and one counter increment', async () => {
    const event = messageEvent();
    const p = pipeline();
    const results = await Promise.all(Array.from({ length: 50 }, () => p.ingest([event], { origin: 'gateway' })));
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(1);
    expect(results.reduce((n, r) => n + r.duplicate, 0)).toBe(49);
    expect(await database.db.select().from(lakeEvents)).toHaveLength(1);
    const counters = await database.db.select().from(eventCountersTotal);
    expect(counters.map((c) => c.count)).toEqual([1]);
  });

  it('treats a repeat inside one batch as a duplicate', async () => {
    const event = messageEvent();
    expect(await pipeline().ingest([event, event, messageEvent()], { origin: 'api' })).toMatchObject({ accepted: 2, duplicate: 1, rejected: [] });
  });

  it('counts the target side of an event for the target member', async () => {
    await pipeline().ingest(
      [messageEvent({ type: 'reaction_add', target_id: BOB, data: { emoji: '👍', message_id: nextSourceId() } })],
      { origin: 'api' },
    );
    const rows = await database.db.select().from(eventCountersDaily).orderBy(eventCountersDaily.side);
    expect(rows.map((r) => [r.userId, r.side, r.count])).toEqual([
      [ALICE, 'actor', 1],
      [BOB, 'target', 1],
    ]);
  });

  it('round-trips snowflakes beyond 2^53 exactly through the database', async () => {
    const event = messageEvent({ guild_id: '1160511689263947796', actor_id: '9223372036854775807', channel_id: '1111111111111111111' });
    await pipeline().ingest([event], { origin: 'api' });
    const [row] = await database.db.select().from(lakeEvents).where(eq(lakeEvents.guildId, '1160511689263947796'));
    expect(row).toMatchObject({ guildId: '1160511689263947796', actorId: '9223372036854775807', channelId: '1111111111111111111' });
  });

  it('a failure injected after the lake insert leaves neither the event nor its ledger writes', async () => {
    await seedGuild(database);
    const award = messageEvent({ type: 'manual_award', actor_id: ALICE, target_id: BOB, data: { currency: 'gold', amount: 10, reason: 'x' } });
    const failing = pipeline({
      afterLakeWrite: () => {
        throw new Error('injected crash');
      },
    });
    // An HTTP request is all or nothing: it fails whole.
    await expect(failing.ingest([award], { origin: 'api', atomic: true })).rejects.toThrow('injected crash');
    expect(await database.db.select().from(lakeEvents)).toHaveLength(0);
    // A gateway batch contains the failure: the event is reported failed (set aside), nothing of it written.
    const contained = await failing.ingest([award], { origin: 'gateway' });
    expect(contained.events).toEqual([expect.objectContaining({ status: 'failed', reason: expect.stringContaining('injected crash') })]);
    expect(await database.db.select().from(lakeEvents)).toHaveLength(0);
    expect(await database.db.select().from(eventCountersDaily)).toHaveLength(0);
    expect(await database.db.select().from(transactions)).toHaveLength(0);
    // The same event goes through once the fault is gone, and only once.
    await pipeline().ingest([award], { origin: 'api' });
    await pipeline().ingest([award], { origin: 'api' });
    const [wallet] = await database.db.select().from(wallets).where(eq(wallets.userId, BOB));
    expect(wallet?.balance).toBe(10);
  });

  it('reports invalid events by index and writes none of them', async () => {
    const result = await pipeline().ingest([messageEvent(), { ...messageEvent(), actor_id: 5 }, 'nope'], { origin: 'api' });
    expect(result.accepted).toBe(1);
    expect(result.rejected.map((r) => [r.index, r.errors[0]!.path])).toEqual([
      [1, 'actor_id'],
      [2, '(root)'],
    ]);
    expect(await database.db.select().from(lakeEvents)).toHaveLength(1);
  });

  it('refuses events for another guild than the one in the URL', async () => {
    const result = await pipeline().ingest([messageEvent({ guild_id: '42' })], { origin: 'api', guildId: GUILD });
    expect(result.rejected[0]!.errors).toEqual([{ path: 'guild_id', message: expect.stringContaining(GUILD) }]);
  });

  it('sums the same value per event type in SQL as counterValue() does in code (milestones read both)', async () => {
    const events = EXTERNAL_EVENT_TYPES.map((type) => sampleEvent(type, GUILD));
    await new IngestPipeline(database, []).ingestEvents(events, 'api');
    const rows = await database.db.select().from(eventCountersDaily).where(eq(eventCountersDaily.side, 'actor'));
    const inSql = Object.fromEntries(rows.map((r) => [r.eventType, Number(r.valueSum)]));
    expect(inSql).toEqual(Object.fromEntries(events.map((e) => [e.type, counterValue(e)])));
    expect(inSql.presence_session_end).toBe(3600);
    expect(inSql.voice_session_end).toBe(1800);
  });
});

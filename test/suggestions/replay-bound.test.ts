// A rule suggestion's replay reads at most `maxBacktestEvents` lake events: its window is cut to the
// whole days back from now that hold no more. Ten events a day at noon, a window ending at
// midnight and a bound of 35: three days (30 events). Counted by calendar date, the bound once let
// four days through (40 events): the day list began with today's empty date, while a replay of D
// days reaches back D × 24 hours, one date further.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsAggregator } from '../../src/analytics/aggregator.ts';
import { currencies } from '../../src/db/schema.ts';
import { EngineProcessor } from '../../src/pipeline/engine-processor.ts';
import { IngestPipeline } from '../../src/pipeline/ingest.ts';
import { ConfigStore } from '../../src/rules/config-store.ts';
import { BacktestSession } from '../../src/rules/backtest.ts';
import { boundedDays, ruleBacktest } from '../../src/suggestions/backtests.ts';
import { windowOf } from '../../src/suggestions/statistics.ts';
import { creditRule, event } from '../rules/support.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { configure } from '../support/engine.ts';
import { ALICE, BOB, GUILD } from '../support/factories.ts';

const NOW = new Date('2026-11-20T00:00:00.000Z');
const DAY = 86_400_000;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await configure(database, { currencies: [{ key: 'xp', name: 'XP' }], rules: [creditRule('chat', { amount: 10 })] });
  const events = Array.from({ length: 10 }, (_, day) =>
    Array.from({ length: 10 }, (_, i) => event('message_create', { actor_id: i % 2 ? ALICE : BOB, occurred_at: new Date(NOW.getTime() - (day + 0.5) * DAY + i * 1000).toISOString() })),
  ).flat();
  // As in production: the engine, and the aggregator that keeps the activity per day.
  const configs = new ConfigStore(database);
  await new IngestPipeline(database, [new EngineProcessor(configs), new AnalyticsAggregator(configs)]).ingestEvents(events, 'api');
});
afterAll(async () => {
  await database.close();
});

describe('a rule suggestion’s replay', () => {
  it('covers the most whole days that hold at most the bound, and at least one', async () => {
    const w = windowOf(NOW, 30);
    expect(await boundedDays(database.db, GUILD, w, 35)).toBe(3);
    expect(await boundedDays(database.db, GUILD, w, 40)).toBe(4); // exactly four days' events
    expect(await boundedDays(database.db, GUILD, w, 100)).toBe(30); // every event fits: the whole window
    expect(await boundedDays(database.db, GUILD, w, 5)).toBe(1); // not even a day fits: one day all the same
    // The window ending at 06:00: its last day holds yesterday noon's ten events, its last two twenty.
    expect(await boundedDays(database.db, GUILD, windowOf(new Date(NOW.getTime() + DAY / 4), 30), 15)).toBe(1);
  });

  it('replays no more events than the bound', async () => {
    const xp = await database.db.select({ id: currencies.id, key: currencies.key }).from(currencies);
    const session = new BacktestSession(database, GUILD);
    try {
      const backtest = await ruleBacktest(session, [creditRule('chat', { amount: 12 })], windowOf(NOW, 30), xp, 35);
      expect(backtest).toMatchObject({ days: 3, events: 30, bounded: true });
      expect(backtest.currencies.xp).toMatchObject({ live: 300, candidate: 360, difference: 60 });
    } finally {
      await session.close();
    }
  });
});

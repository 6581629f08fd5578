// A guild's daily AI budget is one budget for every process of a cluster: each process's book
// counts its own calls at once and reads the others' from the call log within its refresh time,
// so a guild overspends by at most what the others spent in that time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetBook, updateAiSettings } from '../../src/ai/budget.ts';
import { recordCall } from '../../src/ai/call-log.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await seedGuild(database, { guildId: GUILD });
  await updateAiSettings(database.db, GUILD, { daily_budget_usd: 0.01 }); // 10,000 micro-dollars
});
afterAll(async () => {
  await database.close();
});

describe('the daily AI budget across processes', () => {
  it("refuses in one process once another process's calls spent the budget, within the refresh time", async () => {
    let now = new Date('2026-12-02T10:00:00.000Z');
    const clock = () => now;
    const first = new BudgetBook(database.db, clock);
    const second = new BudgetBook(database.db, clock);
    expect(await first.check(GUILD)).toMatchObject({ allowed: true, spentMicros: 0, limitMicros: 10_000 });
    expect(await second.check(GUILD)).toMatchObject({ allowed: true, spentMicros: 0 });
    // The second process spends the whole budget (recorded in the call log, counted by its book).
    await recordCall(database.db, { guildId: GUILD, feature: 'quality', model: 'gemini-test', promptTokens: 1, responseTokens: 1, latencyMs: 5, costMicros: 10_000, outcome: 'ok', at: now });
    second.add(GUILD, 10_000);
    expect((await second.check(GUILD)).allowed).toBe(false);
    // The first sees it once its refresh time (5 s by default) passed.
    now = new Date(now.getTime() + 5_001);
    expect(await first.check(GUILD)).toMatchObject({ allowed: false, spentMicros: 10_000 });
    // A new day starts a new budget for both.
    now = new Date('2026-12-03T00:00:01.000Z');
    expect((await first.check(GUILD)).allowed).toBe(true);
    expect((await second.check(GUILD)).allowed).toBe(true);
  });
});

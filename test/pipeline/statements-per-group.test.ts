// Issue 17, the single-event path: what one group transaction costs in statements, counted through
// drizzle's logger on the whole app (every processor, the pause gate) with the classic preset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../support/app.ts';
import { importClassicPreset, onStatements } from '../support/classic.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, messageEvent } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
const statements: string[] = [];
let counting = false;
/** Statements per group transaction besides BEGIN and COMMIT (the lake insert, the pause gate, wallets, the engine's reads and its write, counters). */
const MAX = 8;

beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
  await importClassicPreset(database, api.services.configs, GUILD);
  onStatements(database, (query) => {
    if (counting) statements.push(query.replace(/\s+/g, ' ').slice(0, 140));
  });
});
afterAll(async () => {
  await database.close();
});

const post = (events: unknown[]) => api.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: events });
let member = 900000000000000001n;
const newMember = () => String(++member);

/** The statements run while `work` runs (nothing else is running meanwhile). */
async function counted(work: () => Promise<void>): Promise<string[]> {
  statements.length = 0;
  counting = true;
  try {
    await work();
  } finally {
    counting = false;
  }
  return [...statements];
}

const show = (label: string, list: string[]) => console.log(`${label}: ${list.length} statements besides BEGIN and COMMIT\n${list.map((s) => `  ${s}`).join('\n')}`);

describe('a single-event request on the classic preset', () => {
  it('costs at most MAX statements in its transaction, a new member (wallets created) as one already known', async () => {
    expect((await post([messageEvent({ actor_id: newMember() })])).status).toBe(200); // warm-up: the guild's row, caches
    const fresh = await counted(async () => {
      expect((await post([messageEvent({ actor_id: newMember(), occurred_at: '2026-11-22T11:00:00.000Z' })])).status).toBe(200);
    });
    show('a new member', fresh);
    const known = await counted(async () => {
      expect((await post([messageEvent({ actor_id: String(member), occurred_at: '2026-11-22T12:00:00.000Z' })])).status).toBe(200);
    });
    show('a known member', known);
    expect(fresh.length).toBeLessThanOrEqual(MAX);
    expect(known.length).toBeLessThanOrEqual(MAX);
  });

  it('issues each lock before the reads that rely on it (statements sent together run in the order sent)', async () => {
    const list = await counted(async () => {
      expect((await post([messageEvent({ actor_id: newMember(), occurred_at: '2026-11-22T14:00:00.000Z' })])).status).toBe(200);
    });
    const at = (pattern: RegExp) => {
      const index = list.findIndex((s) => pattern.test(s));
      expect(index, `${pattern} among\n${list.join('\n')}`).toBeGreaterThanOrEqual(0);
      return index;
    };
    // The pause gate reads the guild under its row lock; the engine reads history under the wallets' locks.
    expect(at(/FROM guilds WHERE id = ANY.*FOR KEY SHARE/)).toBeLessThan(at(/AS paused FROM guilds g/));
    expect(at(/WITH locked AS MATERIALIZED/)).toBeLessThan(at(/^SELECT \(SELECT COALESCE\(json_agg/));
    expect(at(/INSERT INTO transactions/)).toBeGreaterThan(at(/^SELECT \(SELECT COALESCE\(json_agg/));
  });

  it('shares them with the requests of its group', async () => {
    const before = api.services.pipeline.groupStats.groups;
    const list = await counted(async () => {
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => post([messageEvent({ actor_id: newMember(), occurred_at: `2026-11-22T13:0${i}:00.000Z` })])));
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    });
    const groups = api.services.pipeline.groupStats.groups - before;
    console.log(`10 concurrent requests: ${groups} transactions, ${list.length} statements besides BEGIN and COMMIT (${(list.length / groups).toFixed(1)} per transaction)`);
    expect(list.length).toBeLessThanOrEqual(MAX * groups);
  });
});

// Issue 17, the single-event path on PostgreSQL: statements that do not depend on each other's
// answers are sent together, so a group's transaction waits for the database fewer times than it
// runs statements. A round trip is counted as a turn of the event loop in which statements were
// sent: a statement sent after waiting for an answer is sent in a later turn (the answer arrives
// as socket I/O), while statements sent together go out in the same turn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../support/app.ts';
import { importClassicPreset, onStatements } from '../support/classic.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, messageEvent } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
let turn = 0;
let counting = false;
const sent: { turn: number; statement: string }[] = [];
/**
 * Waits for the database besides BEGIN: the lake insert with the pause gate's lock and read; the
 * wallets' lock with the engine's reads; the engine's write with the counters and COMMIT (COMMIT is
 * the driver's, not logged here).
 */
const MAX_ROUND_TRIPS = 3;

beforeAll(async () => {
  database = await createTestDatabase();
  expect(database.kind).toBe('postgres');
  api = await createTestApp(database);
  await importClassicPreset(database, api.services.configs, GUILD);
  onStatements(database, (query) => {
    if (counting) sent.push({ turn, statement: query.replace(/\s+/g, ' ').trim() });
  });
});
afterAll(async () => {
  await database.close();
});

let member = 910000000000000001n;

/** The statements sent while one request is answered, grouped by the turn they were sent in. */
async function roundTrips(event: unknown): Promise<string[][]> {
  sent.length = 0;
  counting = true;
  let ticking = true;
  const tick = () => {
    turn++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    const res = await api.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: [event] });
    expect(res.status).toBe(200);
  } finally {
    ticking = false;
    counting = false;
  }
  const turns = new Map<number, string[]>();
  for (const s of sent) turns.set(s.turn, [...(turns.get(s.turn) ?? []), s.statement]);
  return [...turns.values()];
}

describe('a single-event request on the classic preset, on PostgreSQL', () => {
  it(`waits for the database at most ${MAX_ROUND_TRIPS} times in its transaction, for a new member as for a known one`, async () => {
    await roundTrips(messageEvent({ actor_id: String(++member) })); // warm-up: the guild's row, caches
    for (const [label, actor, at] of [['a new member', String(++member), '2026-11-22T11:00:00.000Z'], ['a known member', String(member), '2026-11-22T12:00:00.000Z']] as const) {
      const trips = await roundTrips(messageEvent({ actor_id: actor, occurred_at: at }));
      console.log(`${label}: ${trips.length} round trips\n${trips.map((t, i) => `  ${i + 1}. ${t.map((x) => x.slice(0, 100)).join('\n     ')}`).join('\n')}`);
      expect(trips.length).toBeLessThanOrEqual(MAX_ROUND_TRIPS);
      // Sent together: the lake insert with the pause gate; the wallets' lock with the reads; the write with the counters.
      const tripOf = (text: string) => trips.findIndex((t) => t.some((s) => s.includes(text)));
      expect(tripOf('FOR KEY SHARE')).toBe(tripOf('INSERT INTO lake_event_keys'));
      expect(tripOf('SELECT (SELECT COALESCE(json_agg')).toBe(tripOf('WITH locked AS MATERIALIZED'));
      expect(tripOf('INSERT INTO lake_guild_stats')).toBe(tripOf('INSERT INTO transactions'));
      expect(tripOf('INSERT INTO activity_hourly ')).toBe(tripOf('INSERT INTO transactions'));
    }
  });
});

import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { seasonSnapshots, seasons, transactions, wallets } from '../../src/db/schema.ts';
import { checkLedger } from '../../src/ledger/doctor.ts';
import { leaderboard } from '../../src/ledger/leaderboard.ts';
import { credit, debit } from '../../src/ledger/ledger.ts';
import { rollSeason } from '../../src/ledger/seasons.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, CAROL, GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'stars', seasonal: true, allowNegative: true }, { key: 'gold', spendable: true }] });
});

const BOUNDARY = new Date('2026-12-01T00:00:00.000Z');
const give = (user: string, currency: string, amount: number, at = new Date('2026-11-20T00:00:00.000Z')) => credit(database.db, { guildId: GUILD, userId: user, currency, amount, at });

describe('season roll', () => {
  it('snapshots and resets seasonal wallets with a season_roll transaction each, atomically', async () => {
    await give(ALICE, 'stars', 30);
    await give(BOB, 'stars', 5);
    await debit(database.db, { guildId: GUILD, userId: CAROL, currency: 'stars', amount: 4 }); // negative allowed
    await give(ALICE, 'xp', 100);
    const result = await rollSeason(database.db, GUILD, { boundary: BOUNDARY, name: 'Winter' });
    expect(result).toMatchObject({ status: 'rolled', closed: { number: 1 }, opened: { number: 2, name: 'Winter' }, walletsReset: 3 });
    const balances = await queryRows<{ user_id: string; key: string; balance: string }>(database.db, sql`SELECT w.user_id::text, c.key, w.balance::text FROM wallets w JOIN currencies c ON c.id = w.currency_id ORDER BY 1, 2`);
    expect(balances.filter((b) => b.key === 'stars').map((b) => Number(b.balance))).toEqual([0, 0, 0]);
    expect(balances.find((b) => b.key === 'xp')!.balance).toBe('100');
    const rolls = await database.db.select().from(transactions).where(eq(transactions.source, 'season_roll'));
    expect(rolls.map((t) => t.delta).sort((a, b) => a - b)).toEqual([-30, -5, 4]);
    expect((await database.db.select().from(seasonSnapshots)).length).toBe(4); // 3 stars wallets + xp
    expect(await checkLedger(database.db)).toEqual([]);
  });

  it('is idempotent: rolling twice for the same boundary changes nothing the second time', async () => {
    await give(ALICE, 'stars', 30);
    await rollSeason(database.db, GUILD, { boundary: BOUNDARY });
    const again = await rollSeason(database.db, GUILD, { boundary: BOUNDARY });
    expect(again).toMatchObject({ status: 'already_rolled', current: { number: 2 } });
    expect(await database.db.select().from(seasons)).toHaveLength(2);
    expect((await database.db.select().from(transactions).where(eq(transactions.source, 'season_roll'))).length).toBe(1);
  });

  it('concurrent rolls of one boundary roll once', async () => {
    await give(ALICE, 'stars', 30);
    const results = await Promise.all(Array.from({ length: 5 }, () => rollSeason(database.db, GUILD, { boundary: BOUNDARY })));
    expect(results.filter((r) => r.status === 'rolled')).toHaveLength(1);
    expect(await database.db.select().from(seasons)).toHaveLength(2);
  });
});

describe('leaderboards', () => {
  it('ranks all time by balance, the current season and a past season', async () => {
    await give(ALICE, 'xp', 100);
    await give(BOB, 'xp', 50);
    await give(ALICE, 'stars', 3);
    await give(BOB, 'stars', 9);
    await rollSeason(database.db, GUILD, { boundary: BOUNDARY });
    await give(BOB, 'xp', 80, new Date('2026-12-02T00:00:00.000Z'));
    await give(ALICE, 'xp', 10, new Date('2026-12-02T00:00:00.000Z'));
    await give(ALICE, 'stars', 1, new Date('2026-12-02T00:00:00.000Z'));
    const board = async (currency: string, season?: 'current' | number) => {
      const r = await leaderboard(database.db, GUILD, { currency, ...(season === undefined ? {} : { season }) });
      if (!r.ok) throw new Error(r.message);
      return r.board.entries.map((e) => [e.userId, e.value]);
    };
    expect(await board('xp')).toEqual([[BOB, 130], [ALICE, 110]]);
    expect(await board('xp', 'current')).toEqual([[BOB, 80], [ALICE, 10]]);
    expect(await board('xp', 1)).toEqual([[ALICE, 100], [BOB, 50]]);
    expect(await board('stars', 'current')).toEqual([[ALICE, 1]]);
    expect(await board('stars', 1)).toEqual([[BOB, 9], [ALICE, 3]]);
    expect(await leaderboard(database.db, GUILD, { currency: 'nope' })).toMatchObject({ ok: false, code: 'unknown_currency' });
    expect(await leaderboard(database.db, GUILD, { currency: 'xp', season: 7 })).toMatchObject({ ok: false, code: 'unknown_season' });
    expect((await database.db.select().from(wallets)).length).toBeGreaterThan(0);
  });
});

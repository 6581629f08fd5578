// The ledger's own operations at and beyond their limits, on a real database: refused as values,
// nothing written, and `cairn doctor` clean.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_AMOUNT, MAX_BALANCE } from '../../src/config/ranges.ts';
import { queryRows } from '../../src/db/client.ts';
import { transactions } from '../../src/db/schema.ts';
import { importBalances, parseBalances } from '../../src/ledger/balance-import.ts';
import { checkLedger } from '../../src/ledger/doctor.ts';
import { awardRefusal, credit, debit, manualAward, transfer } from '../../src/ledger/ledger.ts';
import { rollSeason } from '../../src/ledger/seasons.ts';
import { purchase, saveShopItem } from '../../src/shop/shop.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'gold', spendable: true }, { key: 'karma', allowNegative: true, seasonal: true, spendable: true }] });
});

const setBalance = (userId: string, currency: string, amount: number) =>
  importBalances(database.db, GUILD, currency, { rows: [{ line: 2, userId, amount }], invalid: [] }, { dryRun: false, actor: 'test' });

/** A karma debt this deep, as a consistent ledger (a wallet and the transaction behind it). */
async function owe(userId: string, debt: number) {
  expect(await debit(database.db, { guildId: GUILD, userId, currency: 'karma', amount: 1 })).toMatchObject({ ok: true });
  await database.db.execute(sql`INSERT INTO transactions (guild_id, user_id, currency_id, delta, balance_after, source, at)
    SELECT ${GUILD}, ${userId}, id, ${-(debt - 1)}, ${-debt}, 'import', now() FROM currencies WHERE key = 'karma'`);
  await database.db.execute(sql`UPDATE wallets w SET balance = ${-debt} FROM currencies c WHERE c.id = w.currency_id AND c.key = 'karma' AND w.user_id = ${userId}`);
}

async function stored(userId: string, currency: string): Promise<string | undefined> {
  const [row] = await queryRows<{ balance: string }>(database.db, sql`SELECT w.balance::text FROM wallets w JOIN currencies c ON c.id = w.currency_id WHERE w.user_id = ${userId} AND c.key = ${currency}`);
  return row?.balance;
}

describe('ledger operations at their limits', () => {
  it('credits, debits and awards beyond MAX_AMOUNT are refused before anything is written', async () => {
    for (const outcome of [
      await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'gold', amount: MAX_AMOUNT + 1 }),
      await debit(database.db, { guildId: GUILD, userId: ALICE, currency: 'karma', amount: 9007199254740991 }),
      await manualAward(database.db, { guildId: GUILD, userId: ALICE, currency: 'gold', amount: -(MAX_AMOUNT + 1), awardedBy: BOB }),
      await transfer(database.db, { guildId: GUILD, fromUserId: ALICE, toUserId: BOB, currency: 'karma', amount: MAX_AMOUNT + 1 }),
    ]) {
      expect(outcome).toMatchObject({ ok: false, code: 'out_of_range', message: expect.stringContaining('1,000,000,000,000') });
    }
    expect(await database.db.select().from(transactions)).toHaveLength(0);
  });

  it('a credit that would pass MAX_BALANCE is refused with the reason; up to the limit is fine', async () => {
    await setBalance(ALICE, 'gold', MAX_BALANCE - 5);
    expect(await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'gold', amount: 6 })).toMatchObject({ ok: false, code: 'out_of_range', message: 'the balance would be 1,000,000,000,000,001, beyond the limit of ±1,000,000,000,000,000' });
    expect(await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'gold', amount: 5 })).toMatchObject({ ok: true, balance: MAX_BALANCE });
    expect(await stored(ALICE, 'gold')).toBe(String(MAX_BALANCE));
    expect(await checkLedger(database.db)).toEqual([]);
  });

  it('a debit below -MAX_BALANCE in a currency that allows negatives is refused', async () => {
    await owe(ALICE, MAX_BALANCE - 3);
    expect(await debit(database.db, { guildId: GUILD, userId: ALICE, currency: 'karma', amount: 4 })).toMatchObject({ ok: false, code: 'out_of_range', message: 'the balance would be -1,000,000,000,000,001, beyond the limit of ±1,000,000,000,000,000' });
    expect(await debit(database.db, { guildId: GUILD, userId: ALICE, currency: 'karma', amount: 3 })).toMatchObject({ ok: true, balance: -MAX_BALANCE });
    expect(await checkLedger(database.db)).toEqual([]);
  });

  it('a transfer to a wallet at the limit takes nothing from the sender', async () => {
    await setBalance(ALICE, 'gold', 100);
    await setBalance(BOB, 'gold', MAX_BALANCE);
    expect(await transfer(database.db, { guildId: GUILD, fromUserId: ALICE, toUserId: BOB, currency: 'gold', amount: 10 })).toMatchObject({ ok: false, code: 'out_of_range' });
    expect(await stored(ALICE, 'gold')).toBe('100');
    expect(await database.db.select().from(transactions)).toHaveLength(2);
    expect(await checkLedger(database.db)).toEqual([]);
  });

  it('a purchase that would pass the limit is refused and no purchase is recorded', async () => {
    expect((await saveShopItem(database.db, GUILD, { key: 'debt', name: 'Debt', currency: 'karma', price: MAX_AMOUNT }, 'test')).ok).toBe(true);
    await owe(ALICE, MAX_BALANCE - 1);
    const result = await purchase(database.db, GUILD, ALICE, 'debt');
    expect(result).toMatchObject({ ok: false, code: 'out_of_range', message: expect.stringContaining('beyond the limit') });
    expect(await queryRows(database.db, sql`SELECT 1 FROM purchases`)).toHaveLength(0);
    expect(await checkLedger(database.db)).toEqual([]);
  });
});

describe('why an award would be refused', () => {
  it('says it in plain words, or nothing when the award would apply', async () => {
    await setBalance(BOB, 'gold', MAX_BALANCE - 5);
    expect(await awardRefusal(database.db, GUILD, BOB, 'gold', 10)).toEqual({ ok: false, code: 'out_of_range', message: 'the balance would be 1,000,000,000,000,005, beyond the limit of ±1,000,000,000,000,000' });
    expect(await awardRefusal(database.db, GUILD, BOB, 'gold', 5)).toBeUndefined();
    expect(await awardRefusal(database.db, GUILD, ALICE, 'gold', -3)).toEqual({ ok: false, code: 'insufficient_funds', message: 'the balance 0 is too low to take 3' });
    expect(await awardRefusal(database.db, GUILD, ALICE, 'karma', -3)).toBeUndefined();
    expect(await awardRefusal(database.db, GUILD, ALICE, 'gold', 9007199254740991)).toMatchObject({ code: 'out_of_range', message: 'the amount 9,007,199,254,740,991 is beyond the limit of ±1,000,000,000,000 for one posting' });
    expect(await awardRefusal(database.db, GUILD, ALICE, 'gems', 1)).toMatchObject({ code: 'unknown_currency' });
  });
});

describe('setting balances: imports and season resets', () => {
  it('an import refuses balances beyond MAX_BALANCE line by line, and sets one at the limit', async () => {
    const parsed = parseBalances(`user_id,xp\n${ALICE},${MAX_BALANCE}\n${BOB},${MAX_BALANCE + 1}\n`, 'csv');
    expect(parsed.invalid).toEqual([{ line: 3, reason: `the amount must be a whole number from 0 to 1,000,000,000,000,000, got "${MAX_BALANCE + 1}"` }]);
    const result = await importBalances(database.db, GUILD, 'gold', parsed, { dryRun: false, actor: 'test' });
    expect(result).toMatchObject({ ok: true, report: { changed: 1 } });
    expect(await stored(ALICE, 'gold')).toBe(String(MAX_BALANCE));
    expect(await checkLedger(database.db)).toEqual([]);
  });

  it('a season resets a seasonal balance larger than MAX_AMOUNT exactly', async () => {
    await setBalance(ALICE, 'karma', 5 * MAX_AMOUNT + 7);
    const rolled = await rollSeason(database.db, GUILD, { boundary: new Date('2027-01-01T00:00:00Z') });
    expect(rolled).toMatchObject({ status: 'rolled', walletsReset: 1 });
    expect(await stored(ALICE, 'karma')).toBe('0');
    expect(await checkLedger(database.db)).toEqual([]);
  });
});

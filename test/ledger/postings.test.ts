import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { wallets, transactions } from '../../src/db/schema.ts';
import { checkLedger } from '../../src/ledger/doctor.ts';
import { credit, debit, manualAward, transfer } from '../../src/ledger/ledger.ts';
import { postEntries } from '../../src/ledger/postings.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';

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

const balanceOf = async (userId: string, currencyId: number) => {
  const [row] = await database.db.select().from(wallets).where(eq(wallets.userId, userId));
  return row && row.currencyId === currencyId ? row.balance : undefined;
};

describe('ledger', () => {
  it('credits create the wallet and record balance_after, source and reason', async () => {
    const { gold } = await seedGuild(database);
    const first = await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'gold', amount: 40, reason: 'welcome' });
    const second = await credit(database.db, { guildId: GUILD, userId: ALICE, currency: gold!.id, amount: 2 });
    expect(first).toMatchObject({ ok: true, status: 'applied', balance: 40 });
    expect(second).toMatchObject({ ok: true, status: 'applied', balance: 42 });
    const rows = await database.db.select().from(transactions).orderBy(transactions.id);
    expect(rows.map((r) => [r.delta, r.balanceAfter, r.source, r.reason])).toEqual([
      [40, 40, 'manual', 'welcome'],
      [2, 42, 'manual', null],
    ]);
    expect(rows[0]!.userId).toBe(ALICE);
  });

  it('refuses a debit that would overdraw and leaves the balance alone', async () => {
    await seedGuild(database);
    await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'gold', amount: 5 });
    const result = await debit(database.db, { guildId: GUILD, userId: ALICE, currency: 'gold', amount: 6 });
    expect(result).toMatchObject({ ok: false, code: 'insufficient_funds' });
    const ok = await debit(database.db, { guildId: GUILD, userId: ALICE, currency: 'gold', amount: 5 });
    expect(ok).toMatchObject({ ok: true, balance: 0 });
  });

  it('lets a currency that allows negative balances go below zero', async () => {
    await seedGuild(database, { currencies: [{ key: 'karma', allowNegative: true }] });
    const result = await debit(database.db, { guildId: GUILD, userId: ALICE, currency: 'karma', amount: 3 });
    expect(result).toMatchObject({ ok: true, balance: -3 });
    expect(await checkLedger(database.db)).toEqual([]);
  });

  it('exactly 100 of 200 concurrent debits of 1 against a balance of 100 succeed', async () => {
    const { gold } = await seedGuild(database);
    await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'gold', amount: 100 });
    const results = await Promise.all(
      Array.from({ length: 200 }, () => debit(database.db, { guildId: GUILD, userId: ALICE, currency: 'gold', amount: 1 })),
    );
    expect(results.filter((r) => r.ok).length).toBe(100);
    expect(results.filter((r) => !r.ok && r.code === 'insufficient_funds').length).toBe(100);
    expect(await balanceOf(ALICE, gold!.id)).toBe(0);
    const rows = await database.db.select().from(transactions);
    expect(rows.reduce((sum, r) => sum + r.delta, 0)).toBe(0);
    expect(rows.every((r) => r.balanceAfter >= 0)).toBe(true);
    expect(await checkLedger(database.db)).toEqual([]);
  });

  it('applies a posting with an idempotency key once, even when repeated concurrently', async () => {
    const { gold } = await seedGuild(database);
    const post = () =>
      database.db.transaction((tx) =>
        postEntries(tx, [{ guildId: GUILD, userId: ALICE, currencyId: gold!.id, delta: 7, source: 'rule', at: new Date(), idemKey: 'e1:r1:alice:gold' }]),
      );
    const results = (await Promise.all(Array.from({ length: 20 }, post))).flat();
    expect(results.filter((r) => r.status === 'applied')).toHaveLength(1);
    expect(await balanceOf(ALICE, gold!.id)).toBe(7);
  });

  it('aggregates a batch of postings per wallet and keeps balance_after exact', async () => {
    const { gold, xp } = await seedGuild(database, { currencies: [{ key: 'gold' }, { key: 'xp' }] });
    const at = new Date('2026-11-22T10:00:00Z');
    const postings = Array.from({ length: 100 }, (_, i) => ({
      guildId: GUILD,
      userId: i % 2 ? ALICE : BOB,
      currencyId: i % 3 ? gold!.id : xp!.id,
      delta: i + 1,
      source: 'rule' as const,
      at,
    }));
    const results = await database.db.transaction((tx) => postEntries(tx, postings));
    expect(results.every((r) => r.status === 'applied')).toBe(true);
    expect(await checkLedger(database.db)).toEqual([]);
    const total = (await database.db.select().from(wallets)).reduce((s, w) => s + w.balance, 0);
    expect(total).toBe((100 * 101) / 2);
  });

  it('transfers atomically: both sides or neither', async () => {
    await seedGuild(database);
    await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'gold', amount: 10 });
    expect(await transfer(database.db, { guildId: GUILD, fromUserId: ALICE, toUserId: BOB, currency: 'gold', amount: 11 })).toMatchObject({ ok: false, code: 'insufficient_funds' });
    expect(await transfer(database.db, { guildId: GUILD, fromUserId: ALICE, toUserId: BOB, currency: 'gold', amount: 4 })).toMatchObject({ ok: true, balance: 6 });
    const rows = await database.db.select().from(transactions).orderBy(transactions.id);
    expect(rows.map((r) => [r.userId, r.delta, r.source])).toEqual([
      [ALICE, 10, 'manual'],
      [ALICE, -4, 'transfer'],
      [BOB, 4, 'transfer'],
    ]);
  });

  it('records a manual award with who gave it', async () => {
    await seedGuild(database);
    const result = await manualAward(database.db, { guildId: GUILD, userId: BOB, currency: 'gold', amount: 25, reason: 'helped at the event', awardedBy: ALICE });
    expect(result).toMatchObject({ ok: true, balance: 25 });
    const [row] = await database.db.select().from(transactions);
    expect(row).toMatchObject({ source: 'manual', reason: `helped at the event (by ${ALICE})` });
  });

  it('rejects unknown currencies and amounts that are not positive whole numbers', async () => {
    await seedGuild(database);
    await seedGuild(database, { guildId: OTHER_GUILD, currencies: [{ key: 'tokens' }] });
    expect(await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'tokens', amount: 1 })).toMatchObject({ ok: false, code: 'unknown_currency' });
    expect(await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'gold', amount: 1.5 })).toMatchObject({ ok: false, code: 'invalid_amount' });
    expect(await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'gold', amount: -1 })).toMatchObject({ ok: false, code: 'invalid_amount' });
    expect(await database.db.select().from(transactions)).toHaveLength(0);
  });

  it('refuses to update or delete a recorded transaction', async () => {
    await seedGuild(database);
    await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'gold', amount: 1 });
    await expect(database.db.update(transactions).set({ delta: 2 })).rejects.toThrow();
    await expect(database.db.delete(transactions)).rejects.toThrow();
  });

  it('doctor reports a wallet whose balance disagrees with its transactions', async () => {
    const { gold } = await seedGuild(database);
    await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'gold', amount: 9 });
    await database.db.update(wallets).set({ balance: 10 }).where(eq(wallets.currencyId, gold!.id));
    const violations = await checkLedger(database.db, GUILD);
    expect(violations.map((v) => v.invariant)).toContain('balance_equals_sum');
  });
});

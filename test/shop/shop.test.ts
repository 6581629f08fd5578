import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outbox, purchases, shopItems, transactions, wallets } from '../../src/db/schema.ts';
import { checkLedger } from '../../src/ledger/doctor.ts';
import { credit } from '../../src/ledger/ledger.ts';
import { purchase, saveShopItem } from '../../src/shop/shop.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { configure, enginePipeline } from '../support/engine.ts';
import { ALICE, BOB, GUILD } from '../support/factories.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 20 });
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await configure(database, {
    currencies: [{ key: 'gold', name: 'Gold', spendable: true }, { key: 'xp', name: 'XP', level_curve: { kind: 'exponential', base: 100, factor: 1.25 } }],
    rules: [{ key: 'thanks', name: 'thanks', trigger: { events: ['shop_purchase'], item: 'badge' }, effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 5 }] }],
  });
});

const item = (doc: Record<string, unknown>) => saveShopItem(database.db, GUILD, { key: 'coffee', name: 'Coffee', currency: 'gold', price: 10, ...doc }, 'test');
const fund = (user: string, amount: number) => credit(database.db, { guildId: GUILD, userId: user, currency: 'gold', amount });

describe('shop', () => {
  it('100 concurrent purchases of an item with stock 10: exactly 10 succeed', async () => {
    expect((await item({ stock: 10 })).ok).toBe(true);
    const buyers = Array.from({ length: 100 }, (_, i) => String(900000000000000100n + BigInt(i)));
    for (const b of buyers) await fund(b, 10);
    const results = await Promise.all(buyers.map((b) => purchase(database.db, GUILD, b, 'coffee')));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results.filter((r) => !r.ok && r.code === 'sold_out')).toHaveLength(90);
    const [row] = await database.db.select().from(shopItems);
    expect(row!.stock).toBe(0);
    expect(await database.db.select().from(purchases)).toHaveLength(10);
    const spent = (await database.db.select().from(transactions).where(eq(transactions.source, 'shop'))).reduce((s, t) => s + t.delta, 0);
    expect(spent).toBe(-100);
    expect(await checkLedger(database.db)).toEqual([]);
  });

  it('refuses what the member cannot afford, is not allowed, or already bought too often', async () => {
    await item({ per_member_limit: 1, required_role: '700' });
    await fund(ALICE, 15);
    expect(await purchase(database.db, GUILD, ALICE, 'coffee')).toMatchObject({ ok: false, code: 'missing_role' });
    await database.db.execute(`INSERT INTO members (guild_id, user_id, roles) VALUES (${GUILD}, ${ALICE}, '{"700"}')`);
    expect(await purchase(database.db, GUILD, ALICE, 'coffee')).toMatchObject({ ok: true, balance: 5 });
    expect(await purchase(database.db, GUILD, ALICE, 'coffee')).toMatchObject({ ok: false, code: 'limit_reached' });
    await saveShopItem(database.db, GUILD, { key: 'cake', name: 'Cake', currency: 'gold', price: 50 }, 'test');
    expect(await purchase(database.db, GUILD, ALICE, 'cake')).toMatchObject({ ok: false, code: 'insufficient_funds' });
    await saveShopItem(database.db, GUILD, { key: 'elite', name: 'Elite', currency: 'gold', price: 1, required_level: { currency: 'xp', level: 3 } }, 'test');
    expect(await purchase(database.db, GUILD, ALICE, 'elite')).toMatchObject({ ok: false, code: 'level_too_low' });
    expect(await purchase(database.db, GUILD, ALICE, 'nothing')).toMatchObject({ ok: false, code: 'unknown_item' });
    const [wallet] = await database.db.select().from(wallets).where(eq(wallets.userId, ALICE));
    expect(wallet!.balance).toBe(5);
  });

  it('applies the item effects and lets rules react to the purchase', async () => {
    await saveShopItem(database.db, GUILD, { key: 'badge', name: 'Badge', currency: 'gold', price: 5, effects: [{ type: 'role_add', role: '800' }, { type: 'message', channel: '900', template: '{{member.mention}} bought {{item.name}}' }] }, 'test');
    await fund(BOB, 5);
    const { engine } = enginePipeline(database);
    expect(await purchase(database.db, GUILD, BOB, 'badge', { engine })).toMatchObject({ ok: true, balance: 0 });
    const rows = await database.db.select().from(outbox).orderBy(outbox.id);
    expect(rows.map((r) => [r.kind, r.payload])).toEqual([
      ['role_add', { user_id: BOB, role_id: '800', reason: 'bought Badge' }],
      ['message', { channel_id: '900', content: `<@${BOB}> bought Badge` }],
    ]);
    const xp = (await database.db.select().from(transactions)).find((t) => t.source === 'rule');
    expect(xp).toMatchObject({ userId: BOB, delta: 5 });
  });

  it('refuses items priced in an unknown or non-spendable currency', async () => {
    expect(await saveShopItem(database.db, GUILD, { key: 'x', name: 'X', currency: 'xp', price: 1 }, 'test')).toMatchObject({ ok: false, problems: [{ path: 'currency', message: expect.stringContaining('not spendable') }] });
    expect(await saveShopItem(database.db, GUILD, { key: 'x', name: 'X', currency: 'gold', price: 0 }, 'test')).toMatchObject({ ok: false, problems: [{ path: 'price' }] });
  });
});

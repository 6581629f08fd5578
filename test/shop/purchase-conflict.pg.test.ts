// A purchase Postgres aborts to break a deadlock is tried again: nothing of the aborted try is kept,
// and the member buys once. Below, another transaction holds the buyer's wallet, the purchase
// (holding the item's row) waits for it, and the other transaction then asks for the item's row:
// a deadlock, which the purchase's backend finds first (its deadlock_timeout is the default 1 s; the
// other's is 10 s) and ends by aborting the purchase.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { purchases, shopItems, wallets } from '../../src/db/schema.ts';
import { checkLedger } from '../../src/ledger/doctor.ts';
import { credit } from '../../src/ledger/ledger.ts';
import { purchase, saveShopItem } from '../../src/shop/shop.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { configure } from '../support/engine.ts';
import { ALICE, GUILD } from '../support/factories.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  expect(database.kind).toBe('postgres');
  await configure(database, { currencies: [{ key: 'gold', name: 'Gold', spendable: true }] });
  expect((await saveShopItem(database.db, GUILD, { key: 'coffee', name: 'Coffee', currency: 'gold', price: 10, stock: 5 }, 'test')).ok).toBe(true);
  await credit(database.db, { guildId: GUILD, userId: ALICE, currency: 'gold', amount: 25 });
});
afterAll(async () => {
  await database.close();
});

/** Backends of this database waiting for a lock, other than `except`. */
const waitingForLocks = async (except: number) =>
  (await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> ${except}`))[0]!.n;

describe('a shop purchase in a deadlock', () => {
  it('is aborted by Postgres, tried again, and buys once', async () => {
    let purchasing: ReturnType<typeof purchase> | undefined;
    let deadlockedOther = false;
    await database.db.transaction(async (tx) => {
      const pid = (await queryRows<{ pid: number }>(tx, sql`SELECT pg_backend_pid() AS pid`))[0]!.pid;
      await tx.execute(sql`SET LOCAL deadlock_timeout = '10s'`);
      await tx.execute(sql`SELECT 1 FROM wallets WHERE guild_id = ${GUILD} AND user_id = ${ALICE} FOR UPDATE`);
      purchasing = purchase(database.db, GUILD, ALICE, 'coffee');
      const failed = purchasing.then(
        () => false,
        () => true,
      );
      // The purchase holds the item's row and waits for the wallet.
      while ((await waitingForLocks(pid)) === 0) {
        if (await Promise.race([failed, new Promise<false>((resolve) => setTimeout(() => resolve(false), 10))])) break;
      }
      // Now this transaction waits for the item's row: a cycle. The purchase's backend, past its
      // 1 s deadlock_timeout first, aborts its own transaction; this one then gets the row.
      await tx.execute(sql`SELECT 1 FROM shop_items WHERE guild_id = ${GUILD} AND key = 'coffee' FOR UPDATE`);
      deadlockedOther = true;
    });
    expect(deadlockedOther).toBe(true);
    // Tried again once the other transaction ended, the purchase goes through, once.
    await expect(purchasing!).resolves.toMatchObject({ ok: true, balance: 15, stockLeft: 4 });
    expect(await database.db.select().from(purchases)).toHaveLength(1);
    const [wallet] = await database.db.select({ balance: wallets.balance }).from(wallets).where(eq(wallets.userId, ALICE));
    expect(wallet!.balance).toBe(15);
    const [item] = await database.db.select({ stock: shopItems.stock }).from(shopItems);
    expect(item!.stock).toBe(4);
    expect(await checkLedger(database.db)).toEqual([]);
  });
});

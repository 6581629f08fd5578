// Ledger credits per second: one credit per transaction (pool of 10), and 100 per statement.
import { credit } from '../src/ledger/ledger.ts';
import type { Posting } from '../src/ledger/posting.ts';
import { postEntries } from '../src/ledger/postings.ts';
import { currencies, guilds } from '../src/db/schema.ts';
import { freshDatabase, record, runConcurrent, userId } from './support.ts';

const GUILD = '1160511689263947796';

export async function benchLedger(kind: 'pglite' | 'postgres'): Promise<void> {
  const { database, dispose } = await freshDatabase(kind);
  try {
    const db = database.db;
    await db.insert(guilds).values({ id: GUILD, name: 'bench' });
    const [gold] = await db.insert(currencies).values({ guildId: GUILD, key: 'gold', name: 'Gold' }).returning();
    const at = new Date();
    // Warm-up
    await runConcurrent(200, 10, (i) => credit(db, { guildId: GUILD, userId: userId(i % 1000), currency: gold!.id, amount: 1, at }));

    const single = kind === 'postgres' ? 5000 : 2000;
    const s1 = await runConcurrent(single, 10, (i) => credit(db, { guildId: GUILD, userId: userId(i % 1000), currency: gold!.id, amount: 1, at }));
    record({ bench: 'ledger', database: kind, case: 'credit, one per transaction (10 concurrent)', value: single / s1, unit: 'credits/s' });

    const batches = kind === 'postgres' ? 400 : 200;
    const batch = (b: number): Posting[] =>
      Array.from({ length: 100 }, (_, i) => ({ guildId: GUILD, userId: userId((b * 100 + i) % 5000), currencyId: gold!.id, delta: 1, source: 'rule' as const, at }));
    const s2 = await runConcurrent(batches, 1, (b) => db.transaction((tx) => postEntries(tx, batch(b))));
    record({ bench: 'ledger', database: kind, case: 'credits batched 100 per statement (serial)', value: (batches * 100) / s2, unit: 'credits/s' });
    const s3 = await runConcurrent(batches, 4, (b) => db.transaction((tx) => postEntries(tx, batch(b))));
    record({ bench: 'ledger', database: kind, case: 'credits batched 100 per statement (4 concurrent)', value: (batches * 100) / s3, unit: 'credits/s' });
  } finally {
    await dispose();
  }
}

// /healthz's database check answers at once while the database is busy (PGlite's one connection,
// or a full pool, held by a long transaction), and still says when the database is gone.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { DatabaseLiveness } from '../../src/db/liveness.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let database: TestDatabase;
beforeAll(async () => {
  // One connection on PostgreSQL too: a query outside the transaction waits for it, as on PGlite.
  database = await createTestDatabase({ poolSize: 1 });
});
afterAll(async () => {
  await database.close();
});

/** Holds the database's only connection in a transaction until `release()` is called. */
async function holdConnection(): Promise<{ release(): void; done: Promise<void> }> {
  let release!: () => void;
  let held!: () => void;
  const isHeld = new Promise<void>((resolve) => (held = resolve));
  const done = database.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT 1`);
    held();
    await new Promise<void>((resolve) => (release = resolve));
  });
  await isHeld;
  return { release: () => release(), done };
}

describe('the database liveness check', () => {
  it('answers ok before a long transaction ends when the database answered a moment ago', async () => {
    const liveness = new DatabaseLiveness(database.db, { recentMs: 60_000 });
    expect(await liveness.check()).toBe('ok');
    const hold = await holdConnection();
    let released = false;
    const timer = setTimeout(() => {
      released = true;
      hold.release();
    }, 1_500);
    try {
      expect(await liveness.check()).toBe('ok');
      expect(released).toBe(false);
    } finally {
      clearTimeout(timer);
      hold.release();
      await hold.done;
    }
  });

  it('waits for the database when it has not answered recently, and concurrent checks share one ping', async () => {
    const liveness = new DatabaseLiveness(database.db);
    const hold = await holdConnection();
    let released = false;
    setTimeout(() => {
      released = true;
      hold.release();
    }, 300);
    const answers = await Promise.all([liveness.check(), liveness.check(), liveness.check()]);
    expect(answers).toEqual(['ok', 'ok', 'ok']);
    expect(released).toBe(true);
    await hold.done;
  });

  it('says error for a database that cannot be reached, each time it is asked', async () => {
    const unreachable = await openDatabase({ kind: 'postgres', url: 'postgres://cairn@127.0.0.1:1/cairn', poolSize: 1 });
    const errors: unknown[] = [];
    try {
      const liveness = new DatabaseLiveness(unreachable.db, { recentMs: 60_000 }, (error) => errors.push(error));
      expect(await liveness.check()).toBe('error');
      expect(await liveness.check()).toBe('error');
      expect(errors).toHaveLength(2);
    } finally {
      await unreachable.close().catch(() => {});
    }
  });
});

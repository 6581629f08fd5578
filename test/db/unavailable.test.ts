// Which failures mean "the database cannot be reached right now" (answered 503, retried by callers)
// and which are the request's or Cairn's own (never disguised as unavailability). Errors come from
// the real drivers: postgres.js against a closed port and a server that hangs up, and the test
// database refusing bad statements.
import { createServer, type Server } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { isDatabaseUnavailable } from '../../src/db/unavailable.ts';
import { guilds } from '../../src/db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 2 });
});
afterAll(async () => {
  await database.close();
});

/** The error a query gets from postgres.js (through drizzle) on a server at `port`. */
async function failureAt(port: number): Promise<unknown> {
  const unreachable = await openDatabase({ kind: 'postgres', url: `postgres://cairn@127.0.0.1:${port}/cairn`, poolSize: 1 });
  try {
    await unreachable.db.execute(sql`SELECT 1`);
    throw new Error('expected the query to fail');
  } catch (error) {
    return error;
  } finally {
    await unreachable.close().catch(() => {});
  }
}

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as { port: number }).port;
}

describe('isDatabaseUnavailable', () => {
  it('says yes to a refused connection', async () => {
    const server = createServer();
    const port = await listening(server);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await failureAt(port);
    expect(error).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('says yes to a server that hangs up', async () => {
    const server = createServer((socket) => socket.destroy());
    try {
      expect(isDatabaseUnavailable(await failureAt(await listening(server)))).toBe(true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('says yes to the SQLSTATEs of a server shutting down, restarting or full, however wrapped', () => {
    for (const code of ['57P01', '57P02', '57P03', '53300', '08006', '08001', '08P01']) {
      const driverError = Object.assign(new Error(`server says ${code}`), { code, severity: 'FATAL' });
      expect(isDatabaseUnavailable(driverError), code).toBe(true);
      expect(isDatabaseUnavailable(new Error('Failed query: insert …', { cause: driverError })), code).toBe(true);
    }
  });

  it('says no to what the request or Cairn got wrong', async () => {
    await database.db.insert(guilds).values({ id: '123', name: 'one' });
    const duplicate = await database.db.insert(guilds).values({ id: '123', name: 'two' }).then(() => undefined, (error: unknown) => error);
    const division = await database.db.execute(sql`SELECT 1 / 0`).then(() => undefined, (error: unknown) => error);
    expect(duplicate).toBeInstanceOf(Error);
    expect(division).toBeInstanceOf(Error);
    for (const error of [duplicate, division, new TypeError('x is undefined'), new Error('boom'), undefined, 'text']) {
      expect(isDatabaseUnavailable(error)).toBe(false);
    }
  });
});

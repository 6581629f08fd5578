// A fresh, migrated database for one test file: a PGlite copy of the run's template, or a new
// Postgres database cloned from the run's template database.
import { readFile } from 'node:fs/promises';
import postgres from 'postgres';
import { getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { inject } from 'vitest';
import * as schema from '../../src/db/schema.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { urlForDatabase } from './test-db-config.ts';

let counter = 0;

export interface TestDatabase extends Database {
  /** Connection URL (Postgres only), for a second process or client. */
  url?: string;
}

export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (inject('dbKind') === 'pglite') {
    const tar = await readFile(inject('pgliteTemplate'));
    return openDatabase({ kind: 'pglite', loadDataDir: new Blob([tar]) });
  }
  const serverUrl = inject('pgServerUrl');
  const name = `cairn_t_${inject('runId')}_${process.pid}_${++counter}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`);
  } finally {
    await admin.end();
  }
  const url = urlForDatabase(serverUrl, name);
  const database = await openDatabase({ kind: 'postgres', url, poolSize: options.poolSize ?? 20 });
  return Object.assign(database, { url });
}

/** Empties every table, for isolation between tests in one file. */
export async function resetDatabase(database: Database): Promise<void> {
  const names = (Object.values(schema) as unknown[])
    .filter((value): value is PgTable => is(value, PgTable))
    .map((table) => `"${getTableName(table)}"`);
  // The app's background work (the outbox dispatcher's claim reads outbox and guilds) may lock those
  // tables in another order than TRUNCATE; Postgres then ends one of the two as a deadlock, and
  // when it is the TRUNCATE, it is tried again.
  for (let attempt = 1; ; attempt++) {
    try {
      await database.db.execute(`TRUNCATE ${names.join(', ')} RESTART IDENTITY CASCADE`);
      return;
    } catch (error) {
      const code = (error as { cause?: { code?: string }; code?: string }).cause?.code ?? (error as { code?: string }).code;
      if (code !== '40P01' || attempt >= 5) throw error;
    }
  }
}

// Opens the database the environment names: Postgres when DATABASE_URL is set, else PGlite under
// DATA_DIR/pglite — and brings its schema up to date.
import { join } from 'node:path';
import type { Env } from '../config/env.ts';
import { openDatabase, type Database } from './client.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { migrate } from './migrate.ts';

export async function openFromEnv(env: Pick<Env, 'DATABASE_URL' | 'DATA_DIR'>, options: { migrate?: boolean } = {}): Promise<Database> {
  let database: Database;
  if (env.DATABASE_URL) {
    database = await openDatabase({ kind: 'postgres', url: env.DATABASE_URL });
  } else {
    const release = lockDataDir(join(env.DATA_DIR, 'pglite.lock'));
    try {
      const embedded = await openDatabase({ kind: 'pglite', dataDir: join(env.DATA_DIR, 'pglite') });
      database = { ...embedded, close: async () => { try { await embedded.close(); } finally { release(); } } };
    } catch (error) {
      release();
      throw error;
    }
  }
  if (options.migrate ?? true) {
    try {
      await migrate(database);
    } catch (error) {
      await database.close();
      throw error;
    }
  }
  return database;
}

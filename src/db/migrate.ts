// Applies the SQL migrations in drizzle/ with the driver's own migrator.
import { fileURLToPath } from 'node:url';
import type { Database } from './client.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Tries of the migrations on Postgres before the last failure is thrown. */
const MIGRATION_ATTEMPTS = 5;

export async function migrate(database: Database): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  if (database.kind === 'postgres') {
    const { migrate: run } = await import('drizzle-orm/postgres-js/migrator');
    // postgres.js prints NOTICEs for "already exists" on the migrations schema; they are harmless.
    // Processes of a cluster starting together race to apply the same migration: the losers fail
    // ("already exists", waiting for the winner's commit) and, tried again, find the work done.
    for (let attempt = 1; ; attempt++) {
      try {
        await run(database.db as never, config);
        return;
      } catch (error) {
        if (attempt >= MIGRATION_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt + Math.random() * 200));
      }
    }
  } else {
    const { migrate: run } = await import('drizzle-orm/pglite/migrator');
    await run(database.db as never, config);
  }
}

// Empty, migrated embedded databases for replays (backtests). Creating one costs seconds (PGlite's
// initdb, then every migration); the first one a process makes is dumped (gzip, about 5 MB kept in
// memory) and the next ones load that dump, in about a third of the time.
import { openDatabase, pgliteClientOf, type Database } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';

let template: Promise<Blob> | undefined;

export async function openScratchDatabase(): Promise<Database> {
  const dump = await template?.catch(() => undefined);
  const database = await openDatabase(dump ? { kind: 'pglite', loadDataDir: dump } : { kind: 'pglite' });
  try {
    // On a loaded dump this only checks that every migration is there (milliseconds).
    await migrate(database);
    if (!dump && !template) {
      const made = pgliteClientOf(database)!.dumpDataDir('gzip');
      template = made;
      await made.catch(() => {
        // Not kept: the next scratch database is created whole, and tries the dump again.
        if (template === made) template = undefined;
      });
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

// A real Cairn process for fault tests: `bin/start.js` on a given database (a Postgres URL, or the
// embedded PGlite under a data folder), with a known admin token and the demo guild's rules.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inject } from 'vitest';
import { openDatabase } from '../../../src/db/client.ts';
import { createTestDatabase } from '../../support/db.ts';
import { startProcess, type StartedProcess } from '../../support/process.ts';

export const FAULT_ADMIN_TOKEN = 'fault-admin-token-0123456789abcdef';

/**
 * A fresh database for this pass: a new Postgres database (its URL), or, on the PGlite pass, the
 * run's migrated template written to `dataDir/pglite` (undefined), so Cairn's first start skips initdb.
 */
export async function prepareDatabase(dataDir: string): Promise<string | undefined> {
  if (inject('dbKind') === 'postgres') {
    const database = await createTestDatabase({ poolSize: 1 });
    await database.close();
    return database.url;
  }
  const template = new Blob([await readFile(inject('pgliteTemplate'))]);
  const seeded = await openDatabase({ kind: 'pglite', dataDir: join(dataDir, 'pglite'), loadDataDir: template });
  await seeded.close();
  return undefined;
}

export interface CairnProcess {
  url: string;
  proc: StartedProcess;
  /** True while the process has not exited. */
  alive(): boolean;
  /** Everything it printed, for failure messages. */
  output(): string;
}

export async function bootCairn(options: { dataDir: string; databaseUrl?: string | undefined; env?: Record<string, string> }): Promise<CairnProcess> {
  const proc = startProcess(['bin/start.js'], {
    DATA_DIR: options.dataDir,
    PORT: '0',
    LOG_LEVEL: 'warn',
    CAIRN_ADMIN_TOKEN: FAULT_ADMIN_TOKEN,
    DATABASE_URL: options.databaseUrl,
    ...options.env,
    // Diagnostics: FAULT_DEBUG_IMPORT=/path/to/hook.mjs preloads a module (e.g. one that prints the
    // query behind an unhandled rejection) into the Cairn process.
    ...(process.env.FAULT_DEBUG_IMPORT ? { NODE_OPTIONS: `--import=${process.env.FAULT_DEBUG_IMPORT}` } : {}),
  });
  const [, url] = await proc.waitFor(/Cairn is running at (http:\/\/\S+)/, 90_000);
  return {
    url: url!,
    proc,
    alive: () => proc.child.exitCode === null && proc.child.signalCode === null,
    output: () => `--- stdout\n${proc.stdout().slice(-4000)}\n--- stderr\n${proc.stderr().slice(-4000)}`,
  };
}

/** Stops a process that is still running (SIGTERM, then SIGKILL after a grace period). */
export async function stopCairn(cairn: CairnProcess | undefined): Promise<void> {
  if (!cairn || !cairn.alive()) return;
  cairn.proc.child.kill('SIGTERM');
  const timer = setTimeout(() => cairn.proc.child.kill('SIGKILL'), 10_000);
  await cairn.proc.exited;
  clearTimeout(timer);
}

// Builds one migrated template per run (a PGlite data dump, or a Postgres template database)
// so every test file starts from a fresh copy in a fraction of a second.
import { writeFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openDatabase, pgliteClientOf } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { testDbKind, testServerUrl, urlForDatabase } from './test-db-config.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dbKind: 'pglite' | 'postgres';
    pgliteTemplate: string;
    pgTemplate: string;
    pgServerUrl: string;
    runId: string;
  }
}

export default async function setup(project: TestProject) {
  const kind = testDbKind();
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  project.provide('dbKind', kind);
  project.provide('runId', runId);
  if (kind === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-test-'));
    const database = await openDatabase({ kind: 'pglite' });
    await migrate(database);
    const dump = await pgliteClientOf(database)!.dumpDataDir('none');
    await database.close();
    const file = join(dir, 'template.tar');
    await writeFile(file, Buffer.from(await dump.arrayBuffer()));
    project.provide('pgliteTemplate', file);
    project.provide('pgTemplate', '');
    project.provide('pgServerUrl', '');
    return async () => rm(dir, { recursive: true, force: true });
  }
  const serverUrl = testServerUrl();
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`SELECT 1`;
  } catch (error) {
    await admin.end();
    throw new Error(`CAIRN_TEST_DB=postgres but the server at ${serverUrl} cannot be reached: ${(error as Error).message}`, { cause: error });
  }
  const template = `cairn_tpl_${runId}`;
  await admin.unsafe(`CREATE DATABASE ${template}`);
  const database = await openDatabase({ kind: 'postgres', url: urlForDatabase(serverUrl, template), poolSize: 1 });
  await migrate(database);
  await database.close();
  project.provide('pgliteTemplate', '');
  project.provide('pgTemplate', template);
  project.provide('pgServerUrl', serverUrl);
  return async () => {
    const rows = await admin<{ datname: string }[]>`
      SELECT datname FROM pg_database WHERE datname LIKE ${`cairn_%_${runId}%`}`;
    for (const { datname } of rows) await admin.unsafe(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.end();
  };
}

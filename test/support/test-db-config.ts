// Which database the suite runs against. CI runs the suite once per kind; neither is ever skipped.
export type TestDbKind = 'pglite' | 'postgres';

export function testDbKind(): TestDbKind {
  const kind = process.env.CAIRN_TEST_DB ?? 'pglite';
  if (kind !== 'pglite' && kind !== 'postgres') {
    throw new Error(`CAIRN_TEST_DB must be "pglite" or "postgres", got "${kind}"`);
  }
  return kind;
}

/** The server the Postgres suite creates its databases on (default: this machine's test server). */
export function testServerUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

export function urlForDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

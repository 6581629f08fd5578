// A NOTIFY arrives but the reload it triggers fails (the database went away in between): the guild's
// old configuration must not stay in force; the next use loads the current one.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { createLogger } from '../../src/log/logger.ts';
import { ConfigStore } from '../../src/rules/config-store.ts';
import { saveRule } from '../../src/rules/repository.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, seedGuild } from '../support/factories.ts';
import { creditRule } from '../rules/support.ts';
import { TcpProxy } from './support/tcp-proxy.ts';

let database: TestDatabase;
let proxy: TcpProxy;
let throughProxy: Database;

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 2 });
  await seedGuild(database, { currencies: [{ key: 'xp' }] });
  const server = new URL(database.url!);
  proxy = await TcpProxy.start({ host: server.hostname, port: Number(server.port || 5432) });
  throughProxy = await openDatabase({ kind: 'postgres', url: proxy.rewrite(database.url!), poolSize: 2 });
});
afterAll(async () => {
  await throughProxy.close();
  await proxy.close();
  await database.close();
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a configuration reload that fails', () => {
  it('drops the cached configuration, so the next use loads the current one', async () => {
    // Queries go through the proxy; the listener keeps a direct connection, so NOTIFY still arrives
    // while the queries cannot reach the database.
    const failures: string[] = [];
    const logger = createLogger(
      { level: 'error' },
      new Writable({
        write(chunk, _encoding, done) {
          failures.push(String(chunk));
          done();
        },
      }),
    );
    const store = new ConfigStore({ ...throughProxy, listen: database.listen.bind(database) }, logger);
    await store.start();
    const before = await store.get(GUILD);

    await proxy.close({ refuse: true });
    const saved = await saveRule(database.db, GUILD, creditRule('changed', { amount: 3 }), 'test');
    expect(saved.ok).toBe(true);
    await until(() => failures.some((line) => line.includes('configuration reload failed')));
    expect(store.versions()[GUILD]).toBeUndefined();

    await proxy.open();
    const after = await store.get(GUILD);
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.rules.map((r) => r.rule.key)).toContain('changed');
    await store.stop();
  });
});

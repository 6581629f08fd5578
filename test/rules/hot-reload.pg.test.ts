// Two processes on one Postgres: a rule saved here is applied by a running Cairn there within a
// second; a lost listener connection is re-established and reloads everything.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { queryRows } from '../../src/db/client.ts';
import { ConfigStore } from '../../src/rules/config-store.ts';
import { saveRule } from '../../src/rules/repository.ts';
import { json } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, GUILD, seedGuild } from '../support/factories.ts';
import { startProcess, type StartedProcess } from '../support/process.ts';
import { creditRule, event } from './support.ts';

const TOKEN = 'hot-reload-admin-token-0123456789';
let database: TestDatabase;
let cairn: StartedProcess;
let url: string;

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 4 });
  await seedGuild(database, { currencies: [{ key: 'xp' }] });
  cairn = startProcess(['bin/start.js'], { DATABASE_URL: database.url, PORT: '0', CAIRN_ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'warn', CAIRN_DEMO_GUILD: 'false', DATA_DIR: `/tmp/cairn-hot-${process.pid}` });
  url = (await cairn.waitFor(/Cairn is running at (http:\/\/\S+)/))[1]!;
});
afterAll(async () => {
  cairn.child.kill('SIGTERM');
  await cairn.exited;
  await database.close();
});

const post = (body: unknown) =>
  fetch(`${url}/api/guilds/${GUILD}/events`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
/** The configuration version the other process has loaded for the guild (its health page). */
const loadedVersion = async () => (await json(await fetch(`${url}/api/guilds/${GUILD}/health`, { headers: { Authorization: `Bearer ${TOKEN}` } }))).configVersion as number;

describe('hot reload across processes', () => {
  it('a rule saved in this process is applied by the other within one second', async () => {
    await post(event('message_create')); // the other process now has this guild's (empty) rules loaded
    const loaded = await loadedVersion();
    const saved = await saveRule(database.db, GUILD, creditRule('live', { amount: 7 }), 'test');
    expect(saved.ok).toBe(true);
    const started = performance.now();
    while ((await loadedVersion()) <= loaded) {
      expect(performance.now() - started).toBeLessThan(1000);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await json(await post(event('message_create')))).toMatchObject({ accepted: 1 });
    const [row] = await queryRows<{ balance: string }>(database.db, sql`SELECT balance::text FROM wallets WHERE user_id = ${ALICE}`);
    expect(Number(row!.balance)).toBe(7);
  });

  it('a lost listener connection is re-established and triggers a full reload', async () => {
    const other = await openDatabase({ kind: 'postgres', url: database.url!, poolSize: 2 });
    const store = new ConfigStore(other);
    await store.start();
    await store.get(GUILD);
    const reconnects = store.reconnectCount;
    const reloads = store.reloadCount;
    await database.db.execute(sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'listen%' AND pid <> pg_backend_pid()`);
    const started = performance.now();
    while (store.reconnectCount === reconnects || store.reloadCount === reloads) {
      expect(performance.now() - started).toBeLessThan(10_000);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(store.reloadCount).toBeGreaterThan(reloads);
    await store.stop();
    await other.close();
  });
});

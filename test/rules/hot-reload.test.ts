// A configuration change reaches a running engine through NOTIFY, on PGlite and on Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigStore } from '../../src/rules/config-store.ts';
import { saveRule } from '../../src/rules/repository.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, seedGuild } from '../support/factories.ts';
import { creditRule } from './support.ts';

let database: TestDatabase;
let store: ConfigStore;
beforeAll(async () => {
  database = await createTestDatabase();
  await seedGuild(database, { currencies: [{ key: 'xp' }] });
  store = new ConfigStore(database);
  await store.start();
});
afterAll(async () => {
  await store.stop();
  await database.close();
});

const waitFor = async (predicate: () => boolean, timeoutMs: number) => {
  const started = performance.now();
  while (!predicate()) {
    if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
  return performance.now() - started;
};

describe('hot reload', () => {
  it('swaps the compiled rules within a second of a saved change, with a new version', async () => {
    const before = await store.get(GUILD);
    expect(before.rules).toHaveLength(0);
    const saved = await saveRule(database.db, GUILD, creditRule('fresh', { amount: 3 }), 'test');
    expect(saved.ok).toBe(true);
    const ms = await waitFor(() => (store.versions()[GUILD] ?? 0) > before.version, 1000);
    const after = await store.get(GUILD);
    expect(after.rules.map((r) => r.rule.key)).toEqual(['fresh']);
    expect(ms).toBeLessThan(1000);
  });

  it('a change made with plain SQL (any process, any tool) is picked up too', async () => {
    const version = store.versions()[GUILD]!;
    await database.db.execute(`UPDATE rules SET enabled = false, document = jsonb_set(document, '{enabled}', 'false') WHERE guild_id = ${GUILD}`);
    await waitFor(() => store.versions()[GUILD]! > version, 1000);
    expect((await store.get(GUILD)).rules).toHaveLength(0);
  });
});

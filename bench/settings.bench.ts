// A settings change until it is in force on a second process: one connection changes a guild's
// settings through changeSettings() (the API's and /config's write path); a second connection's
// ConfigStore, as another bot process holds it, is watched until get() returns the new value
// (trigger → NOTIFY on commit → reload). p50/p99 over many changes, and the commit alone for scale.
// On Postgres the two sides are separate connection pools; PGlite allows one connection per
// process, so there both stores share it (a lower bound, not a second process).
import { openDatabase, type Database } from '../src/db/client.ts';
import { guilds } from '../src/db/schema.ts';
import { changeSettings } from '../src/guilds/settings.ts';
import { ConfigStore } from '../src/rules/config-store.ts';
import { freshDatabase, percentile, record } from './support.ts';

const GUILD = '1160511689263947796';
const CHANGES = Number(process.env.BENCH_SETTINGS_CHANGES ?? 300);

export async function benchSettings(kind: 'pglite' | 'postgres'): Promise<void> {
  const { database: writer, dispose } = await freshDatabase(kind, 4);
  let reader: Database = writer;
  if (kind === 'postgres') {
    const url = new URL(process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
    url.pathname = `/${(writer as Database & { name?: string }).name}`;
    reader = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 4 });
  }
  try {
    await writer.db.insert(guilds).values({ id: GUILD, name: 'Bench guild' });
    const store = new ConfigStore(reader);
    await store.start();
    await store.get(GUILD); // loaded, so its changes are followed

    let waiting: { value: number; resolve: () => void } | undefined;
    store.onReload = (config) => {
      if (waiting && config.guildId === GUILD && config.settings.announce_interval_seconds === waiting.value) waiting.resolve();
    };
    const inForce: number[] = [];
    const commits: number[] = [];
    for (let i = 0; i < CHANGES + 20; i++) {
      const value = (i % 3600) + 1;
      const seen = new Promise<void>((resolve) => (waiting = { value, resolve }));
      const started = performance.now();
      const result = await changeSettings(writer.db, GUILD, { announce_interval_seconds: value }, 'bench');
      const committed = performance.now();
      if (!result.ok) throw new Error(`settings change refused: ${result.code}`);
      await seen;
      const done = performance.now();
      const check = (await store.get(GUILD)).settings.announce_interval_seconds;
      if (check !== value) throw new Error(`the second store holds ${String(check)}, not ${value}`);
      if (i >= 20) {
        // the first changes warm up connections and JIT
        commits.push(committed - started);
        inForce.push(done - started);
      }
    }
    await store.stop();
    inForce.sort((a, b) => a - b);
    commits.sort((a, b) => a - b);
    const note = kind === 'postgres' ? `${CHANGES} changes, second connection pool` : `${CHANGES} changes, same connection (PGlite)`;
    record({ bench: 'settings', database: kind, case: 'settings change → in force elsewhere p50', value: percentile(inForce, 50), unit: 'ms', note });
    record({ bench: 'settings', database: kind, case: 'settings change → in force elsewhere p99', value: percentile(inForce, 99), unit: 'ms' });
    record({ bench: 'settings', database: kind, case: 'settings change committed p50', value: percentile(commits, 50), unit: 'ms' });
    record({ bench: 'settings', database: kind, case: 'settings change committed p99', value: percentile(commits, 99), unit: 'ms' });
  } finally {
    if (reader !== writer) await reader.close();
    await dispose();
  }
}

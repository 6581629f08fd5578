// End to end: validated events → lake + engine (classic preset) + ledger, committed. One event per
// transaction (10 concurrent) and batched; and hot reload, from a committed rule change to the
// engine's swapped configuration.
import { readFileSync } from 'node:fs';
import { EngineProcessor } from '../src/pipeline/engine-processor.ts';
import { IngestPipeline } from '../src/pipeline/ingest.ts';
import { importRecipe, parseRecipe } from '../src/presets/import.ts';
import { ConfigStore } from '../src/rules/config-store.ts';
import { saveRule } from '../src/rules/repository.ts';
import { syntheticEvents } from './engine.bench.ts';
import { freshDatabase, percentile, record, runConcurrent } from './support.ts';

const GUILD = '1160511689263947796';

export async function benchPipeline(kind: 'pglite' | 'postgres'): Promise<void> {
  const { database, dispose } = await freshDatabase(kind);
  try {
    const recipe = parseRecipe(JSON.parse(readFileSync(new URL('../presets/classic.json', import.meta.url), 'utf8')));
    if (!recipe.ok) throw new Error('classic preset does not parse');
    // Four guilds (as four shards' worth of traffic would be); each guild's batches are serial.
    const guilds = [GUILD, '1160511689263947797', '1160511689263947798', '1160511689263947799'];
    for (const guild of guilds) {
      const imported = await importRecipe(database.db, guild, recipe.recipe, { actor: 'bench' });
      if (!imported.ok) throw new Error(JSON.stringify(imported.problems));
    }
    const store = new ConfigStore(database);
    await store.start();
    const pipeline = new IngestPipeline(database, [new EngineProcessor(store)]);
    const total = kind === 'postgres' ? 60_000 : 30_000;
    const events = syntheticEvents(total + 5000, 11);
    let offset = 0;
    const take = (n: number) => events.slice(offset, (offset += n));
    await pipeline.ingestEvents(take(500), 'api'); // warm-up

    const single = kind === 'postgres' ? 3000 : 1500;
    const singles = take(single);
    const s1 = await runConcurrent(single, 10, (i) => pipeline.ingestEvents([singles[i]!], 'api'));
    record({ bench: 'pipeline', database: kind, case: 'end to end, one event per transaction (10 concurrent)', value: single / s1, unit: 'events/s' });

    for (const [size, concurrency] of [[100, 1], [500, 1], [100, 4], [500, 4]] as const) {
      const count = Math.min(kind === 'postgres' ? 20_000 : 10_000, events.length - offset);
      const batch = take(count);
      // With concurrency, batch b goes to guild b % concurrency: concurrent batches are different guilds' traffic.
      const batches = Array.from({ length: Math.ceil(count / size) }, (_, b) =>
        batch.slice(b * size, (b + 1) * size).map((e) => ({ ...e, guild_id: guilds[b % concurrency]! })),
      );
      const latencies: number[] = [];
      const s = await runConcurrent(batches.length, concurrency, async (b) => {
        const t = performance.now();
        await pipeline.ingestEvents(batches[b]!, 'api');
        latencies.push(performance.now() - t);
      });
      latencies.sort((a, b) => a - b);
      record({
        bench: 'pipeline', database: kind, case: `end to end, batches of ${size} (${concurrency === 1 ? '1 guild' : `${concurrency} guilds concurrently`})`, value: count / s, unit: 'events/s',
        note: `batch commit median ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms`,
      });
    }

    // Hot reload: a saved rule → NOTIFY on commit → the engine's configuration swapped.
    const delays: number[] = [];
    for (let i = 0; i < 60; i++) {
      const before = store.reloadCount;
      const started = performance.now();
      await saveRule(database.db, GUILD, { key: 'bench.reload', name: 'reload', trigger: { events: ['command'] }, effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: i + 1 }] }, 'bench');
      const committed = performance.now();
      while (store.reloadCount === before) await new Promise((r) => setImmediate(r));
      delays.push(performance.now() - committed);
      void started;
    }
    delays.sort((a, b) => a - b);
    record({ bench: 'pipeline', database: kind, case: 'hot reload: commit → compiled rules swapped', value: percentile(delays, 50), unit: 'ms median', note: `p99 ${percentile(delays, 99).toFixed(1)} ms over ${delays.length} changes` });
    await store.stop();
  } finally {
    await dispose();
  }
}

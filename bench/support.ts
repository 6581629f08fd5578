// Shared helpers for benchmarks: fresh databases on both engines, timing and printing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { importRecipe, parseRecipe } from '../src/presets/import.ts';
import postgres from 'postgres';
import { openDatabase, type Database } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';

export const BENCH_PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  database: Database & { name?: string };
  dispose(): Promise<void>;
}

/** An existing Postgres database of an earlier run (kept with keep = true), left in place afterwards. */
export async function existingDatabase(name: string, poolSize = 10): Promise<BenchDatabase> {
  const url = new URL(BENCH_PG_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize });
  await migrate(database);
  return { database: Object.assign(database, { name }), dispose: () => database.close() };
}

export async function freshDatabase(kind: 'pglite' | 'postgres', poolSize = 10, keep = false): Promise<BenchDatabase> {
  if (kind === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-'));
    const database = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'db') });
    await migrate(database);
    return { database, dispose: async () => { await database.close(); await rm(dir, { recursive: true, force: true }); } };
  }
  const name = `cairn_bench_${Date.now().toString(36)}_${process.pid}`;
  const admin = postgres(BENCH_PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(BENCH_PG_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize });
  await migrate(database);
  return {
    database: Object.assign(database, { name }),
    dispose: async () => {
      await database.close();
      if (!keep) await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Runs `tasks` with at most `concurrency` in flight; returns elapsed seconds. */
export async function runConcurrent(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

export interface Figure {
  bench: string;
  database: string;
  case: string;
  value: number;
  unit: string;
  note?: string;
}

export const figures: Figure[] = [];

export function record(figure: Figure): void {
  figures.push(figure);
  const value = figure.value >= 100 ? Math.round(figure.value).toLocaleString('en-US') : figure.value.toFixed(2);
  console.log(`  ${figure.database.padEnd(8)} ${figure.case.padEnd(48)} ${value.padStart(12)} ${figure.unit}${figure.note ? `  (${figure.note})` : ''}`);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const sid = (() => {
  let n = 1_300_000_000_000_000_000n;
  return () => String(++n);
})();

export const userId = (i: number) => String(900_000_000_000_000_000n + BigInt(i));

/** Imports the classic preset into a guild (the benchmarks' usual configuration); throws if it does not import. */
export async function importClassic(db: Database['db'], guildId: string, options: { allowUnbound?: boolean } = {}): Promise<void> {
  const recipe = parseRecipe(JSON.parse(readFileSync(new URL('../presets/classic.json', import.meta.url), 'utf8')));
  if (!recipe.ok) throw new Error('classic preset does not parse');
  const imported = await importRecipe(db, guildId, recipe.recipe, { actor: 'bench', ...options });
  if (!imported.ok) throw new Error(JSON.stringify(imported.problems));
}

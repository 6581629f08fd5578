// A guild configured through the real save paths, and a pipeline with the engine and milestones.
import { MilestoneChecker } from '../../src/milestones/checker.ts';
import { saveMilestone } from '../../src/milestones/repository.ts';
import { EngineProcessor } from '../../src/pipeline/engine-processor.ts';
import { IngestPipeline } from '../../src/pipeline/ingest.ts';
import { ConfigStore } from '../../src/rules/config-store.ts';
import { saveCurrency, saveRule } from '../../src/rules/repository.ts';
import type { CurrencyInput } from '../../src/ledger/currency.ts';
import type { Database } from '../../src/db/client.ts';
import { ensureGuilds } from '../../src/guilds/guilds.ts';
import { GUILD } from './factories.ts';

export async function configure(
  database: Database,
  options: { currencies?: CurrencyInput[]; rules?: unknown[]; milestones?: unknown[]; guildId?: string },
): Promise<void> {
  const guildId = options.guildId ?? GUILD;
  await ensureGuilds(database.db, [guildId]);
  for (const c of options.currencies ?? []) {
    const r = await saveCurrency(database.db, guildId, c, 'test');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
  }
  for (const rule of options.rules ?? []) {
    const r = await saveRule(database.db, guildId, rule, 'test');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
  }
  for (const m of options.milestones ?? []) {
    const r = await saveMilestone(database.db, guildId, m, 'test');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
  }
}

/** A fresh engine and pipeline (as after a restart). */
export function enginePipeline(database: Database) {
  const engine = new EngineProcessor(new ConfigStore(database), { milestones: new MilestoneChecker() });
  return { engine, pipeline: new IngestPipeline(database, [engine]) };
}

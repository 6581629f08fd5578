// `cairn simulate`: replays events in order through a fresh embedded database with the production
// pipeline (lake → engine → ledger), after importing a recipe into each guild the events name.
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type Database } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { bigintArray } from '../db/sql.ts';
import { parseLakeEvent, type LakeEvent } from '../events/lake-event.ts';
import { MilestoneChecker } from '../milestones/checker.ts';
import { IngestPipeline, type EventProcessor } from '../pipeline/ingest.ts';
import { OnboardingProcessor } from '../onboarding/processor.ts';
import { EngineProcessor, type MilestoneHookFactory } from '../pipeline/engine-processor.ts';
import { ConfigStore } from '../rules/config-store.ts';
import type { Problem } from '../rules/repository.ts';
import { compareIds } from '../ledger/postings.ts';
import { importRecipe } from './import.ts';
import type { Bindings, Recipe } from './recipe.ts';

export interface SimulationInput {
  /** Parsed lines; `error` for a line that was not JSON. */
  lines: { line: number; value?: unknown; error?: string }[];
}

export interface MemberOutcome {
  balances: Record<string, number>;
  levels: Record<string, number>;
  milestones: string[];
}

export interface SimulationResult {
  events: { accepted: number; duplicate: number; rejected: number };
  members: Record<string, MemberOutcome>;
  /** Why events were rejected: line number and field errors (not part of the contract output). */
  rejections: { line: number; errors: string[] }[];
  unbound: string[];
}

export class SimulationError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`the preset cannot be imported: ${problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
}

export interface SimulateOptions {
  bindings?: Bindings;
  /** A migrated database to use instead of a fresh in-memory one (tests). */
  database?: Database;
  milestones?: MilestoneHookFactory;
  extraProcessors?: EventProcessor[];
}

export async function simulate(recipe: Recipe, input: SimulationInput, options: SimulateOptions = {}): Promise<SimulationResult> {
  const events: LakeEvent[] = [];
  const rejections: SimulationResult['rejections'] = [];
  for (const { line, value, error } of input.lines) {
    if (error !== undefined) {
      rejections.push({ line, errors: [error] });
      continue;
    }
    const parsed = parseLakeEvent(value);
    if (parsed.ok) events.push(parsed.value);
    else rejections.push({ line, errors: parsed.errors.map((e) => `${e.path}: ${e.message}`) });
  }
  const owned = !options.database;
  const database = options.database ?? (await openDatabase({ kind: 'pglite' }));
  try {
    if (owned) await migrate(database);
    const unbound = new Set<string>();
    const guildIds = [...new Set(events.map((e) => e.guild_id))].sort(compareIds);
    for (const guildId of guildIds) {
      const result = await importRecipe(database.db, guildId, recipe, { bindings: options.bindings ?? { channels: {}, roles: {} }, actor: 'simulator', allowUnbound: true });
      if (!result.ok) throw new SimulationError(result.problems);
      for (const u of result.summary.unbound) unbound.add(u);
    }
    const configs = new ConfigStore(database);
    const engine = new EngineProcessor(configs, { milestones: options.milestones ?? new MilestoneChecker() });
    // As in production: a preset's onboarding flow runs, and its completion reaches the rules.
    const pipeline = new IngestPipeline(database, [engine, new OnboardingProcessor(configs, { downstream: [engine] }), ...(options.extraProcessors ?? [])]);
    const { accepted, duplicate } = await pipeline.ingestEvents(events, 'simulator');
    return {
      events: { accepted, duplicate, rejected: rejections.length },
      members: await memberOutcomes(database, guildIds),
      rejections,
      unbound: [...unbound],
    };
  } finally {
    if (owned) await database.close();
  }
}

/** Members of the simulated guilds (normally one; with several, a member's wallets are merged by currency). */
async function memberOutcomes(database: Database, guildIds: string[]): Promise<Record<string, MemberOutcome>> {
  const wallets = await queryRows<{ user_id: string; key: string; balance: string; level: number | null; curved: boolean }>(
    database.db,
    sql`SELECT w.user_id::text, c.key, w.balance::text, w.level, c.level_curve IS NOT NULL AS curved
        FROM wallets w JOIN currencies c ON c.id = w.currency_id
        WHERE w.guild_id = ANY(${bigintArray(guildIds)}) ORDER BY w.user_id, c.display_order, c.key`,
  );
  const awards = await queryRows<{ user_id: string; key: string }>(
    database.db,
    sql`SELECT DISTINCT mm.user_id::text, m.key FROM member_milestones mm JOIN milestones m ON m.id = mm.milestone_id
        WHERE mm.guild_id = ANY(${bigintArray(guildIds)}) ORDER BY 1, 2`,
  );
  const members: Record<string, MemberOutcome> = {};
  const member = (id: string) => (members[id] ??= { balances: {}, levels: {}, milestones: [] });
  for (const w of wallets) {
    const m = member(w.user_id);
    m.balances[w.key] = Number(w.balance);
    if (w.curved && w.level !== null) m.levels[w.key] = w.level;
  }
  for (const a of awards) member(a.user_id).milestones.push(a.key);
  return Object.fromEntries(Object.keys(members).sort(compareIds).map((id) => [id, members[id]!]));
}

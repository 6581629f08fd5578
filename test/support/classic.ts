// The shipped classic preset in a test guild, and a look at the statements the app sends: what the
// single-event path's tests (statements per group, round trips, plans at scale) start from.
import { readFileSync } from 'node:fs';
import type { Database } from '../../src/db/client.ts';
import { importRecipe, parseRecipe } from '../../src/presets/import.ts';
import type { ConfigStore } from '../../src/rules/config-store.ts';

/** Imports presets/classic.json into the guild and loads it into the app's configuration. */
export async function importClassicPreset(database: Database, configs: ConfigStore, guildId: string): Promise<void> {
  const recipe = parseRecipe(JSON.parse(readFileSync(new URL('../../presets/classic.json', import.meta.url), 'utf8')));
  if (!recipe.ok) throw new Error(`classic preset does not parse: ${JSON.stringify(recipe.problems)}`);
  const imported = await importRecipe(database.db, guildId, recipe.recipe, { actor: 'test' });
  if (!imported.ok) throw new Error(`classic preset does not import: ${JSON.stringify(imported.problems)}`);
  await configs.reload(guildId);
}

/**
 * Tells `onQuery` of every statement drizzle runs on the database from now on, with its parameters
 * (BEGIN and COMMIT are the driver's and do not pass through it). drizzle's sessions hand their
 * options, and so this logger, to every transaction they open.
 */
export function onStatements(database: Database, onQuery: (query: string, params: unknown[]) => void): void {
  const session = (database.db as unknown as { session: { logger: unknown; options: { logger?: unknown } } }).session;
  const logger = { logQuery: onQuery };
  session.logger = logger;
  session.options.logger = logger;
}

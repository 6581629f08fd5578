// Imports a recipe into a guild in one transaction: currencies, zones, then rules (validated
// against them). Any problem refuses the whole import with the JSON path of each problem.
import type { Db } from '../db/client.ts';
import { ensureGuilds } from '../guilds/guilds.ts';
import { saveMilestone } from '../milestones/repository.ts';
import { saveCurrency, saveRule, saveZone, type Problem } from '../rules/repository.ts';
import { saveShopItem } from '../shop/shop.ts';
import { bindRecipe, RecipeSchema, type Bindings, type Recipe } from './recipe.ts';
import { formatPath } from '../rules/compiler.ts';

export interface ImportSummary {
  recipe: string;
  currencies: number;
  zones: number;
  rules: number;
  milestones: number;
  shop: number;
  unbound: string[];
}

export type ImportResult = { ok: true; summary: ImportSummary } | { ok: false; problems: Problem[] };

export function parseRecipe(input: unknown): { ok: true; recipe: Recipe } | { ok: false; problems: Problem[] } {
  const parsed = RecipeSchema.safeParse(input);
  if (parsed.success) return { ok: true, recipe: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => ({ path: formatPath(i.path) || '(root)', message: i.message })) };
}

class ImportFailed extends Error {
  constructor(readonly problems: Problem[]) {
    super('import failed');
  }
}

export async function importRecipe(
  db: Db,
  guildId: string,
  recipe: Recipe,
  options: { bindings?: Bindings; actor: string; allowUnbound?: boolean },
): Promise<ImportResult> {
  const { value: bound, unbound } = bindRecipe(recipe, options.bindings ?? { channels: {}, roles: {} });
  if (unbound.length > 0 && !options.allowUnbound) {
    return {
      ok: false,
      problems: unbound.map((p) => {
        const [kind, name] = p.split(':') as [string, string];
        return { path: `placeholders.${kind}s.${name}`, message: `placeholder {{${p}}} is not bound; bind it (e.g. --bind ${p}=ID)` };
      }),
    };
  }
  try {
    await db.transaction(async (tx) => {
      await ensureGuilds(tx, [guildId]);
      const fail = (prefix: string, problems: Problem[]) => {
        throw new ImportFailed(problems.map((p) => ({ path: `${prefix}.${p.path}`, message: p.message })));
      };
      for (const [i, currency] of bound.currencies.entries()) {
        const saved = await saveCurrency(tx, guildId, currency, options.actor);
        if (!saved.ok) fail(`currencies[${i}]`, saved.problems);
      }
      for (const [i, zone] of bound.zones.entries()) {
        const saved = await saveZone(tx, guildId, zone, options.actor);
        if (!saved.ok) fail(`zones[${i}]`, saved.problems);
      }
      for (const [i, rule] of bound.rules.entries()) {
        const saved = await saveRule(tx, guildId, rule, options.actor);
        if (!saved.ok) fail(`rules[${i}]`, saved.problems);
      }
      for (const [i, milestone] of bound.milestones.entries()) {
        const saved = await saveMilestone(tx, guildId, milestone, options.actor);
        if (!saved.ok) fail(`milestones[${i}]`, saved.problems);
      }
      for (const [i, item] of bound.shop.entries()) {
        const saved = await saveShopItem(tx, guildId, item, options.actor);
        if (!saved.ok) fail(`shop[${i}]`, saved.problems);
      }
    });
  } catch (error) {
    if (error instanceof ImportFailed) return { ok: false, problems: error.problems };
    throw error;
  }
  return {
    ok: true,
    summary: { recipe: recipe.key, currencies: bound.currencies.length, zones: bound.zones.length, rules: bound.rules.length, milestones: bound.milestones.length, shop: bound.shop.length, unbound },
  };
}

// Exports a guild's configuration as a recipe that imports back to the identical configuration:
// every document normalised through its schema, every list sorted by key, so the same
// configuration always gives the same bytes.
import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { faqEntries, guilds, milestones, rules, ruleTemplates, shopItems } from '../db/schema.ts';
import { faqDocument } from '../faq/repository.ts';
import { loadCommands } from '../custom-commands/load.ts';
import { disabledModules } from '../guilds/modules.ts';
import { CurrencySchema } from '../ledger/currency.ts';
import { MilestoneSchema } from '../milestones/schema.ts';
import { loadCurrencies, loadZones } from '../rules/repository.ts';
import { RuleSchema } from '../rules/schema.ts';
import { ZoneSchema } from '../rules/zones.ts';
import { ShopItemSchema } from '../shop/schema.ts';
import { RecipeSchema, type Recipe } from './recipe.ts';
import { guildRecipeSettings } from './settings-sections.ts';

const byKey = <T extends { key: string }>(a: T, b: T) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export async function exportGuild(exec: Executor, guildId: string): Promise<Recipe> {
  const [guild] = await exec.select().from(guilds).where(eq(guilds.id, guildId));
  const settings = (guild?.settings ?? {}) as { labels?: Record<string, string>; recipe?: { key?: string; name?: string; description?: string; version?: string } };
  const currencies = (await loadCurrencies(exec, guildId)).map(({ id: _id, ...c }) => CurrencySchema.parse(c)).sort(byKey);
  const zones = (await loadZones(exec, guildId)).map((z) => ZoneSchema.parse(z)).sort(byKey);
  const ruleDocs = (await exec.select().from(rules).where(eq(rules.guildId, guildId)).orderBy(asc(rules.key))).map((r) => RuleSchema.parse(r.document));
  const milestoneDocs = (await exec.select().from(milestones).where(eq(milestones.guildId, guildId)).orderBy(asc(milestones.key))).map((m) => MilestoneSchema.parse(m.document));
  const shop = (await exec.select().from(shopItems).where(eq(shopItems.guildId, guildId)).orderBy(asc(shopItems.key))).map((s) =>
    ShopItemSchema.parse({ ...s.document, stock: s.stock, enabled: s.enabled }),
  );
  const templates = (await exec.select().from(ruleTemplates).where(eq(ruleTemplates.guildId, guildId)).orderBy(asc(ruleTemplates.key))).map((t) => t.document);
  const faq = (await exec.select().from(faqEntries).where(eq(faqEntries.guildId, guildId)).orderBy(asc(faqEntries.key))).map(faqDocument);
  return RecipeSchema.parse({
    cairn_recipe: 1,
    key: settings.recipe?.key ?? `guild-${guildId}`,
    name: settings.recipe?.name ?? guild?.name ?? `Guild ${guildId}`,
    description: settings.recipe?.description ?? `Exported from guild ${guildId}.`,
    version: settings.recipe?.version ?? '1.0.0',
    labels: settings.labels ?? {},
    placeholders: { channels: {}, roles: {} },
    currencies,
    zones,
    rules: ruleDocs,
    milestones: milestoneDocs,
    shop,
    commands: await loadCommands(exec, guildId),
    faq,
    templates,
    settings: guildRecipeSettings(guild?.settings ?? {}),
    disabled_modules: [...disabledModules(guild?.settings ?? {})].sort(),
  });
}

/** The canonical text of a recipe (two-space JSON, trailing newline). */
export function recipeText(recipe: Recipe): string {
  return JSON.stringify(recipe, null, 2) + '\n';
}

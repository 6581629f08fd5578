// Imports a recipe into a guild: placeholders bound, every document validated, the difference
// from the guild's configuration computed key by key, then applied in one transaction with an
// audit entry. Re-importing the same recipe changes nothing. `merge` keeps what the recipe does not
// mention; `replace` removes it.
import { isDeepStrictEqual } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { audit } from '../audit/audit.ts';
import { builtInCommandNames, deleteCommand, saveCommand } from '../custom-commands/repository.ts';
import { CustomCommandSchema, type CustomCommand } from '../custom-commands/schema.ts';
import type { Db } from '../db/client.ts';
import { guilds } from '../db/schema.ts';
import { ensureGuilds } from '../guilds/guilds.ts';
import { changeSettings } from '../guilds/settings.ts';
import { CurrencySchema } from '../ledger/currency.ts';
import { deleteMilestone, saveMilestone } from '../milestones/repository.ts';
import { MilestoneSchema } from '../milestones/schema.ts';
import { formatPath } from '../rules/compiler.ts';
import { deleteCurrency, deleteRule, deleteZone, saveCurrency, saveRule, saveZone, type Problem } from '../rules/repository.ts';
import { RuleSchema } from '../rules/schema.ts';
import { ZoneSchema } from '../rules/zones.ts';
import { ShopItemSchema } from '../shop/schema.ts';
import { FaqEntrySchema } from '../faq/schema.ts';
import { deleteFaqEntry, saveFaqEntry } from '../faq/repository.ts';
import { deleteShopItem, saveShopItem } from '../shop/shop.ts';
import { deleteRuleTemplate, listGuildTemplates, saveRuleTemplate, validateTemplate } from '../rules/templates/repository.ts';
import type { RuleTemplate } from '../rules/templates/rule-template.ts';
import { diffConfigs, SECTIONS, type ComparableConfig, type ConfigDiff } from './diff.ts';
import { exportGuild } from './export.ts';
import { bindRecipe, dangerousKeys, RecipeSchema, type Bindings, type Recipe } from './recipe.ts';
import { parseRecipeSettings, recipeSettingsPatch, type RecipeSettings } from './settings-sections.ts';

export interface ImportSummary {
  recipe: string;
  currencies: number;
  zones: number;
  rules: number;
  milestones: number;
  shop: number;
  commands: number;
  faq: number;
  /** Guild rule templates the recipe carries. */
  templates: number;
  unbound: string[];
}

export type ImportResult =
  | { ok: true; summary: ImportSummary; diff: ConfigDiff; applied: boolean }
  | { ok: false; problems: Problem[] };

export interface ImportOptions {
  bindings?: Bindings;
  actor: string;
  /** Accept unbound placeholders (they stay literal and never match): the simulator's choice. */
  allowUnbound?: boolean;
  /** Compute the diff only. */
  dryRun?: boolean;
  mode?: 'merge' | 'replace';
}

export function parseRecipe(input: unknown): { ok: true; recipe: Recipe } | { ok: false; problems: Problem[] } {
  const dangerous = dangerousKeys(input);
  if (dangerous.length > 0) return { ok: false, problems: dangerous.slice(0, 20).map((path) => ({ path, message: 'key not allowed in a recipe (prototype pollution)' })) };
  const parsed = RecipeSchema.safeParse(input);
  if (parsed.success) return { ok: true, recipe: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => ({ path: formatPath(i.path) || '(root)', message: i.message })) };
}

/** Commands are named, not keyed: the diff compares them by name. */
const keyedCommands = (commands: CustomCommand[]) => commands.map((c) => ({ key: c.name, ...c }));

class ImportFailed extends Error {
  constructor(readonly problems: Problem[]) {
    super('import failed');
  }
}

/** The recipe's documents, each normalised by its schema (so they compare with an export). */
function normalise(recipe: Recipe): { ok: true; next: Parameters<typeof diffConfigs>[1] & { templates: RuleTemplate[] } } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const parse = <T,>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, docs: unknown[], section: string): T[] =>
    docs.flatMap((doc, i) => {
      const r = schema.safeParse(doc);
      if (r.success) return [r.data];
      problems.push(...r.error.issues.map((issue) => ({ path: `${section}[${i}].${formatPath(issue.path as (string | number)[])}`.replace(/\.$/, ''), message: issue.message })));
      return [];
    });
  const next = {
    currencies: parse(CurrencySchema, recipe.currencies, 'currencies'),
    zones: parse(ZoneSchema, recipe.zones, 'zones'),
    rules: parse(RuleSchema, recipe.rules, 'rules'),
    milestones: parse(MilestoneSchema, recipe.milestones, 'milestones'),
    shop: parse(ShopItemSchema, recipe.shop, 'shop'),
    commands: keyedCommands(parse(CustomCommandSchema, recipe.commands, 'commands')),
    faq: parse(FaqEntrySchema, recipe.faq, 'faq'),
    templates: recipe.templates.flatMap((doc, i): RuleTemplate[] => {
      const r = validateTemplate(doc);
      if (r.ok) return [r.value];
      problems.push(...r.problems.map((p) => ({ path: `templates[${i}].${p.path}`.replace(/\.\(root\)$/, ''), message: p.message })));
      return [];
    }),
    labels: recipe.labels,
    disabled_modules: recipe.disabled_modules,
    settings: {} as RecipeSettings,
  };
  const settings = parseRecipeSettings(recipe.settings);
  if (settings.ok) next.settings = settings.value;
  else problems.push(...settings.problems);
  const builtIns = builtInCommandNames();
  next.commands.forEach((c, i) => {
    if (builtIns.has(c.name)) problems.push({ path: `commands[${i}].name`, message: `/${c.name} is one of Cairn's built-in commands; choose another name` });
  });
  for (const section of [...SECTIONS, 'templates'] as const) {
    const keys = (next[section] as { key: string }[]).map((d) => d.key);
    keys.forEach((k, i) => {
      if (keys.indexOf(k) !== i) problems.push({ path: `${section}[${i}].key`, message: `"${k}" appears twice` });
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, next };
}

export async function importRecipe(db: Db, guildId: string, recipe: Recipe, options: ImportOptions): Promise<ImportResult> {
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
  const normalised = normalise(bound);
  if (!normalised.ok) return normalised;
  const next = normalised.next;
  const summary: ImportSummary = {
    recipe: recipe.key, currencies: next.currencies.length, zones: next.zones.length, rules: next.rules.length, milestones: next.milestones.length, shop: next.shop.length, commands: next.commands.length, faq: next.faq.length, templates: next.templates.length, unbound,
  };
  try {
    return await db.transaction(async (tx) => {
      await ensureGuilds(tx, [guildId]);
      const current = await exportGuild(tx, guildId);
      const mode = options.mode ?? 'merge';
      const diff = diffConfigs({ ...current, commands: keyedCommands(current.commands as CustomCommand[]) } as unknown as ComparableConfig, next, mode);
      if (options.dryRun) return { ok: true, summary, diff, applied: false } as const;
      const fail = (prefix: string, problems: Problem[]) => {
        throw new ImportFailed(problems.map((p) => ({ path: `${prefix}.${p.path}`, message: p.message })));
      };
      // Only what changes is written, so a repeated import is a no-op (no versions, no audit rows).
      const changed = (section: (typeof SECTIONS)[number], key: string) => diff[section].added.includes(key) || diff[section].changed.some((c) => c.key === key);
      for (const [i, c] of next.currencies.entries()) if (changed('currencies', c.key)) { const r = await saveCurrency(tx, guildId, c, options.actor); if (!r.ok) fail(`currencies[${i}]`, r.problems); }
      for (const [i, z] of next.zones.entries()) if (changed('zones', z.key)) { const r = await saveZone(tx, guildId, z, options.actor); if (!r.ok) fail(`zones[${i}]`, r.problems); }
      for (const [i, rule] of next.rules.entries()) if (changed('rules', rule.key)) { const r = await saveRule(tx, guildId, rule, options.actor); if (!r.ok) fail(`rules[${i}]`, r.problems); }
      for (const [i, m] of next.milestones.entries()) if (changed('milestones', m.key)) { const r = await saveMilestone(tx, guildId, m, options.actor); if (!r.ok) fail(`milestones[${i}]`, r.problems); }
      for (const [i, s] of next.shop.entries()) if (changed('shop', s.key)) { const r = await saveShopItem(tx, guildId, s, options.actor); if (!r.ok) fail(`shop[${i}]`, r.problems); }
      for (const [i, { key, ...command }] of next.commands.entries()) if (changed('commands', key)) { const r = await saveCommand(tx, guildId, command, options.actor); if (!r.ok) fail(`commands[${i}]`, r.problems); }
      for (const [i, e] of next.faq.entries()) if (changed('faq', e.key)) { const r = await saveFaqEntry(tx, guildId, e, options.actor); if (!r.ok) fail(`faq[${i}]`, r.problems); }
      // diff.*.removed is empty in merge mode: only replace deletes, through each entity's own delete
      // (audit-logged and versioned, so a replaced configuration can be restored from its history).
      for (const key of diff.rules.removed) await deleteRule(tx, guildId, key, options.actor);
      for (const key of diff.milestones.removed) await deleteMilestone(tx, guildId, key, options.actor);
      for (const key of diff.shop.removed) await deleteShopItem(tx, guildId, key, options.actor);
      for (const key of diff.commands.removed) await deleteCommand(tx, guildId, key, options.actor);
      for (const key of diff.faq.removed) await deleteFaqEntry(tx, guildId, key, options.actor);
      // Templates are not part of the diff (nothing the engine runs): saved when changed, removed in replace mode.
      let templatesChanged = false;
      for (const [i, t] of next.templates.entries()) {
        const r = await saveRuleTemplate(tx, guildId, t, options.actor);
        if (!r.ok) fail(`templates[${i}]`, 'conflict' in r ? [{ path: 'key', message: r.conflict }] : r.problems);
        else templatesChanged ||= r.value.changed;
      }
      if (mode === 'replace') {
        const keep = new Set(next.templates.map((t) => t.key));
        for (const row of await listGuildTemplates(tx, guildId)) if (!keep.has(row.key)) templatesChanged = (await deleteRuleTemplate(tx, guildId, row.key, options.actor)) || templatesChanged;
      }
      for (const key of diff.zones.removed) {
        const r = await deleteZone(tx, guildId, key, options.actor);
        if (!r.ok && r.code === 'in_use') fail('zones', [{ path: key, message: r.message }]);
      }
      for (const key of diff.currencies.removed) {
        const r = await deleteCurrency(tx, guildId, key, options.actor);
        if (!r.ok && r.code === 'in_use') fail('currencies', [{ path: key, message: r.message }]);
      }
      const recipeInfo = { key: recipe.key, name: recipe.name, description: recipe.description, version: recipe.version };
      const [guild] = await tx.select({ settings: guilds.settings }).from(guilds).where(eq(guilds.id, guildId));
      const settings = guild?.settings ?? {};
      const modules = diff.modules.length > 0 ? { disabled_modules: [...new Set(next.disabled_modules ?? [])].sort() } : {};
      const labelsChanged = !isDeepStrictEqual(settings.labels ?? {}, recipe.labels);
      const recipeChanged = !isDeepStrictEqual(settings.recipe ?? null, recipeInfo);
      const carried = recipeSettingsPatch((current.settings ?? {}) as RecipeSettings, (next.settings ?? {}) as RecipeSettings, options.mode ?? 'merge');
      const carriedChanged = Object.keys(carried).length > 0;
      const settingsChanged = labelsChanged || recipeChanged || diff.modules.length > 0 || carriedChanged;
      // Labels, modules and carried sections (settings.tickets…) are settings: changed through their one write path (validated, versioned).
      if (labelsChanged || diff.modules.length > 0 || carriedChanged) {
        const r = await changeSettings(tx, guildId, { ...(labelsChanged ? { labels: recipe.labels } : {}), ...modules, ...carried }, options.actor);
        if (!r.ok) fail('settings', r.code === 'invalid' ? r.problems : [{ path: '(root)', message: 'this guild is unknown to Cairn' }]);
      }
      // Which recipe the guild came from is a note for the export, not a setting an admin edits.
      if (recipeChanged) await tx.update(guilds).set({ settings: sql`${guilds.settings} || ${JSON.stringify({ recipe: recipeInfo })}::jsonb` }).where(eq(guilds.id, guildId));
      const applied = !diff.identical || settingsChanged || templatesChanged;
      if (applied) await audit(tx, { guildId, actor: options.actor, action: 'preset.import', entityType: 'preset', entityKey: recipe.key, before: null, after: { recipe: recipeInfo, mode: options.mode ?? 'merge', diff } });
      return { ok: true, summary, diff, applied } as const;
    });
  } catch (error) {
    if (error instanceof ImportFailed) return { ok: false, problems: error.problems };
    throw error;
  }
}

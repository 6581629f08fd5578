// The guild settings a recipe carries under its `settings` key, beside labels and
// disabled_modules: each section is validated by its own schema once the placeholders are bound
// (its channel and role ids are {{channel:…}} / {{role:…}} in a recipe), imported through
// changeSettings (validated, versioned, audited), compared in the import's diff, and exported.
// A section is one line in RECIPE_SETTINGS.
import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import type { GuildSettingsPatch } from '../guilds/settings.ts';
import { formatPath } from '../rules/compiler.ts';
import type { Problem } from '../rules/repository.ts';
import { TicketSettings } from '../tickets/settings.ts';
import type { ImportMode } from './diff.ts';

export const RECIPE_SETTINGS = {
  tickets: TicketSettings,
} as const satisfies Partial<Record<keyof GuildSettingsPatch, z.ZodType>>;

export type RecipeSettingsKey = keyof typeof RECIPE_SETTINGS;
export type RecipeSettings = { -readonly [K in RecipeSettingsKey]?: z.output<(typeof RECIPE_SETTINGS)[K]> };

const KEYS = Object.keys(RECIPE_SETTINGS) as RecipeSettingsKey[];

/** A bound recipe's `settings`, each section parsed by its schema; unknown sections are refused. */
export function parseRecipeSettings(raw: Record<string, unknown>): { ok: true; value: RecipeSettings } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const value: RecipeSettings = {};
  for (const [key, section] of Object.entries(raw)) {
    if (!(KEYS as string[]).includes(key)) {
      problems.push({ path: `settings.${key}`, message: `is not a setting a recipe carries (it carries: ${KEYS.join(', ')})` });
      continue;
    }
    const parsed = RECIPE_SETTINGS[key as RecipeSettingsKey].safeParse(section);
    if (parsed.success) value[key as RecipeSettingsKey] = parsed.data;
    else problems.push(...parsed.error.issues.map((i) => ({ path: `settings.${key}${i.path.length > 0 ? `.${formatPath(i.path as (string | number)[])}` : ''}`, message: i.message })));
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}

/** The carried sections a guild has set, normalised by their schemas (a malformed stored one is left out). */
export function guildRecipeSettings(settings: Record<string, unknown>): RecipeSettings {
  const out: RecipeSettings = {};
  for (const key of KEYS) {
    if (settings[key] === undefined || settings[key] === null) continue;
    const parsed = RECIPE_SETTINGS[key].safeParse(settings[key]);
    if (parsed.success) out[key] = parsed.data;
  }
  return out;
}

/**
 * What an import changes: each section the recipe sets differently, and in replace mode each
 * section the guild has that the recipe does not (null removes it, back to the defaults).
 */
export function recipeSettingsPatch(current: RecipeSettings, next: RecipeSettings, mode: ImportMode): Partial<GuildSettingsPatch> {
  const patch: Record<string, unknown> = {};
  for (const key of KEYS) {
    if (next[key] !== undefined && !isDeepStrictEqual(current[key], next[key])) patch[key] = next[key];
    else if (next[key] === undefined && mode === 'replace' && current[key] !== undefined) patch[key] = null;
  }
  return patch as Partial<GuildSettingsPatch>;
}

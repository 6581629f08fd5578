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
import { OnboardingSettings } from '../onboarding/settings.ts';
import { TicketSettings } from '../tickets/settings.ts';
import type { ImportMode } from './diff.ts';

export const RECIPE_SETTINGS = {
  onboarding: OnboardingSettings,
  tickets: TicketSettings,
} as const satisfies Partial<Record<keyof GuildSettingsPatch, z.ZodType>>;

export type RecipeSettingsKey = keyof typeof RECIPE_SETTINGS;
export type RecipeSettings = { -readonly [K in RecipeSettingsKey]?: z.output<(typeof RECIPE_SETTINGS)[K]> };
/** Sections as a keyed bag, for the loops below (each value is its own schema's output). */
type Sections = Partial<Record<RecipeSettingsKey, unknown>>;

const KEYS = Object.keys(RECIPE_SETTINGS) as RecipeSettingsKey[];

const WHOLE_PLACEHOLDER = /^\{\{(channel|role):[a-z0-9_-]+\}\}$/;

/**
 * An id placeholder left unbound (the simulator accepts them) becomes "0": an id no channel or role
 * has, so, as elsewhere in a recipe, it never matches. Text that merely mentions one is kept.
 */
function unboundIdsToZero(value: unknown): unknown {
  if (typeof value === 'string') return WHOLE_PLACEHOLDER.test(value) ? '0' : value;
  if (Array.isArray(value)) return value.map(unboundIdsToZero);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unboundIdsToZero(v)]));
  return value;
}

/** A bound recipe's `settings`, each section parsed by its schema; unknown sections are refused. */
export function parseRecipeSettings(raw: Record<string, unknown>): { ok: true; value: RecipeSettings } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const value: Sections = {};
  for (const [key, section] of Object.entries(raw)) {
    if (!(KEYS as string[]).includes(key)) {
      problems.push({ path: `settings.${key}`, message: `is not a setting a recipe carries (it carries: ${KEYS.join(', ')})` });
      continue;
    }
    const parsed = RECIPE_SETTINGS[key as RecipeSettingsKey].safeParse(unboundIdsToZero(section));
    if (parsed.success) value[key as RecipeSettingsKey] = parsed.data;
    else problems.push(...parsed.error.issues.map((i) => ({ path: `settings.${key}${i.path.length > 0 ? `.${formatPath(i.path as (string | number)[])}` : ''}`, message: i.message })));
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: value as RecipeSettings };
}

/** The carried sections a guild has set, normalised by their schemas (a malformed stored one is left out). */
export function guildRecipeSettings(settings: Record<string, unknown>): RecipeSettings {
  const out: Sections = {};
  for (const key of KEYS) {
    if (settings[key] === undefined || settings[key] === null) continue;
    const parsed = RECIPE_SETTINGS[key].safeParse(settings[key]);
    if (parsed.success) out[key] = parsed.data;
  }
  return out as RecipeSettings;
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

// The guild settings a recipe carries under `settings` (today: `onboarding`): validated with their
// own schema on import (paths under settings.…), compared with the guild's, applied through
// changeSettings, and exported normalised so an export imports back to the same configuration.
import type { z } from 'zod';
import { OnboardingSettings, onboardingSettings } from '../onboarding/settings.ts';
import { formatPath } from '../rules/compiler.ts';
import type { Problem } from '../rules/repository.ts';
import { diffValues, type FieldChange, type ImportMode } from './diff.ts';

/** Each carried key: the schema a recipe's value is checked by, and the guild's stored value read back normalised. */
const CARRIED = {
  onboarding: {
    schema: OnboardingSettings as z.ZodType,
    stored: (settings: Record<string, unknown>) => (settings.onboarding === undefined ? undefined : onboardingSettings(settings)),
  },
} as const;

export type CarriedKey = keyof typeof CARRIED;
export type CarriedSettings = Partial<Record<CarriedKey, unknown>>;
const KEYS = Object.keys(CARRIED) as CarriedKey[];

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

/** The recipe's carried settings, each validated and normalised; other keys of `settings` are ignored. */
export function parseCarried(settings: Record<string, unknown>): { ok: true; value: CarriedSettings } | { ok: false; problems: Problem[] } {
  const value: CarriedSettings = {};
  const problems: Problem[] = [];
  for (const key of KEYS) {
    if (settings[key] === undefined) continue;
    const parsed = CARRIED[key].schema.safeParse(unboundIdsToZero(settings[key]));
    if (parsed.success) value[key] = parsed.data;
    else problems.push(...parsed.error.issues.map((i) => ({ path: `settings.${key}${i.path.length > 0 ? `.${formatPath(i.path as (string | number)[])}` : ''}`, message: i.message })));
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}

/** The guild's carried settings as an export writes them. */
export function storedCarried(settings: Record<string, unknown>): CarriedSettings {
  const out: CarriedSettings = {};
  for (const key of KEYS) {
    const value = CARRIED[key].stored(settings);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * What an import sets: a recipe's value replaces the guild's; a key the recipe lacks is kept in
 * merge mode and removed (null) in replace mode.
 */
export function carriedPatch(current: CarriedSettings, next: CarriedSettings | undefined, mode: ImportMode): CarriedSettings {
  const patch: CarriedSettings = {};
  for (const key of KEYS) {
    const wanted = next?.[key] ?? (mode === 'replace' ? null : current[key]);
    if (wanted !== undefined && diffValues(current[key] ?? null, wanted ?? null).length > 0) patch[key] = wanted;
  }
  return patch;
}

/** The import's changes to carried settings, leaf by leaf (paths settings.onboarding.…). */
export function diffCarried(current: CarriedSettings, next: CarriedSettings | undefined, mode: ImportMode): FieldChange[] {
  const patch = carriedPatch(current, next, mode);
  return KEYS.filter((k) => k in patch).flatMap((k) => diffValues(current[k] ?? null, patch[k] ?? null, `settings.${k}`));
}

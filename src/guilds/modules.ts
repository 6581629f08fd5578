// Modules: a rule's or a custom command's `module` names the feature it belongs to ("classic",
// "habits", "events"…). A guild switches a whole module off by listing it in
// settings.disabled_modules: its rules do not run and the commands it owns are not registered.
import { z } from 'zod';

export const ModuleName = z.string().min(1).max(48).regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _');
export const DisabledModules = z.array(ModuleName).max(100).meta({ description: 'modules switched off: their rules do not run and their commands are not registered' });

/** The modules a guild switched off, from its stored settings (anything malformed counts as none). */
export function disabledModules(settings: Record<string, unknown>): ReadonlySet<string> {
  const parsed = DisabledModules.safeParse(settings.disabled_modules ?? []);
  return new Set(parsed.success ? parsed.data : []);
}

export function isModuleEnabled(settings: Record<string, unknown>, module: string): boolean {
  return !disabledModules(settings).has(module);
}


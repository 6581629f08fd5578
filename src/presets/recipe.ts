// The recipe format (`"cairn_recipe": 1`): a community's configuration as one JSON document —
// currencies, zones, rules, milestones, shop items, labels — with placeholders for the channels and
// roles of the guild it is imported into ({{channel:name}}, {{role:name}}).
import { z } from 'zod';
import { DisabledModules } from '../guilds/modules.ts';
import { CurrencySchema } from '../ledger/currency.ts';
import type { ConfigInput } from '../rules/compiler.ts';
import { ZoneSchema } from '../rules/zones.ts';

const Placeholder = z.object({ description: z.string().max(300).default('') }).strict();

export const RecipeSchema = z
  .object({
    cairn_recipe: z.literal(1, { error: 'must be 1 (this version of Cairn reads recipe format 1)' }),
    key: z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9_-]*$/),
    name: z.string().min(1).max(100),
    description: z.string().max(2000).default(''),
    version: z.string().max(32).default('1.0.0'),
    /** What this community calls things: { "xp": "Sparks", "milestones": "Badges" }. */
    labels: z.record(z.string(), z.string().max(64)).default({}),
    placeholders: z
      .object({
        channels: z.record(z.string(), Placeholder).default({}),
        roles: z.record(z.string(), Placeholder).default({}),
      })
      .strict()
      .default({ channels: {}, roles: {} }),
    currencies: z.array(CurrencySchema).max(50).default([]),
    zones: z.array(ZoneSchema).max(500).default([]),
    /** Rule documents; validated against the recipe's own currencies and zones on import. */
    rules: z.array(z.record(z.string(), z.unknown())).max(2000).default([]),
    milestones: z.array(z.record(z.string(), z.unknown())).max(1000).default([]),
    shop: z.array(z.record(z.string(), z.unknown())).max(500).default([]),
    /** Custom slash command documents (src/custom-commands/schema.ts), validated on import. */
    commands: z.array(z.record(z.string(), z.unknown())).max(100).default([]),
    /** FAQ entries (src/faq/schema.ts), validated on import. */
    faq: z.array(z.record(z.string(), z.unknown())).max(2000).default([]),
    /** Rule templates (src/rules/templates/rule-template.ts) that become the guild's own; validated on import. */
    templates: z.array(z.record(z.string(), z.unknown())).max(500).default([]),
    settings: z.record(z.string(), z.unknown()).default({}),
    /** Modules switched off; absent keeps the guild's (merge) or switches every module on (replace). */
    disabled_modules: DisabledModules.optional(),
  })
  .strict();

export type Recipe = z.output<typeof RecipeSchema>;

const PLACEHOLDER = /\{\{(channel|role):([a-z0-9_-]+)\}\}/g;

export interface Bindings {
  channels: Record<string, string>;
  roles: Record<string, string>;
}

/** Placeholders a recipe uses, by kind. */
export function placeholdersOf(recipe: unknown): { channels: Set<string>; roles: Set<string> } {
  const found = { channels: new Set<string>(), roles: new Set<string>() };
  const text = JSON.stringify(recipe);
  for (const m of text.matchAll(PLACEHOLDER)) (m[1] === 'channel' ? found.channels : found.roles).add(m[2]!);
  return found;
}

/**
 * Replaces bound placeholders with ids. Unbound ones are listed and stay as literal text (they then
 * never match a real channel or role); an import refuses them, the simulator accepts them.
 */
export function bindRecipe<T>(recipe: T, bindings: Bindings): { value: T; unbound: string[] } {
  const unbound = new Set<string>();
  const replace = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value.replace(PLACEHOLDER, (whole, kind: string, name: string) => {
        const id = kind === 'channel' ? bindings.channels[name] : bindings.roles[name];
        if (id !== undefined) return id;
        unbound.add(`${kind}:${name}`);
        return whole;
      });
    }
    if (Array.isArray(value)) return value.map(replace);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
    return value;
  };
  return { value: replace(recipe) as T, unbound: [...unbound].sort() };
}

/** Parses "NAME=ID" command-line bindings; NAME may be "channel:x", "role:x" or a bare name. */
export function parseBindingArgs(args: string[], recipe: Recipe): { ok: true; bindings: Bindings } | { ok: false; message: string } {
  const bindings: Bindings = { channels: {}, roles: {} };
  for (const arg of args) {
    const match = arg.match(/^(?:(channel|role):)?([a-z0-9_-]+)=([0-9]{1,20})$/);
    if (!match) return { ok: false, message: `--bind must look like NAME=ID or channel:NAME=ID (digits), got "${arg}"` };
    const [, kind, name, id] = match;
    const isChannel = kind ? kind === 'channel' : name! in recipe.placeholders.channels || !(name! in recipe.placeholders.roles);
    (isChannel ? bindings.channels : bindings.roles)[name!] = id!;
  }
  return { ok: true, bindings };
}

/** A recipe's configuration as the compiler's input, without a database (ids are positions). */
export function recipeConfigInput(recipe: Recipe, guildId: string, bindings: Bindings = { channels: {}, roles: {} }): ConfigInput {
  const { value } = bindRecipe(recipe, bindings);
  return {
    guildId,
    version: 0,
    currencies: value.currencies.map((c, i) => ({ ...c, id: i + 1 })),
    zones: value.zones,
    rules: value.rules.map((document, i) => ({ id: i + 1, version: 1, document })),
    milestones: value.milestones.map((document, i) => ({ id: i + 1, document })),
    settings: { disabled_modules: value.disabled_modules ?? [] },
  };
}

/** The largest recipe accepted, as JSON text. */
export const MAX_RECIPE_BYTES = 2 * 1024 * 1024;

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Paths of keys that could reach object prototypes if a document were merged carelessly. */
export function dangerousKeys(value: unknown, path = '', depth = 0, out: string[] = []): string[] {
  if (depth > 64) {
    out.push(`${path || '(root)'} (nested deeper than 64 levels)`);
    return out;
  }
  if (Array.isArray(value)) value.forEach((v, i) => dangerousKeys(v, `${path}[${i}]`, depth + 1, out));
  else if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const at = path ? `${path}.${key}` : key;
      if (FORBIDDEN.has(key)) out.push(at);
      else dangerousKeys((value as Record<string, unknown>)[key], at, depth + 1, out);
    }
  }
  return out;
}

// Presets: the gallery of recipes in presets/ (GET /api/presets), a guild's import (with the diff
// first: "dryRun": true) and export (GET /api/guilds/:guildId/presets/export).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { z } from 'zod';
import { PRESETS_DIR } from '../../app/demo.ts';
import { Snowflake } from '../../events/lake-event.ts';
import { exportGuild } from '../../presets/export.ts';
import { importRecipe, parseRecipe } from '../../presets/import.ts';
import { placeholdersOf, RecipeSchema, type Recipe } from '../../presets/recipe.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import { ImportOut, PresetCard } from '../responses.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson } from '../validate.ts';
import { actorOf, guildOf } from './helpers.ts';

const ImportBody = z
  .object({
    preset: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/).optional().meta({ description: 'a recipe of the gallery, by key' }),
    recipe: z.unknown().optional().meta({ description: 'or a whole recipe document' }),
    bindings: z.object({ channels: z.record(z.string(), Snowflake).default({}), roles: z.record(z.string(), Snowflake).default({}) }).strict().default({ channels: {}, roles: {} }),
    dryRun: z.boolean().default(false),
    mode: z.enum(['merge', 'replace']).default('merge'),
  })
  .strict()
  .refine((b) => (b.preset === undefined) !== (b.recipe === undefined), 'give exactly one of "preset" and "recipe"');

export const presetDocs: RouteDoc[] = [
  { method: 'get', path: '/api/presets', summary: 'The preset gallery: recipes shipped in presets/', tag: 'presets', response: z.array(PresetCard) },
  { method: 'get', path: '/api/presets/{key}', summary: 'One preset recipe', tag: 'presets', response: RecipeSchema, statuses: [404] },
  { method: 'post', path: '/api/guilds/{guildId}/presets/import', summary: 'Import a recipe; with dryRun, only the key-by-key diff', tag: 'presets', body: ImportBody, response: ImportOut },
  { method: 'get', path: '/api/guilds/{guildId}/presets/export', summary: "The guild's configuration as a recipe (imports back identically)", tag: 'presets', response: RecipeSchema },
];

export async function loadGallery(): Promise<Recipe[]> {
  const files = (await readdir(PRESETS_DIR)).filter((f) => f.endsWith('.json')).sort();
  const recipes: Recipe[] = [];
  for (const file of files) {
    const parsed = parseRecipe(JSON.parse(await readFile(join(PRESETS_DIR, file), 'utf8')));
    if (parsed.ok) recipes.push(parsed.recipe);
  }
  return recipes;
}

const card = (r: Recipe) => {
  const placeholders = placeholdersOf(r);
  return {
    key: r.key, name: r.name, description: r.description, version: r.version,
    counts: { currencies: r.currencies.length, zones: r.zones.length, rules: r.rules.length, milestones: r.milestones.length, shop: r.shop.length },
    placeholders: {
      channels: [...placeholders.channels].map((name) => ({ name, description: r.placeholders.channels[name]?.description ?? '' })),
      roles: [...placeholders.roles].map((name) => ({ name, description: r.placeholders.roles[name]?.description ?? '' })),
    },
  };
};

export function presetGalleryRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => c.json((await loadGallery()).map(card)))
    .get('/:key', async (c) => {
      const recipe = (await loadGallery()).find((r) => r.key === c.req.param('key'));
      if (!recipe) throw new ApiError('not_found', `no preset "${c.req.param('key')}"`);
      return c.json(recipe);
    });
}

export function guildPresetRoutes() {
  const app = new Hono<AppEnv>();
  app.post('/import', async (c) => {
    const body = parseWith(ImportBody, await readJson(c));
    let recipe: Recipe;
    if (body.preset) {
      const found = (await loadGallery()).find((r) => r.key === body.preset);
      if (!found) throw new ApiError('validation_failed', `no preset "${body.preset}"`, [{ path: 'preset', message: 'unknown preset' }]);
      recipe = found;
    } else {
      const parsed = parseRecipe(body.recipe);
      if (!parsed.ok) throw new ApiError('validation_failed', 'the recipe is invalid', parsed.problems.map((p) => ({ ...p, path: `recipe.${p.path}` })));
      recipe = parsed.recipe;
    }
    const result = await importRecipe(c.get('services').database.db, guildOf(c), recipe, { bindings: body.bindings, actor: actorOf(c), dryRun: body.dryRun, mode: body.mode });
    if (!result.ok) throw new ApiError('validation_failed', 'the recipe cannot be imported', result.problems);
    return c.json({ recipe: { key: recipe.key, name: recipe.name, version: recipe.version }, dryRun: body.dryRun, mode: body.mode, applied: result.applied, summary: result.summary, diff: result.diff });
  });
  app.get('/export', async (c) => {
    const recipe = await exportGuild(c.get('services').database.db, guildOf(c));
    c.header('Content-Disposition', `attachment; filename="${recipe.key}.json"`);
    return c.json(recipe);
  });
  return app;
}

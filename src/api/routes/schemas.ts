// GET /api/schemas/:name — the JSON Schemas of Cairn's documents (rule, milestone, zone, currency,
// shop item, recipe), generated from the zod schemas, for the panel and for editors.
import { Hono } from 'hono';
import { z } from 'zod';
import { CurrencySchema } from '../../ledger/currency.ts';
import { MilestoneSchema } from '../../milestones/schema.ts';
import { RecipeSchema } from '../../presets/recipe.ts';
import { RuleSchema } from '../../rules/schema.ts';
import { ZoneSchema } from '../../rules/zones.ts';
import { ShopItemSchema } from '../../shop/schema.ts';
import { ApiError } from '../errors.ts';
import type { AppEnv } from '../types.ts';

const SCHEMAS: Record<string, z.ZodType> = {
  rule: RuleSchema,
  milestone: MilestoneSchema,
  zone: ZoneSchema,
  currency: CurrencySchema,
  'shop-item': ShopItemSchema,
  recipe: RecipeSchema,
};

const cache = new Map<string, unknown>();

export function jsonSchemaOf(name: string): unknown {
  if (!cache.has(name)) cache.set(name, z.toJSONSchema(SCHEMAS[name]!, { io: 'input', unrepresentable: 'any' }));
  return cache.get(name);
}

export function schemaRoutes() {
  return new Hono<AppEnv>()
    .get('/', (c) => c.json(Object.keys(SCHEMAS)))
    .get('/:name', (c) => {
      const name = c.req.param('name').replace(/\.json$/, '');
      // Own names only: `in` also finds what every object inherits (constructor, toString).
      if (!Object.hasOwn(SCHEMAS, name)) throw new ApiError('not_found', `no schema "${name}"; known: ${Object.keys(SCHEMAS).join(', ')}`);
      return c.json(jsonSchemaOf(name));
    });
}

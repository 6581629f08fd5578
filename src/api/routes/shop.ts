// /api/guilds/:guildId/shop — items (CRUD, with stock) and purchases on behalf of a member.
import { Hono } from 'hono';
import { z } from 'zod';
import { Snowflake } from '../../events/lake-event.ts';
import { ShopItemSchema } from '../../shop/schema.ts';
import { deleteShopItem, listShopItems, purchase, saveShopItem } from '../../shop/shop.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import { Deleted } from '../responses.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson } from '../validate.ts';
import { actorOf, guildOf, saved, withKey } from './helpers.ts';

export const ItemOut = ShopItemSchema.extend({ id: z.number() }).meta({ id: 'ShopItem' });
const PurchaseBody = z.object({ member: Snowflake }).strict();
const P = '/api/guilds/{guildId}/shop';
export const shopDocs: RouteDoc[] = [
  { method: 'get', path: P, summary: 'List shop items (disabled ones included)', tag: 'shop', response: z.array(ItemOut) },
  { method: 'get', path: `${P}/{key}`, summary: 'Read an item', tag: 'shop', response: ItemOut, statuses: [404] },
  { method: 'put', path: `${P}/{key}`, summary: 'Create or update an item (price, stock, limits, requirements, effects)', tag: 'shop', body: ShopItemSchema, response: ItemOut },
  { method: 'delete', path: `${P}/{key}`, summary: 'Delete an item', tag: 'shop', response: Deleted, statuses: [404] },
  { method: 'post', path: `${P}/{key}/purchase`, summary: 'Buy one unit for a member (atomic; never oversells)', tag: 'shop', body: PurchaseBody, response: z.object({ ok: z.literal(true) }).catchall(z.unknown()), statuses: [404, 409] },
];

export function shopRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => c.json(await listShopItems(c.get('services').database.db, guildOf(c), { includeDisabled: true })));
  app.get('/:key', async (c) => {
    const found = (await listShopItems(c.get('services').database.db, guildOf(c), { includeDisabled: true })).find((x) => x.key === c.req.param('key'));
    if (!found) throw new ApiError('not_found', `no shop item "${c.req.param('key')}"`);
    return c.json(found);
  });
  app.put('/:key', async (c) => {
    const { db } = c.get('services').database;
    const body = withKey(await readJson(c), c.req.param('key'));
    return c.json(saved(await db.transaction((tx) => saveShopItem(tx, guildOf(c), body, actorOf(c))), 'shop item'));
  });
  app.delete('/:key', async (c) => {
    const { db } = c.get('services').database;
    const guildId = guildOf(c);
    const key = c.req.param('key');
    const removed = await db.transaction((tx) => deleteShopItem(tx, guildId, key, actorOf(c)));
    if (!removed) throw new ApiError('not_found', `no shop item "${key}"`);
    return c.json({ deleted: key });
  });
  app.post('/:key/purchase', async (c) => {
    const { member } = parseWith(PurchaseBody, await readJson(c));
    const services = c.get('services');
    const result = await purchase(services.database.db, guildOf(c), member, c.req.param('key'), { engine: services.engine });
    if (!result.ok) throw new ApiError(result.code === 'unknown_item' ? 'not_found' : 'conflict', result.message, [{ path: 'member', message: result.message, code: result.code }]);
    return c.json(result);
  });
  return app;
}

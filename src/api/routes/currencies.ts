// /api/guilds/:guildId/currencies and /zones — the economy's configuration, and a level curve's
// thresholds for the panel's preview chart (computed by the ledger's own thresholdFor).
import { Hono } from 'hono';
import { z } from 'zod';
import { CurrencySchema, LevelCurveSchema, thresholdWalk } from '../../ledger/currency.ts';
import { deleteCurrency, deleteZone, loadCurrencies, loadZones, saveCurrency, saveZone } from '../../rules/repository.ts';
import { ZoneSchema } from '../../rules/zones.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { CurvePreviewOut, Deleted } from '../responses.ts';
import { parseWith, readJson } from '../validate.ts';
import { MAX_PREVIEW_LEVELS, wholeNumber } from '../../config/ranges.ts';
import { actorOf, guildOf, saved, withKey } from './helpers.ts';

const C = '/api/guilds/{guildId}/currencies';
const Z = '/api/guilds/{guildId}/zones';
const CurrencyOut = CurrencySchema.extend({ id: z.number() }).meta({ id: 'Currency' });
const CurvePreviewBody = z.object({ level_curve: LevelCurveSchema, levels: wholeNumber(1, MAX_PREVIEW_LEVELS).default(30) }).strict();
export const currencyDocs: RouteDoc[] = [
  { method: 'get', path: C, summary: 'List currencies (display order)', tag: 'economy', response: z.array(CurrencyOut) },
  { method: 'get', path: `${C}/{key}`, summary: 'Read a currency', tag: 'economy', response: CurrencyOut, statuses: [404] },
  { method: 'post', path: `${C}/curve-preview`, summary: 'Thresholds of a level curve for its first levels (the level curve preview chart); writes nothing', tag: 'economy', body: CurvePreviewBody, response: CurvePreviewOut },
  { method: 'put', path: `${C}/{key}`, summary: 'Create or update a currency (a changed level curve re-syncs levels and reward roles)', tag: 'economy', body: CurrencySchema, response: CurrencyOut },
  { method: 'delete', path: `${C}/{key}`, summary: 'Delete a currency nobody holds and no rule uses', tag: 'economy', response: Deleted, statuses: [404, 409] },
  { method: 'get', path: Z, summary: 'List zones', tag: 'economy', response: z.array(ZoneSchema) },
  { method: 'get', path: `${Z}/{key}`, summary: 'Read a zone', tag: 'economy', response: ZoneSchema, statuses: [404] },
  { method: 'put', path: `${Z}/{key}`, summary: 'Create or update a zone (channels, defaults per channel type, multipliers)', tag: 'economy', body: ZoneSchema, response: ZoneSchema },
  { method: 'delete', path: `${Z}/{key}`, summary: 'Delete a zone no rule uses', tag: 'economy', response: Deleted, statuses: [404, 409] },
];

export function currencyRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => c.json(await loadCurrencies(c.get('services').database.db, guildOf(c))));
  app.post('/curve-preview', async (c) => {
    const { level_curve: curve, levels } = parseWith(CurvePreviewBody, await readJson(c));
    const rows = [];
    const next = thresholdWalk(curve, curve.start_level);
    let prev = 0;
    for (let i = 0; i < levels; i++) {
      const t = next();
      rows.push({ level: curve.start_level + i, threshold: Number.isFinite(t) ? t : null, step: Number.isFinite(t) && Number.isFinite(prev) ? t - prev : null });
      prev = t;
    }
    return c.json({ levels: rows });
  });
  app.get('/:key', async (c) => {
    const found = (await loadCurrencies(c.get('services').database.db, guildOf(c))).find((x) => x.key === c.req.param('key'));
    if (!found) throw new ApiError('not_found', `no currency "${c.req.param('key')}"`);
    return c.json(found);
  });
  app.put('/:key', async (c) => {
    const { db } = c.get('services').database;
    const body = withKey(await readJson(c), c.req.param('key'));
    return c.json(saved(await db.transaction((tx) => saveCurrency(tx, guildOf(c), body, actorOf(c))), 'currency'));
  });
  app.delete('/:key', async (c) => {
    const key = c.req.param('key');
    const result = await c.get('services').database.db.transaction((tx) => deleteCurrency(tx, guildOf(c), key, actorOf(c)));
    if (!result.ok) throw result.code === 'in_use' ? new ApiError('conflict', result.message) : new ApiError('not_found', `no currency "${key}"`);
    return c.json({ deleted: key });
  });
  return app;
}

export function zoneRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => c.json(await loadZones(c.get('services').database.db, guildOf(c))));
  app.get('/:key', async (c) => {
    const found = (await loadZones(c.get('services').database.db, guildOf(c))).find((x) => x.key === c.req.param('key'));
    if (!found) throw new ApiError('not_found', `no zone "${c.req.param('key')}"`);
    return c.json(found);
  });
  app.put('/:key', async (c) => {
    const { db } = c.get('services').database;
    const body = withKey(await readJson(c), c.req.param('key'));
    return c.json(saved(await db.transaction((tx) => saveZone(tx, guildOf(c), body, actorOf(c))), 'zone'));
  });
  app.delete('/:key', async (c) => {
    const key = c.req.param('key');
    const result = await c.get('services').database.db.transaction((tx) => deleteZone(tx, guildOf(c), key, actorOf(c)));
    if (!result.ok) throw result.code === 'in_use' ? new ApiError('conflict', result.message) : new ApiError('not_found', `no zone "${key}"`);
    return c.json({ deleted: key });
  });
  return app;
}


// GET /api/guilds/:guildId/leaderboard?currency=&season=&limit=&offset=
import { Hono } from 'hono';
import { z } from 'zod';
import { leaderboard } from '../../ledger/leaderboard.ts';
import { ApiError } from '../errors.ts';
import { parseWith } from '../validate.ts';
import type { AppEnv } from '../types.ts';

const Query = z.object({
  currency: z.string().min(1, 'is required'),
  season: z.union([z.literal('current'), z.coerce.number().int().positive()]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  offset: z.coerce.number().int().min(0).default(0),
});

export function leaderboardRoutes() {
  return new Hono<AppEnv>().get('/', async (c) => {
    const query = parseWith(Query, { currency: c.req.query('currency') ?? '', ...Object.fromEntries(Object.entries(c.req.queries()).map(([k, v]) => [k, v[0]])) }, 'query');
    const result = await leaderboard(c.get('services').database.db, c.req.param('guildId')!, query);
    if (!result.ok) throw new ApiError(result.code === 'unknown_currency' ? 'validation_failed' : 'not_found', result.message, [{ path: result.code === 'unknown_currency' ? 'currency' : 'season', message: result.message }]);
    return c.json(result.board);
  });
}

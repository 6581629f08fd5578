// GET /api/guilds/:guildId/leaderboard?currency=&period=&season=&limit=&offset= — one page of a
// currency's ranking with names, avatars and levels, and the total ranked for paging.
import { Hono } from 'hono';
import { z } from 'zod';
import { leaderboard, MAX_PAGE } from '../../ledger/leaderboard.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith } from '../validate.ts';

export const CurrencyKey = z.string().min(1, 'is required').max(32).regex(/^([a-z][a-z0-9_]*)?$/, 'must be a currency key such as xp');
/** A season number: bounded so that no number reaches the database as an out-of-range integer. */
export const SeasonChoice = z.union([z.literal('current'), z.coerce.number().int().min(1).max(1_000_000)]);

export const LeaderboardQuery = z.object({
  currency: CurrencyKey,
  period: z.enum(['all', 'season', 'week']).optional().meta({ description: 'all (balance), season (the current one unless `season` names one), week (earned in the last 7 days); default: season when `season` is given, else all' }),
  season: SeasonChoice.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(10),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

const LevelProgressOut = z
  .object({
    level: z.number(),
    levelStartsAt: z.number(),
    nextLevelAt: z.number().nullable().meta({ description: 'null past the last level' }),
    progress: z.number().meta({ description: '0…1 from levelStartsAt to nextLevelAt' }),
  })
  .meta({ id: 'LevelProgress' });

export const LeaderboardEntryOut = z.object({
  rank: z.number(),
  userId: z.string(),
  value: z.number(),
  displayName: z.string().nullable().meta({ description: 'null when Cairn never saw the member on the gateway' }),
  avatarUrl: z.string().nullable().meta({ description: 'null: draw initials' }),
  left: z.boolean(),
  publicOptOut: z.boolean().meta({ description: 'hidden by name on the public page' }),
  level: LevelProgressOut.nullable().meta({ description: 'null when the currency has no level curve' }),
});

export const LeaderboardOut = z
  .object({
    currency: z.string(),
    currencyName: z.string(),
    symbol: z.string(),
    period: z.enum(['all', 'season', 'week']),
    season: z.object({ id: z.number(), number: z.number(), name: z.string(), current: z.boolean() }).nullable(),
    since: z.string().nullable().meta({ description: 'week: the start of the seven days ranked' }),
    measure: z.enum(['balance', 'season_balance', 'season_earned', 'week_earned']),
    total: z.number().meta({ description: 'members ranked, over every page' }),
    limit: z.number(),
    offset: z.number(),
    entries: z.array(LeaderboardEntryOut),
  })
  .meta({ id: 'Leaderboard' });

export const leaderboardDocs: RouteDoc[] = [
  { method: 'get', path: '/api/guilds/{guildId}/leaderboard', summary: 'Leaderboard of a currency (all time, a season, or the last 7 days), a page at a time with names and levels', tag: 'economy', query: LeaderboardQuery, response: LeaderboardOut, statuses: [404] },
];

export function leaderboardRoutes() {
  return new Hono<AppEnv>().get('/', async (c) => {
    const query = parseWith(LeaderboardQuery, { currency: '', ...Object.fromEntries(Object.entries(c.req.queries()).map(([k, v]) => [k, v[0]])) }, 'query');
    const services = c.get('services');
    const result = await leaderboard(services.database.db, c.req.param('guildId')!, { ...query, now: services.clock.now() });
    if (!result.ok) throw new ApiError(result.code === 'unknown_currency' ? 'validation_failed' : 'not_found', result.message, [{ path: result.code === 'unknown_currency' ? 'currency' : 'season', message: result.message }]);
    const board = result.board;
    return c.json({ ...board, since: board.since?.toISOString() ?? null } satisfies z.input<typeof LeaderboardOut>);
  });
}

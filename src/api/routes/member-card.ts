// GET /api/guilds/:guildId/members/:userId/card.png — a member's rank card for the panel, the same
// image /profile sends. Cached briefly by the browser (private: it shows a member's standing) and
// revalidated by ETag, which is computed before drawing, so an unchanged card is not drawn again.
import { Hono } from 'hono';
import { z } from 'zod';
import { sharedRankCards } from '../../cards/rank-cards.ts';
import { Snowflake } from '../../events/lake-event.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith } from '../validate.ts';
import { guildOf } from './helpers.ts';

const UserId = z.object({ userId: Snowflake });
/** Seconds a browser may show a card without asking again (balances move; a minute is fresh enough). */
const MAX_AGE_SECONDS = 60;

export const memberCardDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/guilds/{guildId}/members/{userId}/card.png',
    summary: "A member's rank card as a 934×282 PNG (avatar, name, level and progress, rank, balances, latest milestone); ETag and If-None-Match (304), Cache-Control private, max-age=60",
    tag: 'members',
    mediaType: 'image/png',
    statuses: [404, 503],
  },
];

export function memberCardRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/:userId/card.png', async (c) => {
    const { userId } = parseWith(UserId, { userId: c.req.param('userId') }, 'URL');
    const services = c.get('services');
    const cards = sharedRankCards(services.env.DISCORD_API_URL);
    const card = await cards.card(services.database.db, guildOf(c), userId, { requireKnown: true, ifNoneMatch: c.req.header('If-None-Match') ?? '' });
    const cacheHeaders = (etag: string) => ({ ETag: etag, 'Cache-Control': `private, max-age=${MAX_AGE_SECONDS}`, Vary: 'Authorization, Cookie' });
    switch (card.kind) {
      case 'rendered':
        return c.body(new Uint8Array(card.png), 200, { 'Content-Type': 'image/png', ...cacheHeaders(card.etag) });
      case 'not_modified':
        return c.body(null, 304, cacheHeaders(card.etag));
      case 'unknown_guild':
      case 'unknown_member':
        throw new ApiError('not_found', `member ${userId} has no activity in this guild`);
      case 'timeout':
        throw new ApiError('unavailable', 'the card took too long to draw; try again');
      case 'failed':
        // A bug or a broken native module: logged by the error handler with the request id.
        throw card.error;
    }
  });
  return app;
}

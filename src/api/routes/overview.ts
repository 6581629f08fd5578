// /api/guilds/:guildId/overview — the overview dashboard's aggregates (src/analytics/overview.ts).
import { Hono } from 'hono';
import { z } from 'zod';
import { OverviewAnswers } from '../../analytics/overview.ts';
import type { RouteDoc } from '../openapi.ts';
import { OverviewOut } from '../responses.ts';
import type { AppEnv } from '../types.ts';
import { parseWith } from '../validate.ts';
import { guildOf } from './helpers.ts';

const OverviewQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) });

export const overviewDocs: RouteDoc[] = [
  { method: 'get', path: '/api/guilds/{guildId}/overview', summary: 'Events per day by type, currency minted and spent per day, top earners (an answer is reused for the same question for up to 2 s)', tag: 'analytics', query: OverviewQuery, response: OverviewOut },
];

export function overviewRoutes() {
  const app = new Hono<AppEnv>();
  const answers = new OverviewAnswers();
  app.get('/', async (c) => {
    const { days } = parseWith(OverviewQuery, c.req.query(), 'query');
    const services = c.get('services');
    return c.json(await answers.get(services.database.db, guildOf(c), days, services.clock.now()));
  });
  return app;
}

// GET /api/guilds/:guildId/invites — the inviters' leaderboard (issue 18): members whose invites
// brought the most members still here, with how many left within a week.
import { Hono } from 'hono';
import { z } from 'zod';
import { topInviters } from '../../invites/inviters.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith } from '../validate.ts';
import { guildOf } from './helpers.ts';

const Query = z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) });
const InvitersOut = z.object({
  inviters: z.array(z.object({ inviter_id: z.string(), invited: z.number(), still_here: z.number(), left_within_a_week: z.number() })),
}).meta({ id: 'Inviters', description: 'Top inviters: members invited, still here, and gone within a week (invite tracking needs the Manage Server permission)' });

export const inviteDocs: RouteDoc[] = [
  { method: 'get', path: '/api/guilds/{guildId}/invites', summary: "The inviters' leaderboard: members invited, still here, left within a week", tag: 'members', query: Query, response: InvitersOut },
];

export function inviteRoutes() {
  return new Hono<AppEnv>().get('/', async (c) => {
    const { limit } = parseWith(Query, c.req.query(), 'query');
    return c.json({ inviters: await topInviters(c.get('services').database.db, guildOf(c), limit) });
  });
}

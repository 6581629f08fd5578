// PUT /api/guilds/:guildId/members/:userId/visibility — an admin sets whether a member is named on
// the guild's public leaderboard (the member's own /settings public-leaderboard does the same).
import { Hono } from 'hono';
import { z } from 'zod';
import { audit } from '../../audit/audit.ts';
import { Snowflake } from '../../events/lake-event.ts';
import type { PublicPages } from '../../public/leaderboard-route.ts';
import { isKnownMember, setPublicVisibility } from '../../public/visibility.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson } from '../validate.ts';
import { actorOf, guildOf } from './helpers.ts';

export const VisibilityBody = z.object({ public: z.boolean().meta({ description: 'false hides the member\'s name, avatar and id on the public leaderboard ("Hidden member")' }) }).strict();
export const VisibilityOut = z.object({ userId: z.string(), public: z.boolean() }).meta({ id: 'MemberVisibility' });

export const memberVisibilityDocs: RouteDoc[] = [
  { method: 'put', path: '/api/guilds/{guildId}/members/{userId}/visibility', summary: 'Show or hide a member by name on the public leaderboard (audit-logged)', tag: 'members', body: VisibilityBody, response: VisibilityOut, statuses: [404] },
];

export function memberVisibilityRoutes(pages?: PublicPages) {
  return new Hono<AppEnv>().put('/:userId/visibility', async (c) => {
    const { userId } = parseWith(z.object({ userId: Snowflake }), { userId: c.req.param('userId') }, 'URL');
    const body = parseWith(VisibilityBody, await readJson(c));
    const guildId = guildOf(c);
    const db = c.get('services').database.db;
    const change = await db.transaction(async (tx) => {
      if (!(await isKnownMember(tx, guildId, userId))) return null;
      const result = await setPublicVisibility(tx, guildId, userId, body.public);
      await audit(tx, { guildId, actor: actorOf(c), action: 'member.visibility', entityType: 'member', entityKey: userId, before: { public: result.before }, after: { public: result.after } });
      return result;
    });
    if (!change) throw new ApiError('not_found', `member ${userId} has no activity in this guild`);
    pages?.forget(guildId);
    return c.json({ userId, public: change.after });
  });
}

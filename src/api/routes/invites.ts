// /api/guilds/:guildId/invites — invite tracking (issue 18): the inviters' leaderboard (members whose
// invites brought the most members still here, with how many left within a week), how members
// joined (an invite, the vanity URL, or unknown), and one member's invites.
import { Hono } from 'hono';
import { z } from 'zod';
import { Snowflake } from '../../events/lake-event.ts';
import { invitesOf, recentJoins, topInviters } from '../../invites/inviters.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith } from '../validate.ts';
import { guildOf } from './helpers.ts';

const Query = z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) });
const InviterLine = z.object({ inviter_id: z.string(), invited: z.number(), still_here: z.number(), left_within_a_week: z.number() });
export const InvitersOut = z.object({
  inviters: z.array(InviterLine),
}).meta({ id: 'Inviters', description: 'Top inviters: members invited, still here, and gone within a week (invite tracking needs the Manage Server permission)' });

const JoinsQuery = z.object({
  inviter: Snowflake.optional().meta({ description: "only the members this member's invites brought" }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const Via = z.string().meta({ description: 'code: an invite (invite_code, inviter_id); vanity: the server\'s vanity URL; unknown: Cairn could not tell (no Manage Server permission, or an invite used up unseen)' });
const JoinLine = z.object({ user_id: z.string(), via: Via, invite_code: z.string().nullable(), inviter_id: z.string().nullable(), joined_at: z.string(), left_at: z.string().nullable() });
export const JoinsOut = z.object({ joins: z.array(JoinLine) }).meta({ id: 'InviteJoins', description: 'How members joined, newest first' });
export const MemberInvitesOut = InviterLine.extend({
  joined_via: z.object({ via: Via, invite_code: z.string().nullable(), inviter_id: z.string().nullable() }).nullable().meta({ description: 'how the member themself joined; null: no join recorded' }),
}).meta({ id: 'MemberInvites' });

const P = '/api/guilds/{guildId}/invites';
export const inviteDocs: RouteDoc[] = [
  { method: 'get', path: P, summary: "The inviters' leaderboard: members invited, still here, left within a week", tag: 'members', query: Query, response: InvitersOut },
  { method: 'get', path: `${P}/joins`, summary: 'How members joined (invite and inviter, vanity URL, or unknown), newest first; with inviter, the members one member invited', tag: 'members', query: JoinsQuery, response: JoinsOut },
  { method: 'get', path: `${P}/{userId}`, summary: "One member's invites (invited, still here, left within a week) and how they joined", tag: 'members', response: MemberInvitesOut },
];

export function inviteRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const { limit } = parseWith(Query, c.req.query(), 'query');
      return c.json({ inviters: await topInviters(c.get('services').database.db, guildOf(c), limit) });
    })
    .get('/joins', async (c) => {
      const { inviter, limit } = parseWith(JoinsQuery, c.req.query(), 'query');
      return c.json({ joins: await recentJoins(c.get('services').database.db, guildOf(c), { limit, ...(inviter ? { inviterId: inviter } : {}) }) });
    })
    .get('/:userId', async (c) => {
      const { userId } = parseWith(z.object({ userId: Snowflake }), { userId: c.req.param('userId') }, 'URL');
      return c.json(await invitesOf(c.get('services').database.db, guildOf(c), userId));
    });
}

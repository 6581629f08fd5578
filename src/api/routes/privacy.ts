// A member's data on request (issue 18): GET /api/guilds/:g/members/:id/export answers everything
// Cairn holds about the member in the guild; DELETE /api/guilds/:g/members/:id erases it (ledger
// rows kept under a pseudonymous id, so balances, guild totals and `cairn doctor` stay right).
import { Hono } from 'hono';
import { z } from 'zod';
import { Snowflake } from '../../events/lake-event.ts';
import { deleteMember, exportMember } from '../../privacy/privacy.ts';
import { holdsMember } from '../../privacy/member-data.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith } from '../validate.ts';
import { actorOf, guildOf } from './helpers.ts';

const UserId = z.object({ userId: Snowflake });
const P = '/api/guilds/{guildId}/members';
const Counts = z.record(z.string(), z.number());
const ExportOut = z.object({
  format: z.literal('cairn-member-export/1'),
  exported_at: z.string(),
  guild_id: z.string(),
  user_id: z.string(),
  profile: z.record(z.string(), z.unknown()).nullable(),
  balances: z.array(z.object({ currency: z.string(), name: z.string(), balance: z.string(), lifetime_earned: z.string(), level: z.number().nullable() })),
  transactions: z.array(z.object({ id: z.string(), at: z.string(), currency: z.string(), delta: z.string(), balance_after: z.string(), source: z.string(), reason: z.string().nullable(), rule: z.string().nullable() })),
  milestones: z.array(z.object({ milestone: z.string(), name: z.string(), earned_at: z.string() })),
  events: z.array(z.object({ id: z.string(), type: z.string(), occurred_at: z.string(), channel_id: z.string().nullable(), target_id: z.string().nullable(), data: z.unknown() })),
  tables: z.record(z.string(), z.array(z.unknown())),
}).meta({ id: 'MemberExport', description: "Everything Cairn holds about a member in a guild: profile, balances, transactions with reasons, milestones, the events' metadata, and every row naming them, table by table" });

export const privacyDocs: RouteDoc[] = [
  { method: 'get', path: `${P}/{userId}/export`, summary: "Export a member's data (JSON): everything Cairn holds about them in the guild", tag: 'members', response: ExportOut, statuses: [404] },
  { method: 'delete', path: `${P}/{userId}`, summary: 'Erase a member: their events, directory entry and profile are deleted; ledger rows stay under an irreversible pseudonymous id (audit-logged without the id)', tag: 'members', response: z.object({ erased: z.literal(true), deleted: Counts, pseudonymized: Counts }), statuses: [404] },
];

export function privacyRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/:userId/export', async (c) => {
    const { userId } = parseWith(UserId, { userId: c.req.param('userId') }, 'URL');
    const services = c.get('services');
    const document = await exportMember(services.database.db, guildOf(c), userId, services.clock.now());
    if (document.profile === null && document.events.length === 0 && document.balances.length === 0 && Object.keys(document.tables).length === 0) throw new ApiError('not_found', `Cairn holds nothing about member ${userId} in this guild`);
    return c.json(document);
  });

  app.delete('/:userId', async (c) => {
    const { userId } = parseWith(UserId, { userId: c.req.param('userId') }, 'URL');
    const services = c.get('services');
    const guildId = guildOf(c);
    if (!(await holdsMember(services.database.db, guildId, userId))) {
      throw new ApiError('not_found', `Cairn holds nothing about member ${userId} in this guild`);
    }
    const summary = await deleteMember(services.database.db, guildId, userId, actorOf(c));
    return c.json({ erased: true as const, ...summary });
  });

  return app;
}

// /api/tokens (operator only): guild-scoped API tokens for a guild's own admins. A token is shown
// once, when issued; only its hash is kept. Revoking one ends the panel sessions opened with it.
import { desc } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { apiTokens } from '../../db/schema.ts';
import { Snowflake } from '../../events/lake-event.ts';
import { issueApiToken, revokeApiToken } from '../auth/sessions.ts';
import { ApiError } from '../errors.ts';
import { requireOperator } from '../middleware/auth.ts';
import type { RouteDoc } from '../openapi.ts';
import { IssuedTokenOut, TokenOut } from '../responses.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson } from '../validate.ts';
import { actorOf } from './helpers.ts';

const IssueBody = z.object({ name: z.string().min(1).max(100), guildIds: z.array(Snowflake).min(1).max(100) }).strict();
/** Token ids are serial (int4) keys. */
const TokenId = z.object({ id: z.string().regex(/^[0-9]{1,10}$/, 'must be a token id (digits)').transform(Number).pipe(z.number().int().min(1).max(2_147_483_647, 'is not a token id')) });
const Revoked = z.object({ revoked: z.number(), sessionsEnded: z.number().meta({ description: 'panel sessions opened with the token, ended with it' }) });

export const tokenDocs: RouteDoc[] = [
  { method: 'get', path: '/api/tokens', summary: 'Guild-scoped API tokens (operator only; secrets are never shown again)', tag: 'access', response: z.array(TokenOut) },
  { method: 'post', path: '/api/tokens', summary: 'Issue a guild-scoped token (shown once)', tag: 'access', body: IssueBody, response: IssuedTokenOut },
  { method: 'delete', path: '/api/tokens/{id}', summary: 'Revoke a token, ending every panel session opened with it', tag: 'access', response: Revoked, statuses: [404] },
];

export function tokenRoutes() {
  const app = new Hono<AppEnv>();
  app.use('*', requireOperator);
  app.get('/', async (c) => {
    const rows = await c.get('services').database.db.select().from(apiTokens).orderBy(desc(apiTokens.id));
    return c.json(rows.map((r) => ({ id: r.id, name: r.name, guildIds: r.guildIds, createdBy: r.createdBy, createdAt: r.createdAt.toISOString(), lastUsedAt: r.lastUsedAt?.toISOString() ?? null })));
  });
  app.post('/', async (c) => {
    const body = parseWith(IssueBody, await readJson(c));
    return c.json(await issueApiToken(c.get('services').database.db, body.name, body.guildIds, actorOf(c)), 201);
  });
  app.delete('/:id', async (c) => {
    const { id } = parseWith(TokenId, { id: c.req.param('id') }, 'URL');
    const revoked = await revokeApiToken(c.get('services').database.db, id);
    if (!revoked) throw new ApiError('not_found', `no token ${id}`);
    return c.json({ revoked: id, sessionsEnded: revoked.sessionsEnded });
  });
  return app;
}

// /api/tokens (operator only): guild-scoped API tokens for a guild's own admins. A token is shown
// once, when issued; only its hash is kept.
import { desc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { apiTokens } from '../../db/schema.ts';
import { Snowflake } from '../../events/lake-event.ts';
import { issueApiToken } from '../auth/sessions.ts';
import { ApiError } from '../errors.ts';
import { requireOperator } from '../middleware/auth.ts';
import type { RouteDoc } from '../openapi.ts';
import { IssuedTokenOut, TokenOut } from '../responses.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson } from '../validate.ts';
import { actorOf } from './helpers.ts';

const IssueBody = z.object({ name: z.string().min(1).max(100), guildIds: z.array(Snowflake).min(1).max(100) }).strict();

export const tokenDocs: RouteDoc[] = [
  { method: 'get', path: '/api/tokens', summary: 'Guild-scoped API tokens (operator only; secrets are never shown again)', tag: 'access', response: z.array(TokenOut) },
  { method: 'post', path: '/api/tokens', summary: 'Issue a guild-scoped token (shown once)', tag: 'access', body: IssueBody, response: IssuedTokenOut },
  { method: 'delete', path: '/api/tokens/{id}', summary: 'Revoke a token', tag: 'access', response: z.object({ revoked: z.number() }), statuses: [404] },
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
    const id = Number(c.req.param('id'));
    if (!Number.isSafeInteger(id)) throw new ApiError('bad_request', 'the token id must be a number');
    const [removed] = await c.get('services').database.db.delete(apiTokens).where(eq(apiTokens.id, id)).returning();
    if (!removed) throw new ApiError('not_found', `no token ${id}`);
    return c.json({ revoked: id });
  });
  return app;
}

// POST /api/guilds/:guildId/import/balances — migrate a leaderboard export or a CSV of balances
// into a currency; "dryRun": true (the default) reports without writing.
import { Hono } from 'hono';
import { z } from 'zod';
import { importBalances, parseBalances } from '../../ledger/balance-import.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson } from '../validate.ts';
import { actorOf, guildOf } from './helpers.ts';

const Body = z
  .object({
    currency: z.string().min(1),
    format: z.enum(['csv', 'json']),
    content: z.string().min(1).max(5_000_000),
    dryRun: z.boolean().default(true),
    source: z.string().max(200).optional(),
  })
  .strict();

const Report = z
  .object({
    currency: z.string(), dryRun: z.boolean(), members: z.number(), changed: z.number(), unchanged: z.number(), net: z.number(),
    invalid: z.array(z.object({ line: z.number(), reason: z.string() })),
    changes: z.array(z.object({ userId: z.string(), before: z.number(), after: z.number(), level: z.number().nullable() })),
  })
  .meta({ id: 'BalanceImportReport' });

export const importDocs: RouteDoc[] = [
  { method: 'post', path: '/api/guilds/{guildId}/import/balances', summary: 'Set balances from a leaderboard export (CSV/JSON); a dry run by default', tag: 'economy', body: Body, response: Report },
];

export function importRoutes() {
  return new Hono<AppEnv>().post('/balances', async (c) => {
    const body = parseWith(Body, await readJson(c));
    const parsed = parseBalances(body.content, body.format);
    const result = await importBalances(c.get('services').database.db, guildOf(c), body.currency, parsed, { dryRun: body.dryRun, actor: actorOf(c), source: body.source ?? 'the panel' });
    if (!result.ok) throw new ApiError('validation_failed', result.message, [{ path: result.code === 'unknown_currency' ? 'currency' : 'content', message: result.message }]);
    return c.json(result.report);
  });
}

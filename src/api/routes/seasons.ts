// /api/guilds/:guildId/seasons — the guild's seasons, newest first, and rolling to the next.
import { desc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { audit } from '../../audit/audit.ts';
import { seasons } from '../../db/schema.ts';
import { currentSeason, rollSeason } from '../../ledger/seasons.ts';
import type { RouteDoc } from '../openapi.ts';
import { RollOut, SeasonOut } from '../responses.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readOptionalJson } from '../validate.ts';
import { actorOf, guildOf } from './helpers.ts';

const RollBody = z.object({ at: z.iso.datetime({ offset: true }).optional(), name: z.string().min(1).max(100).optional() }).strict();

const G = '/api/guilds/{guildId}';
export const seasonDocs: RouteDoc[] = [
  { method: 'get', path: `${G}/seasons`, summary: 'Seasons, newest first', tag: 'seasons', response: z.array(SeasonOut) },
  { method: 'post', path: `${G}/seasons/roll`, summary: 'Close the current season and open the next (idempotent per boundary)', tag: 'seasons', body: RollBody, response: RollOut },
];

export function seasonRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const { db } = c.get('services').database;
    await currentSeason(db, guildOf(c));
    const rows = await db.select().from(seasons).where(eq(seasons.guildId, guildOf(c))).orderBy(desc(seasons.number));
    return c.json(rows.map((s) => ({ id: s.id, number: s.number, name: s.name, startedAt: s.startedAt.toISOString(), endedAt: s.endedAt?.toISOString() ?? null, current: s.endedAt === null })));
  });
  app.post('/roll', async (c) => {
    const body = parseWith(RollBody, (await readOptionalJson(c)) ?? {});
    const services = c.get('services');
    const result = await rollSeason(services.database.db, guildOf(c), { boundary: body.at ? new Date(body.at) : services.clock.now(), ...(body.name ? { name: body.name } : {}) });
    if (result.status === 'rolled') await audit(services.database.db, { guildId: guildOf(c), actor: actorOf(c), action: 'season.roll', entityType: 'season', entityKey: String(result.opened.number), before: { season: result.closed.number }, after: { season: result.opened.number, name: result.opened.name } });
    return c.json(result);
  });
  return app;
}

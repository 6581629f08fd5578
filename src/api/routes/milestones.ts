// /api/guilds/:guildId/milestones — templates (CRUD), manual awards, retroactive recheck.
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { queryRows, type Db } from '../../db/client.ts';
import { awardMilestone, deleteMilestone, recheckMilestones, saveMilestone } from '../../milestones/repository.ts';
import { MilestoneSchema } from '../../milestones/schema.ts';
import { Snowflake } from '../../events/lake-event.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import { Deleted } from '../responses.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson, readOptionalJson } from '../validate.ts';
import { actorOf, guildOf, saved, withKey } from './helpers.ts';

const RecheckBody = z.object({ milestones: z.array(z.string().min(1)).max(500).optional() }).strict();
const AwardBody = z.object({ member: Snowflake }).strict();
const MilestoneOut = z.object({ id: z.number(), key: z.string(), enabled: z.boolean(), earnedBy: z.number(), document: MilestoneSchema }).meta({ id: 'Milestone' });

const P = '/api/guilds/{guildId}/milestones';
export const milestoneDocs: RouteDoc[] = [
  { method: 'get', path: P, summary: 'List milestone templates with how many members earned each', tag: 'milestones', response: z.array(MilestoneOut) },
  { method: 'get', path: `${P}/{key}`, summary: 'Read a milestone template', tag: 'milestones', response: MilestoneOut, statuses: [404] },
  { method: 'put', path: `${P}/{key}`, summary: 'Create or update a milestone template', tag: 'milestones', body: MilestoneSchema, response: MilestoneOut },
  { method: 'delete', path: `${P}/{key}`, summary: 'Delete a template (and its awards)', tag: 'milestones', response: Deleted, statuses: [404] },
  { method: 'post', path: `${P}/{key}/award`, summary: 'Award a milestone by hand (custom milestones)', tag: 'milestones', body: AwardBody, response: z.object({ ok: z.literal(true), awarded: z.boolean() }), statuses: [404] },
  { method: 'post', path: `${P}/recheck`, summary: 'Award templates to every member who already qualifies', tag: 'milestones', body: RecheckBody, response: z.record(z.string(), z.unknown()) },
];

export function milestoneRoutes() {
  const app = new Hono<AppEnv>();
  const list = async (guildId: string, db: Db, key?: string) => {
    const rows = await queryRows<{ id: number; key: string; enabled: boolean; document: Record<string, unknown>; earned: number }>(
      db,
      sql`SELECT m.id, m.key, m.enabled, m.document, (SELECT count(*)::int FROM member_milestones mm WHERE mm.milestone_id = m.id) AS earned
          FROM milestones m WHERE m.guild_id = ${guildId} ${key ? sql`AND m.key = ${key}` : sql``} ORDER BY (m.document->>'order')::int NULLS LAST, m.key`,
    );
    return rows.map((r) => ({ id: r.id, key: r.key, enabled: r.enabled, earnedBy: r.earned, document: r.document }));
  };
  app.get('/', async (c) => c.json(await list(guildOf(c), c.get('services').database.db)));
  app.post('/recheck', async (c) => {
    const body = parseWith(RecheckBody, (await readOptionalJson(c)) ?? {});
    return c.json(await recheckMilestones(c.get('services').database.db, guildOf(c), body.milestones ? { keys: body.milestones } : {}));
  });
  app.get('/:key', async (c) => {
    const [found] = await list(guildOf(c), c.get('services').database.db, c.req.param('key'));
    if (!found) throw new ApiError('not_found', `no milestone "${c.req.param('key')}"`);
    return c.json(found);
  });
  app.put('/:key', async (c) => {
    const { db } = c.get('services').database;
    const body = withKey(await readJson(c), c.req.param('key'));
    saved(await db.transaction((tx) => saveMilestone(tx, guildOf(c), body, actorOf(c))), 'milestone');
    return c.json((await list(guildOf(c), db, c.req.param('key')))[0]);
  });
  app.delete('/:key', async (c) => {
    const { db } = c.get('services').database;
    const removed = await db.transaction((tx) => deleteMilestone(tx, guildOf(c), c.req.param('key'), actorOf(c)));
    if (!removed) throw new ApiError('not_found', `no milestone "${c.req.param('key')}"`);
    return c.json({ deleted: c.req.param('key') });
  });
  app.post('/:key/award', async (c) => {
    const { member } = parseWith(AwardBody, await readJson(c));
    const result = await awardMilestone(c.get('services').database.db, guildOf(c), member, c.req.param('key'), actorOf(c));
    if (!result.ok) throw new ApiError('not_found', result.message);
    return c.json(result);
  });
  return app;
}


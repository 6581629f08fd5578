// POST /api/guilds/:guildId/milestones/recheck — award templates retroactively.
import { Hono } from 'hono';
import { z } from 'zod';
import { recheckMilestones } from '../../milestones/repository.ts';
import { parseWith, readOptionalJson } from '../validate.ts';
import type { AppEnv } from '../types.ts';

const RecheckBody = z.object({ milestones: z.array(z.string().min(1)).max(500).optional() }).strict();

export function milestoneRoutes() {
  return new Hono<AppEnv>().post('/recheck', async (c) => {
    const body = parseWith(RecheckBody, (await readOptionalJson(c)) ?? {});
    const result = await recheckMilestones(c.get('services').database.db, c.req.param('guildId')!, body.milestones ? { keys: body.milestones } : {});
    return c.json(result);
  });
}

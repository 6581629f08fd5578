// GET /api/guilds — the guilds the caller may manage.
import { Hono } from 'hono';
import { listGuilds } from '../../guilds/guilds.ts';
import type { AppEnv } from '../types.ts';

export function guildRoutes() {
  return new Hono<AppEnv>().get('/', async (c) => {
    const principal = c.get('principal');
    const { db } = c.get('services').database;
    const guilds = await listGuilds(db, principal.kind === 'admin' ? undefined : principal.guildIds);
    return c.json(guilds.map((g) => ({ id: g.id, name: g.name, isDemo: g.isDemo, timezone: g.timezone, configVersion: g.configVersion })));
  });
}

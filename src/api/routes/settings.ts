// /api/guilds/:guildId/{settings,data-sources} — the guild's settings (src/guilds/settings.ts holds
// their schema and write path) and which event types are captured and kept how long.
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { dataSources } from '../../analytics/data-sources.ts';
import { retentionDaysOf } from '../../analytics/retention.ts';
import { guilds } from '../../db/schema.ts';
import { changeSettings, GuildSettingsPatch, settingsView } from '../../guilds/settings.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import { DataSourcesOut, SettingsOut } from '../responses.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson } from '../validate.ts';
import { actorOf, guildOf } from './helpers.ts';

const DataSourcesQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) });

const G = '/api/guilds/{guildId}';
export const settingsDocs: RouteDoc[] = [
  { method: 'get', path: `${G}/settings`, summary: 'Guild settings', tag: 'settings', response: SettingsOut, statuses: [404] },
  { method: 'patch', path: `${G}/settings`, summary: 'Change guild settings (merged; null removes a setting)', tag: 'settings', body: GuildSettingsPatch, response: SettingsOut, statuses: [404, 422] },
  { method: 'get', path: `${G}/data-sources`, summary: 'Which event types are captured (settings.capture), how many arrived in the window, and the lake retention', tag: 'settings', query: DataSourcesQuery, response: DataSourcesOut },
];

const unknownGuild = () => new ApiError('not_found', 'this guild is unknown to Cairn');

export function settingsRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/settings', async (c) => {
    const services = c.get('services');
    const [g] = await services.database.db.select().from(guilds).where(eq(guilds.id, guildOf(c)));
    if (!g) throw unknownGuild();
    return c.json(settingsView(g, services.env.CAIRN_RETENTION_DAYS));
  });
  app.patch('/settings', async (c) => {
    const patch = parseWith(GuildSettingsPatch, await readJson(c));
    const services = c.get('services');
    const result = await changeSettings(services.database.db, guildOf(c), patch, actorOf(c));
    if (!result.ok) throw result.code === 'invalid' ? new ApiError('validation_failed', 'the request body is invalid', result.problems) : unknownGuild();
    return c.json(settingsView(result.guild, services.env.CAIRN_RETENTION_DAYS));
  });

  app.get('/data-sources', async (c) => {
    const { days } = parseWith(DataSourcesQuery, c.req.query(), 'query');
    const services = c.get('services');
    const db = services.database.db;
    const guildId = guildOf(c);
    const [g] = await db.select({ settings: guilds.settings }).from(guilds).where(eq(guilds.id, guildId));
    if (!g) throw unknownGuild();
    const sinceDay = new Date(services.clock.now().getTime() - days * 86_400_000).toISOString().slice(0, 10);
    return c.json({
      retentionDays: retentionDaysOf(g.settings, services.env.CAIRN_RETENTION_DAYS),
      days,
      types: await dataSources(db, guildId, g.settings, sinceDay),
    });
  });
  return app;
}

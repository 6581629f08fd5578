// /api/guilds/:guildId/modules — the guild's modules (rule counts, the commands they own, on or
// off) and switching one: a rule's or a command's `module` groups it; a module off runs none of its
// rules and registers none of its commands (src/guilds/module-switch.ts holds the domain).
import { Hono } from 'hono';
import { z } from 'zod';
import { commandModules } from '../../discord/commands/command-modules.ts';
import { COMMANDS } from '../../discord/commands/registry.ts';
import { listModules, setModuleEnabled } from '../../guilds/module-switch.ts';
import { ModuleName } from '../../guilds/modules.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson } from '../validate.ts';
import { actorOf, guildOf } from './helpers.ts';

export const ModuleOut = z
  .object({
    name: z.string(),
    enabled: z.boolean(),
    rules: z.number().int().meta({ description: 'rules in the module' }),
    enabledRules: z.number().int().meta({ description: 'of them, enabled (they run while the module is on)' }),
    commands: z.array(z.string()).meta({ description: 'slash commands the module owns (Cairn’s built-in commands are core and belong to none)' }),
  })
  .meta({ id: 'Module' });
export const ModuleSwitch = z.object({ enabled: z.boolean() }).strict().meta({ id: 'ModuleSwitch' });
const ModuleParam = z.object({ name: ModuleName });

const G = '/api/guilds/{guildId}';
export const moduleDocs: RouteDoc[] = [
  { method: 'get', path: `${G}/modules`, summary: 'The guild’s modules: rule counts, owned commands, on or off', tag: 'settings', response: z.array(ModuleOut), statuses: [404] },
  { method: 'put', path: `${G}/modules/{name}`, summary: 'Switch a module on or off (its rules and commands; audit-logged as guild.settings)', tag: 'settings', body: ModuleSwitch, response: ModuleOut, statuses: [404] },
];

export function moduleRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const modules = await listModules(c.get('services').database.db, guildOf(c), commandModules(COMMANDS));
    if (!modules) throw new ApiError('not_found', 'this guild is unknown to Cairn');
    return c.json(modules);
  });
  app.put('/:name', async (c) => {
    const { name } = parseWith(ModuleParam, { name: c.req.param('name') }, 'path');
    const { enabled } = parseWith(ModuleSwitch, await readJson(c));
    const result = await setModuleEnabled(c.get('services').database.db, guildOf(c), name, enabled, actorOf(c), commandModules(COMMANDS));
    if (!result.ok && result.code === 'invalid') throw new ApiError('validation_failed', 'the guild settings are invalid', result.problems);
    if (!result.ok) throw new ApiError('not_found', result.code === 'not_found' ? 'this guild is unknown to Cairn' : `no rule or command belongs to a module "${name}"`, [{ path: 'name', message: 'unknown module' }]);
    return c.json(result.module);
  });
  return app;
}

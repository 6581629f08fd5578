// /api/guilds/:guildId/commands — the guild's custom slash commands (list, read, PUT by name,
// delete), audit-logged. A name Cairn's own commands use is refused with 409 naming the clash.
import { Hono } from 'hono';
import { z } from 'zod';
import { deleteCommand, listCommands, saveCommand } from '../../custom-commands/repository.ts';
import { CustomCommandSchema } from '../../custom-commands/schema.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import { Deleted } from '../responses.ts';
import type { AppEnv } from '../types.ts';
import { readJson } from '../validate.ts';
import { actorOf, guildOf } from './helpers.ts';

export const CommandOut = CustomCommandSchema.and(z.object({ module_enabled: z.boolean().meta({ description: 'false: its module is switched off, so it is not registered' }) })).meta({ id: 'CustomCommand' });

const P = '/api/guilds/{guildId}/commands';
export const commandDocs: RouteDoc[] = [
  { method: 'get', path: P, summary: 'List the guild’s custom slash commands', tag: 'commands', response: z.array(CommandOut) },
  { method: 'get', path: `${P}/{name}`, summary: 'Read a custom command', tag: 'commands', response: CommandOut, statuses: [404] },
  { method: 'put', path: `${P}/{name}`, summary: 'Create or update a custom command (409 when the name is a built-in command’s)', tag: 'commands', body: CustomCommandSchema, response: CommandOut, statuses: [409] },
  { method: 'delete', path: `${P}/{name}`, summary: 'Delete a custom command (Discord drops it at once)', tag: 'commands', response: Deleted, statuses: [404] },
];

/** Commands are named by the URL: the body's name, if given, must agree. */
function withName(body: unknown, name: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError('validation_failed', 'the body must be a JSON object', [{ path: '(root)', message: 'must be an object' }]);
  const doc = body as Record<string, unknown>;
  if (doc.name !== undefined && doc.name !== name) throw new ApiError('validation_failed', 'the name in the body differs from the URL', [{ path: 'name', message: `must be "${name}" (as in the URL)` }]);
  return { ...doc, name };
}

export function commandRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => c.json(await listCommands(c.get('services').database.db, guildOf(c))));
  app.get('/:name', async (c) => {
    const found = (await listCommands(c.get('services').database.db, guildOf(c))).find((x) => x.name === c.req.param('name'));
    if (!found) throw new ApiError('not_found', `no custom command "/${c.req.param('name')}"`);
    return c.json(found);
  });
  app.put('/:name', async (c) => {
    const { db } = c.get('services').database;
    const guildId = guildOf(c);
    const body = withName(await readJson(c), c.req.param('name'));
    const result = await db.transaction((tx) => saveCommand(tx, guildId, body, actorOf(c)));
    if (!result.ok) {
      if (result.conflict) throw new ApiError('conflict', result.problems[0]!.message, result.problems);
      throw new ApiError('validation_failed', 'the command is invalid', result.problems);
    }
    const found = (await listCommands(db, guildId)).find((x) => x.name === result.value.command.name);
    return c.json(found ?? { ...result.value.command, module_enabled: true });
  });
  app.delete('/:name', async (c) => {
    const { db } = c.get('services').database;
    const name = c.req.param('name');
    const removed = await db.transaction((tx) => deleteCommand(tx, guildOf(c), name, actorOf(c)));
    if (!removed) throw new ApiError('not_found', `no custom command "/${name}"`);
    return c.json({ deleted: name });
  });
  return app;
}

// Registers the slash commands in each guild (PUT /applications/:app/guilds/:guild/commands):
// guild commands appear at once, and the set is replaced whole, so removed commands disappear.
import type { Client } from 'discord.js';
import type { Logger } from '../../log/logger.ts';
import type { SlashCommand } from './command.ts';

export async function registerCommands(client: Client, guildIds: readonly string[], commands: readonly SlashCommand[], logger: Logger): Promise<void> {
  const application = client.application;
  if (!application) throw new Error('the client has no application yet (register after ClientReady)');
  const body = commands.map((c) => c.data);
  for (const guildId of guildIds) {
    try {
      await application.commands.set(body, guildId);
      logger.debug({ guildId, commands: body.length }, 'slash commands registered');
    } catch (error) {
      // Usually the bot was invited without the applications.commands scope.
      logger.warn({ err: error, guildId }, 'could not register slash commands in a guild');
    }
  }
}

// ClientReady → slash commands registered in every guild the bot is in.
import { Events } from 'discord.js';
import { registerCommands } from '../commands/register.ts';
import { clientListener } from '../listener.ts';

export const ready = clientListener({
  name: 'ready',
  event: Events.ClientReady,
  async run(context, client) {
    context.logger.info({ user: client.user.tag, guilds: client.guilds.cache.size }, 'connected to Discord');
    await registerCommands(client, [...client.guilds.cache.keys()], context.commands, context.logger);
  },
});

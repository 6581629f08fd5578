// ClientReady → slash commands (Cairn's and each guild's custom ones) registered in every guild the bot is in.
import { Events } from 'discord.js';
import { clientListener } from '../listener.ts';

export const ready = clientListener({
  name: 'ready',
  event: Events.ClientReady,
  async run(context, client) {
    context.logger.info({ user: client.user.tag, guilds: client.guilds.cache.size }, 'connected to Discord');
    await context.guildCommands.register([...client.guilds.cache.keys()]);
  },
});

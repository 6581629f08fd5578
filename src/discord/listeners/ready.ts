// ClientReady → slash commands registered in every guild the bot is in.
import { Events } from 'discord.js';
import { clientListener } from '../listener.ts';

export const ready = clientListener({
  name: 'ready',
  event: Events.ClientReady,
  async run(context, client) {
    context.logger.info({ user: client.user.tag, guilds: client.guilds.cache.size }, 'connected to Discord');
    await context.registrar.register([...client.guilds.cache.keys()]);
  },
});

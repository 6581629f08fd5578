// GuildCreate after ready (the bot was added to a guild) → slash commands registered there.
import { Events } from 'discord.js';
import { clientListener } from '../listener.ts';

export const guildJoined = clientListener({
  name: 'guild-joined',
  event: Events.GuildCreate,
  async run(context, guild) {
    context.logger.info({ guildId: guild.id }, 'added to a guild');
    await context.registrar.register([guild.id]);
  },
});

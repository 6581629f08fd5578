// GUILD_UPDATE → the guild's name and icon (the panel and the public leaderboard show them).
import type { DispatchListener } from '../listener.ts';
import { reportMalformed } from '../listener.ts';
import { parseGuild } from '../normalize/guild.ts';

export const guildUpdate: DispatchListener = {
  name: 'guild-update',
  dispatch: 'GUILD_UPDATE',
  async run(context, data) {
    const parsed = parseGuild(data);
    if (!parsed.ok) return reportMalformed(context, 'GUILD_UPDATE', parsed.problems);
    await context.directory.saveGuild(parsed.record);
  },
};

// GUILD_CREATE → the guild's channels and roles in the directory, replacing what was stored: what
// the guild no longer lists was deleted while the bot was away. Malformed entries are reported and
// skipped (and not taken for deleted).
import type { DispatchListener } from '../listener.ts';
import { field, reportMalformed } from '../listener.ts';
import { parseChannelList } from '../normalize/channel.ts';
import { parseRoleList } from '../normalize/role.ts';
import { Snowflake } from '../normalize/gateway-schemas.ts';

export const guildDirectory: DispatchListener = {
  name: 'guild-directory',
  dispatch: 'GUILD_CREATE',
  run(context, data) {
    const guildId = Snowflake.safeParse(field(data, 'id'));
    if (!guildId.success) return; // guild-create reports it
    const at = context.clock.now();
    const channels = parseChannelList(guildId.data, data);
    const roles = parseRoleList(guildId.data, data);
    const problems = [...(channels?.problems ?? []), ...(roles?.problems ?? [])];
    if (problems.length > 0) reportMalformed(context, 'GUILD_CREATE', problems.slice(0, 10));
    if (channels) context.directory.replaceChannels(guildId.data, channels.records, channels.presentIds, at);
    if (roles) context.directory.replaceRoles(guildId.data, roles.records, roles.presentIds, at);
  },
};

// GUILD_MEMBERS_CHUNK (the answer to a member request for large guilds) → members table.
import type { DispatchListener } from '../listener.ts';
import { field, reportMalformed } from '../listener.ts';
import { parseMemberList } from '../normalize/member.ts';

export const membersChunk: DispatchListener = {
  name: 'members-chunk',
  dispatch: 'GUILD_MEMBERS_CHUNK',
  run(context, data) {
    const guildId = field(data, 'guild_id');
    if (!guildId) return reportMalformed(context, 'GUILD_MEMBERS_CHUNK', ['guild_id: is required']);
    const { records, problems } = parseMemberList(guildId, data);
    if (problems.length > 0) reportMalformed(context, 'GUILD_MEMBERS_CHUNK', problems);
    context.members.upsert(records);
  },
};

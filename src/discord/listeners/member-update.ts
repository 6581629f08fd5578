// GUILD_MEMBER_UPDATE → members table (roles, nickname), so role filters see changes.
import type { DispatchListener } from '../listener.ts';
import { reportMalformed } from '../listener.ts';
import { parseGuildMember } from '../normalize/member.ts';

export const memberUpdate: DispatchListener = {
  name: 'member-update',
  dispatch: 'GUILD_MEMBER_UPDATE',
  run(context, data) {
    const parsed = parseGuildMember(data);
    if (!parsed.ok) return reportMalformed(context, 'GUILD_MEMBER_UPDATE', parsed.problems);
    context.members.upsert([parsed.record]);
  },
};

// GUILD_MEMBER_ADD → members table and member_join. Read from the raw dispatch: a join replayed
// during a resume may never reach discord.js's guildMemberAdd.
import type { DispatchListener } from '../listener.ts';
import { emitNormalized, reportMalformed } from '../listener.ts';
import { normalizeMemberJoin, parseGuildMember } from '../normalize/member.ts';

export const memberAdd: DispatchListener = {
  name: 'member-add',
  dispatch: 'GUILD_MEMBER_ADD',
  async run(context, data) {
    const parsed = parseGuildMember(data);
    if (!parsed.ok) return reportMalformed(context, 'GUILD_MEMBER_ADD', parsed.problems);
    context.members.upsert([parsed.record]);
    const { guildId, userId, joinedAt, isBot } = parsed.record;
    // Which invite it was (discord/invites.ts): the inviter is the event's target, so a rule can reward them.
    const source = context.invites && joinedAt && !isBot ? await context.invites.joined(guildId, userId, joinedAt) : undefined;
    emitNormalized(context, 'GUILD_MEMBER_ADD', normalizeMemberJoin(data, source));
  },
};

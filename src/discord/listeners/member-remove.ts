// GUILD_MEMBER_REMOVE → left_at in the members table and member_leave, keyed by the membership's
// join time (from the cache, read before discord.js forgets the member, or the members table).
import type { DispatchListener } from '../listener.ts';
import { emitNormalized, reportMalformed } from '../listener.ts';
import { normalizeMemberLeave, parseMemberRemove } from '../normalize/member.ts';

export const memberRemove: DispatchListener = {
  name: 'member-remove',
  dispatch: 'GUILD_MEMBER_REMOVE',
  async run(context, data) {
    const parsed = parseMemberRemove(data);
    if (!parsed.ok) return reportMalformed(context, 'GUILD_MEMBER_REMOVE', parsed.problems);
    const now = context.clock.now();
    const cached = context.client.guilds.cache.get(parsed.guildId)?.members.cache.get(parsed.userId)?.joinedAt;
    const joinedAt = cached ? cached.toISOString() : await context.members.joinedAt(parsed.guildId, parsed.userId);
    context.members.leave(parsed.guildId, parsed.userId, now);
    const invited = context.invites && !parsed.isBot ? await context.invites.leaving(parsed.guildId, parsed.userId, now) : undefined;
    emitNormalized(context, 'GUILD_MEMBER_REMOVE', normalizeMemberLeave(data, { occurredAt: now.toISOString(), joinedAt, inviterId: invited?.inviterId ?? null }));
  },
};

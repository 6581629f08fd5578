// A message's author as a member record (MESSAGE_CREATE carries the author and their guild member),
// so names and avatars that changed since Cairn last heard of the member are refreshed.
import { z } from 'zod';
import { GatewayMember, GatewayUser, Snowflake } from './gateway-schemas.ts';
import { memberRecord, type MemberRecord } from './member.ts';

const MessageAuthor = z.object({
  guild_id: Snowflake.optional(),
  webhook_id: Snowflake.optional(),
  author: GatewayUser,
  member: GatewayMember.omit({ user: true }).optional(),
});

/**
 * The author's member record, or null when the message cannot tell: a DM, a webhook (its "author"
 * is not a member), or a member object without `nick` (Discord always sends it, null when unset;
 * without it the shown name is unknown). A malformed message is reported by message-create.
 */
export function messageAuthorRecord(data: unknown): MemberRecord | null {
  const parsed = MessageAuthor.safeParse(data);
  if (!parsed.success) return null;
  const { guild_id: guildId, webhook_id: webhookId, author, member } = parsed.data;
  if (!guildId || webhookId || !member || member.nick === undefined) return null;
  return memberRecord(guildId, { ...member, user: author });
}

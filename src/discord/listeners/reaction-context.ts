// What the cache knows about a reacted message (read before discord.js applies the reaction):
// its author, whether that author is a bot, and the reactions it had.
import type { Client } from 'discord.js';
import { field } from '../listener.ts';
import type { ReactionContext } from '../normalize/reaction.ts';

export function reactionContext(client: Client, data: unknown, occurredAt: string): ReactionContext {
  const channel = client.channels.cache.get(field(data, 'channel_id') ?? '');
  const message = channel?.isTextBased() ? channel.messages.cache.get(field(data, 'message_id') ?? '') : undefined;
  const authorId = field(data, 'message_author_id') ?? message?.author?.id ?? null;
  const reactorId = field(data, 'user_id');
  const isBot = (id: string | null | undefined) => Boolean(id && (id === client.user?.id || client.users.cache.get(id)?.bot));
  return {
    occurredAt,
    reactionTotalBefore: message ? message.reactions.cache.reduce((sum, r) => sum + (r.count ?? 0), 0) : null,
    messageAuthorId: authorId,
    authorIsBot: isBot(authorId) || Boolean(message?.author?.bot),
    reactorIsBot: isBot(reactorId),
  };
}

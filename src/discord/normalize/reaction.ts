// MESSAGE_REACTION_ADD / _REMOVE → reaction_add / reaction_remove. The target is the message's
// author when known (never a bot). One source id per member, message and emoji: adding the same
// reaction again after removing it is the same occurrence, so it is not rewarded twice.
import { z } from 'zod';
import { GatewayMember, Snowflake } from './gateway-schemas.ts';
import { accept, parsePayload, skip, type Normalized } from './result.ts';
import { snowflakeTime } from './snowflake.ts';

const ReactionPayload = z.object({
  user_id: Snowflake,
  channel_id: Snowflake,
  message_id: Snowflake,
  guild_id: Snowflake.optional(),
  emoji: z.object({ id: Snowflake.nullable().optional(), name: z.string().nullable().optional(), animated: z.boolean().optional() }),
  member: GatewayMember.optional(),
  message_author_id: Snowflake.optional(),
});

export interface ReactionContext {
  /** When the gateway delivered it (reaction payloads carry no time). */
  occurredAt: string;
  /** Sum of the reaction counts on the message before this change, when the message is cached. */
  reactionTotalBefore?: number | null;
  /** The message's author from the cache, when the payload does not name it. */
  messageAuthorId?: string | null;
  authorIsBot?: boolean;
  /** Removals carry no member: whether the reactor is a bot, from the cache. */
  reactorIsBot?: boolean;
}

type Emoji = z.output<typeof ReactionPayload>['emoji'];

/** A source-id-safe key: a custom emoji's id, or a unicode emoji's code points (u1f44d-1f3fd). */
export function emojiKey(emoji: Emoji): string {
  if (emoji.id) return emoji.id;
  return 'u' + [...(emoji.name ?? '')].map((c) => c.codePointAt(0)!.toString(16)).join('-');
}

/** How the emoji is shown: the character, or <:name:id> for a custom one. */
export function emojiDisplay(emoji: Emoji): string {
  if (!emoji.id) return emoji.name || '?';
  return `<${emoji.animated ? 'a' : ''}:${emoji.name ?? 'emoji'}:${emoji.id}>`;
}

export function normalizeReaction(kind: 'add' | 'remove', data: unknown, context: ReactionContext): Normalized {
  const parsed = parsePayload(ReactionPayload, data);
  if (!parsed.ok) return parsed;
  const r = parsed.value;
  if (!r.guild_id) return skip('direct message reaction');
  if (r.member?.user.bot || context.reactorIsBot) return skip('bot reactor');
  if (!r.emoji.id && !r.emoji.name) return { ok: false, problems: ['emoji: has neither an id nor a name'] };
  const author = r.message_author_id ?? context.messageAuthorId ?? null;
  const before = context.reactionTotalBefore ?? null;
  const total = kind === 'add' ? Math.max(1, (before ?? 0) + 1) : Math.max(0, (before ?? 1) - 1);
  const age = (Date.parse(context.occurredAt) - snowflakeTime(r.message_id)) / 1000;
  return accept({
    source_id: `${kind === 'add' ? 'react' : 'unreact'}:${r.message_id}:${r.user_id}:${emojiKey(r.emoji)}`,
    type: kind === 'add' ? 'reaction_add' : 'reaction_remove',
    guild_id: r.guild_id,
    actor_id: r.user_id,
    target_id: author && !context.authorIsBot ? author : null,
    channel_id: r.channel_id,
    occurred_at: new Date(context.occurredAt).toISOString(),
    data: {
      emoji: emojiDisplay(r.emoji).slice(0, 100),
      message_id: r.message_id,
      unique_reactor_count: total,
      message_age_seconds: Math.max(0, Math.floor(age)),
    },
  });
}

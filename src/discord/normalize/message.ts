// MESSAGE_CREATE → message_create: metadata only (the text is measured, then dropped). Bots,
// webhooks, system messages and DMs are skipped. A message in a thread counts in the thread's
// parent channel (zones and channel rules apply), with the thread in data.thread_id.
import { z } from 'zod';
import { countEmoji } from './emoji.ts';
import { GatewayUser, isoTime, Snowflake } from './gateway-schemas.ts';
import { accept, parsePayload, skip, type Normalized } from './result.ts';
import { snowflakeIso } from './snowflake.ts';

const MessageCreate = z.object({
  id: Snowflake,
  channel_id: Snowflake,
  guild_id: Snowflake.optional(),
  type: z.number().int(),
  author: GatewayUser,
  webhook_id: Snowflake.optional(),
  content: z.string().default(''),
  timestamp: z.string().optional(),
  attachments: z.array(z.unknown()).default([]),
  message_reference: z.object({ type: z.number().int().optional(), message_id: Snowflake.optional() }).optional(),
  referenced_message: z.object({ author: GatewayUser }).nullable().optional(),
});

/** Member messages: default and reply. Everything else (joins, pins, boosts…) is a system message. */
const MEMBER_MESSAGE_TYPES = new Set([0, 19]);
const LINK = /https?:\/\//i;

export interface MessageContext {
  /** When the message's channel is a thread: its parent channel. */
  threadParentId?: string | null;
}

export function normalizeMessage(data: unknown, context: MessageContext = {}): Normalized {
  const parsed = parsePayload(MessageCreate, data);
  if (!parsed.ok) return parsed;
  const m = parsed.value;
  if (!m.guild_id) return skip('direct message');
  if (m.author.bot || m.webhook_id) return skip('bot or webhook author');
  if (!MEMBER_MESSAGE_TYPES.has(m.type)) return skip(`system message (type ${m.type})`);
  const content = m.content;
  const isReply = m.type === 19 || (m.message_reference?.message_id !== undefined && (m.message_reference.type ?? 0) === 0);
  const repliedTo = m.referenced_message?.author;
  const inThread = Boolean(context.threadParentId);
  return accept({
    source_id: m.id,
    type: 'message_create',
    guild_id: m.guild_id,
    actor_id: m.author.id,
    target_id: isReply && repliedTo && !repliedTo.bot ? repliedTo.id : null,
    channel_id: inThread ? context.threadParentId! : m.channel_id,
    occurred_at: isoTime(m.timestamp) ?? snowflakeIso(m.id),
    data: {
      length: [...content].length,
      has_code_block: content.includes('```'),
      has_link: LINK.test(content),
      has_attachment: m.attachments.length > 0,
      attachment_count: m.attachments.length,
      emoji_count: countEmoji(content),
      is_reply: isReply,
      ...(inThread ? { thread_id: m.channel_id } : {}),
    },
  });
}

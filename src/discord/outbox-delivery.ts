// Sends one outbox row through Discord's REST API, and tells a failure worth retrying (server
// errors, timeouts, network) from a permanent one (missing permissions, unknown member or channel,
// closed DMs), with a reason an admin can read.
import { DiscordAPIError, HTTPError, Routes, type REST } from 'discord.js';
import { z } from 'zod';
import { Snowflake } from '../events/lake-event.ts';

export interface OutboxRow {
  id: number;
  guildId: string;
  kind: string;
  payload: Record<string, unknown>;
  /** Attempts so far, this one included. */
  attempts: number;
}

const Embed = z.record(z.string(), z.unknown());
const RolePayload = z.object({ user_id: Snowflake, role_id: Snowflake, reason: z.string().optional() });
const MessagePayload = z.object({ channel_id: Snowflake, content: z.string().default(''), embed: Embed.optional() });
const DmPayload = z.object({ user_id: Snowflake, content: z.string().default(''), embed: Embed.optional() });

/** A row that can never be sent as it is (bad payload, unknown kind). */
export class UndeliverableError extends Error {
  override readonly name = 'UndeliverableError';
}

function parse<T extends z.ZodType>(schema: T, row: OutboxRow): z.output<T> {
  const parsed = schema.safeParse(row.payload);
  if (!parsed.success) {
    throw new UndeliverableError(`payload of a ${row.kind} row is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

function messageBody(row: OutboxRow, content: string, embed: Record<string, unknown> | undefined) {
  if (!content.trim() && !embed) throw new UndeliverableError('the message has neither text nor an embed');
  return {
    content: content.slice(0, 2000),
    ...(embed ? { embeds: [embed] } : {}),
    allowed_mentions: { parse: ['users'] },
    // Discord drops a second message with the same nonce: a retry after a lost response posts once.
    nonce: `cairn-${row.id}`.slice(0, 25),
    enforce_nonce: true,
  };
}

export async function deliver(rest: REST, row: OutboxRow): Promise<void> {
  switch (row.kind) {
    case 'role_add':
    case 'role_remove': {
      const p = parse(RolePayload, row);
      const route = Routes.guildMemberRole(row.guildId, p.user_id, p.role_id);
      const options = p.reason ? { reason: p.reason.slice(0, 512) } : {};
      await (row.kind === 'role_add' ? rest.put(route, options) : rest.delete(route, options));
      return;
    }
    case 'message': {
      const p = parse(MessagePayload, row);
      await rest.post(Routes.channelMessages(p.channel_id), { body: messageBody(row, p.content, p.embed) });
      return;
    }
    case 'dm': {
      const p = parse(DmPayload, row);
      const body = messageBody(row, p.content, p.embed);
      const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: p.user_id } })) as { id: string };
      await rest.post(Routes.channelMessages(channel.id), { body });
      return;
    }
    default:
      throw new UndeliverableError(`unknown outbox kind "${row.kind}"`);
  }
}

const HINTS: Record<number, string> = {
  10003: 'the channel no longer exists',
  10004: 'the bot is no longer in this server',
  10007: 'the member is no longer in the server',
  10011: 'the role no longer exists',
  10013: 'the user does not exist',
  50001: 'the bot cannot see this channel',
  50006: 'the message was empty',
  50007: 'the member does not accept direct messages from the bot',
  50013: "the bot lacks permissions (for roles: its own role must be above the role it gives, with Manage Roles)",
  50035: 'Discord refused the content (too long or malformed)',
};

export interface FailureVerdict {
  permanent: boolean;
  reason: string;
}

/** Whether a failed send is worth retrying, and why it failed, for humans. */
export function classifyFailure(error: unknown): FailureVerdict {
  if (error instanceof UndeliverableError) return { permanent: true, reason: error.message };
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === 'number' ? error.code : Number(error.code);
    const hint = HINTS[code];
    const reason = `Discord ${error.status} ${error.message}${code ? ` (code ${code})` : ''}${hint ? `: ${hint}` : ''}`;
    // 401 means a bad token (fixed by the operator, then the row can go); 429 is normally retried by
    // discord.js itself; 408 is a timeout. Other client errors will fail the same way every time.
    const retry = error.status === 401 || error.status === 408 || error.status === 429 || error.status >= 500;
    return { permanent: !retry, reason };
  }
  if (error instanceof HTTPError) return { permanent: false, reason: `Discord ${error.status} ${error.message}` };
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { permanent: false, reason: `network error: ${message}` };
}

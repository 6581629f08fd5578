// The parts of Discord's gateway payloads that Cairn reads, as zod schemas (ids stay strings).
import { z } from 'zod';
import { Snowflake } from '../../events/lake-event.ts';

export { Snowflake };

export const GatewayUser = z.object({
  id: Snowflake,
  username: z.string().optional(),
  global_name: z.string().nullable().optional(),
  /** An avatar hash; anything unusable counts as none (an avatar is never worth refusing an event). */
  avatar: z.string().nullable().optional().catch(null),
  bot: z.boolean().optional(),
});

export const GatewayMember = z.object({
  user: GatewayUser,
  nick: z.string().nullable().optional(),
  /** The member's avatar for this guild only. */
  avatar: z.string().nullable().optional().catch(null),
  roles: z.array(Snowflake).default([]),
  joined_at: z.string().nullable().optional(),
  deaf: z.boolean().optional(),
  mute: z.boolean().optional(),
});

export type GatewayMember = z.output<typeof GatewayMember>;

/** An ISO timestamp Discord sent, normalised to UTC milliseconds, or undefined if unusable. */
export function isoTime(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

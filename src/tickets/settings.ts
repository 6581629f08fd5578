// A guild's support-desk settings (settings.tickets): where tickets open, who answers them, how
// many a member may have open, how long a closed one can be reopened, and whether transcripts
// (the one exception to "no message content") are kept, and for how long.
import { z } from 'zod';
import { Snowflake } from '../events/lake-event.ts';

export const TicketCategory = z
  .object({
    key: z.string().min(1).max(48).regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'),
    label: z.string().min(1).max(80),
    description: z.string().max(100).default(''),
    emoji: z.string().max(64).optional(),
    /** Staff roles for this category only (defaults to the desk's). */
    staff_role_ids: z.array(Snowflake).max(25).optional(),
  })
  .strict();
export type TicketCategory = z.output<typeof TicketCategory>;

export const TicketSettings = z
  .object({
    /** A private thread under `parent_channel_id`, or a private channel in `category_channel_id`. */
    mode: z.enum(['thread', 'channel']).default('thread'),
    parent_channel_id: Snowflake.nullable().default(null).meta({ description: 'the text channel private ticket threads are created in (thread mode)' }),
    category_channel_id: Snowflake.nullable().default(null).meta({ description: 'the Discord category ticket channels are created in (channel mode)' }),
    staff_role_ids: z.array(Snowflake).max(25).default([]).meta({ description: 'roles that see and answer tickets (the guild\'s staff roles when empty)' }),
    categories: z
      .array(TicketCategory)
      .max(25)
      .default([])
      .refine((c) => new Set(c.map((x) => x.key)).size === c.length, 'category keys must be unique'),
    max_open_per_member: z.number().int().min(1).max(10).default(1).meta({ description: 'open tickets a member may have per category' }),
    reopen_window_hours: z.number().int().min(0).max(720).default(48),
    log_channel_id: Snowflake.nullable().default(null).meta({ description: 'where closed tickets are announced (with the transcript when attached)' }),
    transcripts: z
      .object({
        enabled: z.boolean().default(false),
        retention_days: z.number().int().min(1).max(3650).default(90),
        attach_on_close: z.boolean().default(false),
      })
      .strict()
      .default({ enabled: false, retention_days: 90, attach_on_close: false }),
    ai: z
      .object({ summary_on_close: z.boolean().default(true), suggested_replies: z.boolean().default(true) })
      .strict()
      .default({ summary_on_close: true, suggested_replies: true }),
  })
  .strict();
export type TicketSettings = z.output<typeof TicketSettings>;

/** The guild's ticket settings, with defaults for anything unset or malformed. */
export function ticketSettings(settings: Record<string, unknown>): TicketSettings {
  const parsed = TicketSettings.safeParse(settings.tickets ?? {});
  return parsed.success ? parsed.data : TicketSettings.parse({});
}

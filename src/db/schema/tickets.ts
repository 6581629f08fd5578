// The support desk: tickets (metadata always; their messages only when the guild keeps
// transcripts), each ticket's timeline, and the ticket panels posted into channels.
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, smallint, text, varchar } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { snowflake } from '../snowflake.ts';
import { guilds } from './guilds.ts';

/** One ticket. `number` is the guild's own counter (#1, #2…), the id members and staff see. */
export const tickets = pgTable(
  'tickets',
  {
    guildId: snowflake('guild_id')
      .notNull()
      .references(() => guilds.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    category: varchar('category', { length: 48 }).notNull().default('general'),
    openerId: snowflake('opener_id').notNull(),
    /** thread or channel */
    mode: varchar('mode', { length: 8 }).notNull(),
    /** The private thread or channel; null until Discord created it. */
    channelId: snowflake('channel_id'),
    subject: text('subject').notNull(),
    /** open, claimed, waiting (on the member) or closed */
    status: varchar('status', { length: 8 }).notNull().default('open'),
    claimedBy: snowflake('claimed_by'),
    openedAt: at('opened_at').notNull().defaultNow(),
    claimedAt: at('claimed_at'),
    /** The first message by a staff member (not the opener), for service metrics. */
    firstResponseAt: at('first_response_at'),
    firstResponseBy: snowflake('first_response_by'),
    lastActivityAt: at('last_activity_at').notNull().defaultNow(),
    closedAt: at('closed_at'),
    closedBy: snowflake('closed_by'),
    closeReason: text('close_reason'),
    reopenedCount: integer('reopened_count').notNull().default(0),
    /** The ticket's thread or channel was deleted in Discord (the ticket is closed with this noted). */
    channelGone: boolean('channel_gone').notNull().default(false),
    /** AI summary written on close, when AI is on. */
    summary: text('summary'),
    /** The summary worker's state (src/tickets/summary-queue.ts): working, done, skipped or failed; null: not looked at. */
    summaryStatus: varchar('summary_status', { length: 8 }),
    /** Why the summary was skipped or failed, in words the panel shows. */
    summaryNote: text('summary_note'),
    /** The close (closed_at) the summary status is about: a reopened and closed-again ticket is summarised again. */
    summaryFor: at('summary_for'),
    /** A worker's claim on the ticket, or the time a failed attempt may be retried. */
    summaryLeaseUntil: at('summary_lease_until'),
    summaryAttempts: smallint('summary_attempts').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.number] }),
    index('tickets_queue').on(t.guildId, t.status, t.openedAt),
    index('tickets_opener').on(t.guildId, t.openerId, t.status),
    index('tickets_channel').on(t.channelId),
    index('tickets_summary_due').on(t.closedAt).where(sql`status = 'closed'`),
  ],
);

/** What happened to a ticket, in order: opened, claimed, waiting, member added/removed, renamed, closed, reopened… */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    guildId: snowflake('guild_id').notNull(),
    number: integer('number').notNull(),
    seq: integer('seq').notNull(),
    kind: varchar('kind', { length: 24 }).notNull(),
    actorId: snowflake('actor_id'),
    at: at('at').notNull().defaultNow(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.number, t.seq] })],
);

/** A ticket's messages, kept only while the guild has transcripts on, and for its retention. */
export const ticketMessages = pgTable(
  'ticket_messages',
  {
    guildId: snowflake('guild_id').notNull(),
    number: integer('number').notNull(),
    messageId: snowflake('message_id').notNull(),
    authorId: snowflake('author_id').notNull(),
    content: text('content').notNull().default(''),
    /** [{name, url, size}] */
    attachments: jsonb('attachments').$type<{ name: string; url: string; size: number }[]>().notNull().default([]),
    sentAt: at('sent_at').notNull(),
    editedAt: at('edited_at'),
    deletedAt: at('deleted_at'),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.messageId] }), index('ticket_messages_ticket').on(t.guildId, t.number, t.sentAt)],
);

/** A posted "Open a ticket" panel: where it is, so it can be updated or removed. */
export const ticketPanels = pgTable(
  'ticket_panels',
  {
    guildId: snowflake('guild_id')
      .notNull()
      .references(() => guilds.id, { onDelete: 'cascade' }),
    channelId: snowflake('channel_id').notNull(),
    messageId: snowflake('message_id').notNull(),
    postedBy: snowflake('posted_by'),
    postedAt: at('posted_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.messageId] })],
);

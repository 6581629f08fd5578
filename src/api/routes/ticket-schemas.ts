// The support desk's API shapes: the queue's query, a ticket number in the URL, and the answers of
// the queue, a ticket, its transcript export and the service metrics (types for the panel come
// from these through src/api/contract.ts).
import { z } from 'zod';
import { isSnowflake } from '../../db/snowflake.ts';
import { Snowflake } from '../../events/lake-event.ts';
import { decodeCursor, TICKET_STATUSES, ACTIVE_STATUSES } from '../../tickets/queries.ts';

const CONTROL = /\p{Cc}/u;

export const QueueQuery = z.object({
  status: z
    .string()
    .max(64)
    .default(ACTIVE_STATUSES.join(','))
    .transform((s) => [...new Set(s.split(','))])
    .pipe(z.array(z.enum(TICKET_STATUSES, { error: `must be one of ${TICKET_STATUSES.join(', ')}` })).min(1))
    .meta({ description: `comma-separated statuses (${TICKET_STATUSES.join(', ')}); default open,claimed,waiting` }),
  category: z.string().max(48).regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a category key (lower-case letters, digits, - and _)').optional(),
  staff: z.string().refine((s) => s === 'none' || isSnowflake(s), 'must be a staff member\'s id, or none for unclaimed tickets').optional(),
  opener: Snowflake.optional(),
  q: z.string().max(100).refine((s) => !CONTROL.test(s), 'must not contain control characters').optional().meta({ description: 'a ticket number (12 or #12), or words of the subject or of the opener\'s name' }),
  order: z.enum(['oldest', 'newest']).default('oldest').meta({ description: 'by opening time: oldest first (the queue) or newest first' }),
  cursor: z
    .string()
    .max(40)
    .transform((s, ctx) => decodeCursor(s) ?? (ctx.addIssue({ code: 'custom', message: 'is not a cursor this API gave (use nextCursor as it came)' }), z.NEVER))
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const MetricsQuery = z.object({ weeks: z.coerce.number().int().min(1).max(52).default(12) });

export const TicketNumber = z.object({
  number: z
    .string()
    .regex(/^[1-9][0-9]{0,9}$/, 'must be a ticket number (1, 2, …)')
    .transform(Number)
    .refine((n) => n <= 2_147_483_647, 'is not a ticket number'),
});

const Time = z.string().meta({ description: 'ISO 8601 UTC' });
export const TicketOut = z
  .object({
    number: z.number(),
    status: z.string().meta({ description: 'open, claimed, waiting (on the member) or closed' }),
    category: z.string(),
    categoryLabel: z.string().nullable().meta({ description: 'the category\'s label in the settings (null when it is not configured any more)' }),
    subject: z.string(),
    mode: z.string().meta({ description: 'thread or channel' }),
    openerId: z.string(),
    channelId: z.string().nullable(),
    claimedBy: z.string().nullable(),
    openedAt: Time,
    claimedAt: Time.nullable(),
    firstResponseAt: Time.nullable(),
    firstResponseBy: z.string().nullable(),
    lastActivityAt: Time,
    closedAt: Time.nullable(),
    closedBy: z.string().nullable(),
    closeReason: z.string().nullable(),
    reopenedCount: z.number(),
    channelGone: z.boolean().meta({ description: 'the ticket\'s thread or channel was deleted in Discord' }),
    ageSeconds: z.number().meta({ description: 'open for this long (a closed ticket: from opening to closing)' }),
  })
  .meta({ id: 'Ticket' });

const Counts = z.object(Object.fromEntries(TICKET_STATUSES.map((s) => [s, z.number()])) as Record<(typeof TICKET_STATUSES)[number], z.ZodNumber>);
export const TicketListOut = z
  .object({
    tickets: z.array(TicketOut),
    nextCursor: z.string().nullable().meta({ description: 'pass as ?cursor= for the next page; null on the last' }),
    counts: Counts.meta({ description: 'tickets per status under the same filters (status aside)' }),
  })
  .meta({ id: 'TicketList' });

const TimelineEntryOut = z.object({ seq: z.number(), kind: z.string(), actorId: z.string().nullable(), at: Time, data: z.record(z.string(), z.unknown()) });
const Attachment = z.object({ name: z.string(), url: z.string(), size: z.number() });
export const TranscriptMessageOut = z
  .object({ messageId: z.string(), authorId: z.string(), content: z.string(), attachments: z.array(Attachment), sentAt: Time, editedAt: Time.nullable(), deletedAt: Time.nullable() })
  .meta({ id: 'TicketMessage' });

export const TicketDetailOut = z
  .object({
    ticket: TicketOut.extend({ summary: z.string().nullable().meta({ description: 'written by AI on close, when the guild has it on' }) }),
    timeline: z.array(TimelineEntryOut),
    transcript: z.object({ messages: z.array(TranscriptMessageOut), retentionDays: z.number() }).nullable(),
    noTranscript: z
      .object({ reason: z.enum(['transcripts_off', 'none_kept']), message: z.string() })
      .nullable()
      .meta({ description: 'why transcript is null: the guild keeps no transcripts, or none was kept for this ticket' }),
  })
  .meta({ id: 'TicketDetail' });

export const TranscriptExportOut = z
  .object({
    format: z.literal('cairn.ticket-transcript'),
    version: z.literal(1),
    exportedAt: Time,
    guild: z.object({ id: z.string(), name: z.string(), timeZone: z.string() }),
    ticket: TicketDetailOut.shape.ticket.omit({ ageSeconds: true }),
    names: z.record(z.string(), z.string()).meta({ description: 'display names of the people in the ticket, by id' }),
    messages: z.array(TranscriptMessageOut),
  })
  .meta({ id: 'TicketTranscript' });

const Percentiles = z.object({ count: z.number(), p50: z.number().nullable(), p90: z.number().nullable() }).meta({ id: 'TicketPercentiles', description: 'seconds (continuous percentiles, rounded); null without samples' });
export const TicketMetricsOut = z
  .object({
    timeZone: z.string(),
    weeks: z.array(z.object({
      week: z.string().meta({ description: 'Monday of the local week, YYYY-MM-DD' }), partial: z.boolean(), opened: z.number(), closed: z.number(),
      firstResponse: Percentiles.meta({ description: 'first staff answer, tickets opened that week' }),
      resolution: Percentiles.meta({ description: 'opening to closing, tickets closed that week' }),
    })),
    staff: z.array(z.object({ userId: z.string(), firstResponse: Percentiles, resolution: Percentiles, claimed: z.number() })),
    backlog: z.object({ open: z.number(), claimed: z.number(), waiting: z.number(), total: z.number(), unanswered: z.number(), oldestOpenedAt: Time.nullable() }),
  })
  .meta({ id: 'TicketMetrics' });

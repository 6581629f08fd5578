// The support desk read side: the queue (filters, search, oldest or newest first, a keyset cursor),
// one ticket with its timeline, and its kept messages. Every query is scoped to one guild, so a
// ticket number of another guild is simply not found.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { likeEscape, textArray } from '../db/sql.ts';

export const TICKET_STATUSES = ['open', 'claimed', 'waiting', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** The queue's default: every ticket still being worked on. */
export const ACTIVE_STATUSES: readonly TicketStatus[] = ['open', 'claimed', 'waiting'];

export interface TicketView {
  number: number;
  status: string;
  category: string;
  subject: string;
  mode: string;
  openerId: string;
  channelId: string | null;
  claimedBy: string | null;
  openedAt: string;
  claimedAt: string | null;
  firstResponseAt: string | null;
  firstResponseBy: string | null;
  lastActivityAt: string;
  closedAt: string | null;
  closedBy: string | null;
  closeReason: string | null;
  reopenedCount: number;
  channelGone: boolean;
  summary: string | null;
}

export interface QueueOptions {
  statuses: readonly TicketStatus[];
  category?: string | undefined;
  /** A staff member's id (tickets they claimed), or 'none' for unclaimed tickets. */
  staff?: string | undefined;
  opener?: string | undefined;
  /** A ticket number (`12` or `#12`), or words of the subject or of the opener's name. */
  q?: string | undefined;
  order: 'oldest' | 'newest';
  cursor?: QueueCursor | undefined;
  limit: number;
}

/** Where a page ended: the last ticket's opening time (microseconds since the epoch, exact) and number. */
export interface QueueCursor {
  openedMicros: string;
  number: number;
}

const CURSOR = /^([0-9]{1,17})\.([0-9]{1,10})$/;
export const encodeCursor = (c: QueueCursor): string => `${c.openedMicros}.${c.number}`;
export function decodeCursor(text: string): QueueCursor | null {
  const m = CURSOR.exec(text);
  return m ? { openedMicros: m[1]!, number: Number(m[2]) } : null;
}

interface TicketRow {
  number: number; status: string; category: string; subject: string; mode: string; opener_id: string; channel_id: string | null; claimed_by: string | null;
  opened_at: string; claimed_at: string | null; first_response_at: string | null; first_response_by: string | null; last_activity_at: string;
  closed_at: string | null; closed_by: string | null; close_reason: string | null; reopened_count: number; channel_gone: boolean; summary: string | null;
  opened_micros: string;
}

const COLUMNS = sql`t.number, t.status, t.category, t.subject, t.mode, t.opener_id::text, t.channel_id::text, t.claimed_by::text,
  t.opened_at::text, t.claimed_at::text, t.first_response_at::text, t.first_response_by::text, t.last_activity_at::text,
  t.closed_at::text, t.closed_by::text, t.close_reason, t.reopened_count, t.channel_gone, t.summary,
  (extract(epoch FROM t.opened_at) * 1000000)::bigint::text AS opened_micros`;

const iso = (text: string) => new Date(text).toISOString();
const isoOrNull = (text: string | null) => (text === null ? null : iso(text));

function view(r: TicketRow): TicketView {
  return {
    number: r.number, status: r.status, category: r.category, subject: r.subject, mode: r.mode, openerId: r.opener_id, channelId: r.channel_id, claimedBy: r.claimed_by,
    openedAt: iso(r.opened_at), claimedAt: isoOrNull(r.claimed_at), firstResponseAt: isoOrNull(r.first_response_at), firstResponseBy: r.first_response_by,
    lastActivityAt: iso(r.last_activity_at), closedAt: isoOrNull(r.closed_at), closedBy: r.closed_by, closeReason: r.close_reason,
    reopenedCount: r.reopened_count, channelGone: Boolean(r.channel_gone), summary: r.summary,
  };
}

/** The conditions every filter but the status adds (the tabs' counts share them). */
function filters(guildId: string, o: QueueOptions): SQL[] {
  const where = [sql`t.guild_id = ${guildId}`];
  if (o.category) where.push(sql`t.category = ${o.category}`);
  if (o.staff === 'none') where.push(sql`t.claimed_by IS NULL`);
  else if (o.staff) where.push(sql`t.claimed_by = ${o.staff}`);
  if (o.opener) where.push(sql`t.opener_id = ${o.opener}`);
  const q = o.q?.trim();
  if (q) {
    const pattern = `%${likeEscape(q.toLowerCase())}%`;
    const byText = sql`(lower(t.subject) LIKE ${pattern} OR EXISTS (SELECT 1 FROM members m WHERE m.guild_id = t.guild_id AND m.user_id = t.opener_id
      AND (lower(m.display_name) LIKE ${pattern} OR lower(m.username) LIKE ${pattern})))`;
    const number = /^#?([0-9]{1,9})$/.exec(q);
    where.push(number ? sql`(t.number = ${Number(number[1])} OR ${byText})` : byText);
  }
  return where;
}

export interface QueuePage {
  tickets: TicketView[];
  nextCursor: string | null;
  /** Tickets per status under the same filters (the queue's tabs). */
  counts: Record<TicketStatus, number>;
}

export async function ticketQueue(exec: Executor, guildId: string, o: QueueOptions): Promise<QueuePage> {
  const shared = filters(guildId, o);
  const where = [...shared, sql`t.status = ANY(${textArray(o.statuses)})`];
  const newest = o.order === 'newest';
  if (o.cursor) {
    const at = sql`(timestamptz 'epoch' + ${o.cursor.openedMicros}::bigint * interval '1 microsecond')`;
    where.push(newest ? sql`(t.opened_at, t.number) < (${at}, ${o.cursor.number})` : sql`(t.opened_at, t.number) > (${at}, ${o.cursor.number})`);
  }
  const dir = sql.raw(newest ? 'DESC' : 'ASC');
  const rows = await queryRows<TicketRow>(
    exec,
    sql`SELECT ${COLUMNS} FROM tickets t WHERE ${sql.join(where, sql` AND `)} ORDER BY t.opened_at ${dir}, t.number ${dir} LIMIT ${o.limit + 1}`,
  );
  const counted = await queryRows<{ status: string; n: number }>(exec, sql`SELECT t.status, count(*)::int AS n FROM tickets t WHERE ${sql.join(shared, sql` AND `)} GROUP BY t.status`);
  const counts = Object.fromEntries(TICKET_STATUSES.map((s) => [s, counted.find((c) => c.status === s)?.n ?? 0])) as Record<TicketStatus, number>;
  const page = rows.slice(0, o.limit);
  const last = page.at(-1);
  return { tickets: page.map(view), nextCursor: rows.length > o.limit && last ? encodeCursor({ openedMicros: last.opened_micros, number: last.number }) : null, counts };
}

export async function findTicket(exec: Executor, guildId: string, number: number): Promise<TicketView | null> {
  const [row] = await queryRows<TicketRow>(exec, sql`SELECT ${COLUMNS} FROM tickets t WHERE t.guild_id = ${guildId} AND t.number = ${number}`);
  return row ? view(row) : null;
}

export interface TimelineEntry {
  seq: number;
  kind: string;
  actorId: string | null;
  at: string;
  data: Record<string, unknown>;
}

export async function ticketTimeline(exec: Executor, guildId: string, number: number): Promise<TimelineEntry[]> {
  const rows = await queryRows<{ seq: number; kind: string; actor_id: string | null; at: string; data: Record<string, unknown> | null }>(
    exec,
    sql`SELECT seq, kind, actor_id::text, at::text, data FROM ticket_events WHERE guild_id = ${guildId} AND number = ${number} ORDER BY seq`,
  );
  return rows.map((r) => ({ seq: r.seq, kind: r.kind, actorId: r.actor_id, at: iso(r.at), data: r.data ?? {} }));
}

export interface TranscriptMessage {
  messageId: string;
  authorId: string;
  content: string;
  attachments: { name: string; url: string; size: number }[];
  sentAt: string;
  editedAt: string | null;
  deletedAt: string | null;
}

/** The ticket's kept messages, oldest first (none when the guild kept no transcript). */
export async function ticketMessages(exec: Executor, guildId: string, number: number): Promise<TranscriptMessage[]> {
  const rows = await queryRows<{ message_id: string; author_id: string; content: string; attachments: TranscriptMessage['attachments'] | null; sent_at: string; edited_at: string | null; deleted_at: string | null }>(
    exec,
    sql`SELECT message_id::text, author_id::text, content, attachments, sent_at::text, edited_at::text, deleted_at::text
        FROM ticket_messages WHERE guild_id = ${guildId} AND number = ${number} ORDER BY sent_at, message_id`,
  );
  return rows.map((r) => ({
    messageId: r.message_id, authorId: r.author_id, content: r.content, attachments: Array.isArray(r.attachments) ? r.attachments : [],
    sentAt: iso(r.sent_at), editedAt: isoOrNull(r.edited_at), deletedAt: isoOrNull(r.deleted_at),
  }));
}

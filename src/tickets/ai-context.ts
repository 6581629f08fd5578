// What the desk's AI features read of a ticket: its metadata and, when the guild keeps
// transcripts, its messages as plain lines ("member:" / "staff:"), cut to a size a prompt can hold
// (the first messages state the problem, the last ones its resolution; the middle goes first).
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { guilds, ticketMessages, tickets } from '../db/schema.ts';

export type TicketRow = typeof tickets.$inferSelect;

export interface TicketLine {
  role: 'member' | 'staff';
  text: string;
}

/** A ticket of a guild with the guild's settings, or undefined (no such ticket in that guild). */
export async function loadTicket(exec: Executor, guildId: string, number: number): Promise<{ ticket: TicketRow; settings: Record<string, unknown> } | undefined> {
  const [row] = await exec
    .select({ ticket: tickets, settings: guilds.settings })
    .from(tickets)
    .innerJoin(guilds, eq(guilds.id, tickets.guildId))
    .where(and(eq(tickets.guildId, guildId), eq(tickets.number, number)));
  return row;
}

/** The ticket's kept messages (deleted ones left out), oldest first; `last` keeps only the newest n. */
export async function ticketLines(exec: Executor, ticket: Pick<TicketRow, 'guildId' | 'number' | 'openerId'>, options: { last?: number; maxPerMessage?: number } = {}): Promise<TicketLine[]> {
  const where = and(eq(ticketMessages.guildId, ticket.guildId), eq(ticketMessages.number, ticket.number), isNull(ticketMessages.deletedAt));
  const base = exec.select({ authorId: ticketMessages.authorId, content: ticketMessages.content, attachments: ticketMessages.attachments }).from(ticketMessages).where(where);
  const rows = options.last !== undefined
    ? (await base.orderBy(desc(ticketMessages.sentAt), desc(ticketMessages.messageId)).limit(options.last)).reverse()
    : await base.orderBy(asc(ticketMessages.sentAt), asc(ticketMessages.messageId));
  const max = options.maxPerMessage ?? 1500;
  return rows
    .map((r) => {
      const files = r.attachments.length > 0 ? ` [attached: ${r.attachments.map((a) => a.name).join(', ')}]` : '';
      const text = (r.content.replace(/\s+/g, ' ').trim() + files).slice(0, max);
      return { role: r.authorId === ticket.openerId ? ('member' as const) : ('staff' as const), text };
    })
    .filter((l) => l.text !== '');
}

/** The lines as prompt text of at most `maxChars`: the first `head` lines, then the newest that fit. */
export function transcriptText(lines: TicketLine[], maxChars = 12_000, head = 4): string {
  const render = (l: TicketLine) => `${l.role}: ${l.text}`;
  const all = lines.map(render);
  if (all.join('\n').length <= maxChars) return all.join('\n');
  const first = all.slice(0, head);
  let used = first.join('\n').length;
  const tail: string[] = [];
  for (let i = all.length - 1; i >= head; i--) {
    if (used + all[i]!.length + 1 > maxChars - 60) break;
    tail.unshift(all[i]!);
    used += all[i]!.length + 1;
  }
  const skipped = all.length - first.length - tail.length;
  return [...first, `[… ${skipped} message(s) left out …]`, ...tail].join('\n');
}

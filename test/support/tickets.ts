// Support-desk test data written straight into the tables (the bot's side is tested on its own):
// tickets with chosen times, their timelines and kept messages, and the guild's ticket settings
// saved the way the panel saves them.
import type { z } from 'zod';
import type { Database } from '../../src/db/client.ts';
import { ticketEvents, ticketMessages, tickets } from '../../src/db/schema.ts';
import { changeSettings } from '../../src/guilds/settings.ts';
import { TicketSettings } from '../../src/tickets/settings.ts';
import { ALICE, GUILD } from './factories.ts';

type Time = string | Date;
const date = (t: Time | null | undefined) => (t === null || t === undefined ? null : new Date(t));

export interface TicketSeed {
  guildId?: string;
  number: number;
  openedAt: Time;
  status?: 'open' | 'claimed' | 'waiting' | 'closed';
  category?: string;
  openerId?: string;
  subject?: string;
  channelId?: string | null;
  claimedBy?: string | null;
  claimedAt?: Time | null;
  firstResponseAt?: Time | null;
  firstResponseBy?: string | null;
  closedAt?: Time | null;
  closedBy?: string | null;
  closeReason?: string | null;
  summary?: string | null;
}

export async function seedTicket(database: Database, t: TicketSeed): Promise<void> {
  const closedAt = date(t.closedAt);
  await database.db.insert(tickets).values({
    guildId: t.guildId ?? GUILD,
    number: t.number,
    category: t.category ?? 'general',
    openerId: t.openerId ?? ALICE,
    mode: 'thread',
    channelId: t.channelId === undefined ? String(1400000000000000000n + BigInt(t.number)) : t.channelId,
    subject: t.subject ?? `Ticket ${t.number}`,
    status: t.status ?? (closedAt ? 'closed' : t.claimedBy ? 'claimed' : 'open'),
    claimedBy: t.claimedBy ?? null,
    openedAt: new Date(t.openedAt),
    claimedAt: date(t.claimedAt) ?? (t.claimedBy ? date(t.firstResponseAt) ?? new Date(t.openedAt) : null),
    firstResponseAt: date(t.firstResponseAt),
    firstResponseBy: t.firstResponseBy ?? null,
    lastActivityAt: closedAt ?? date(t.firstResponseAt) ?? new Date(t.openedAt),
    closedAt,
    closedBy: t.closedBy ?? null,
    closeReason: t.closeReason ?? null,
    summary: t.summary ?? null,
  });
}

/** The ticket opened `seconds` after `start`: a shorthand for times in metrics tests. */
export const after = (start: Time, seconds: number) => new Date(new Date(start).getTime() + seconds * 1000);

export async function seedTicketEvents(database: Database, number: number, events: { kind: string; at: Time; actorId?: string | null; data?: Record<string, unknown> }[], guildId = GUILD) {
  await database.db.insert(ticketEvents).values(events.map((e, i) => ({ guildId, number, seq: i + 1, kind: e.kind, actorId: e.actorId ?? null, at: new Date(e.at), data: e.data ?? {} })));
}

let messageSeq = 0n;
export async function seedTicketMessages(
  database: Database,
  number: number,
  messages: { authorId: string; content: string; sentAt: Time; attachments?: { name: string; url: string; size: number }[]; editedAt?: Time; deletedAt?: Time }[],
  guildId = GUILD,
) {
  await database.db.insert(ticketMessages).values(messages.map((m) => ({
    guildId, number, messageId: String(1500000000000000000n + ++messageSeq), authorId: m.authorId, content: m.content, attachments: m.attachments ?? [],
    sentAt: new Date(m.sentAt), editedAt: date(m.editedAt), deletedAt: date(m.deletedAt),
  })));
}

/** Saves settings.tickets through the settings write path (defaults for anything not given). */
export async function saveTicketSettings(database: Database, settings: z.input<typeof TicketSettings>, guildId = GUILD) {
  const result = await changeSettings(database.db, guildId, { tickets: TicketSettings.parse(settings) }, 'test');
  if (!result.ok) throw new Error(`ticket settings refused: ${JSON.stringify(result)}`);
}

// Reads and small writes on the ticket tables: a ticket by number or channel, a member's open
// tickets, the timeline. State changes go through service.ts, which holds each ticket's row lock.
import { and, asc, count, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { ticketEvents, tickets } from '../db/schema.ts';
import { ACTIVE_STATUSES } from './queries.ts';

export type Ticket = typeof tickets.$inferSelect;
export type TicketEvent = typeof ticketEvents.$inferSelect;

export async function ticketByNumber(exec: Executor, guildId: string, number: number, options: { lock?: boolean } = {}): Promise<Ticket | undefined> {
  const query = exec.select().from(tickets).where(and(eq(tickets.guildId, guildId), eq(tickets.number, number)));
  const [row] = options.lock ? await query.for('update') : await query;
  return row;
}

export async function ticketByChannel(exec: Executor, channelId: string): Promise<Ticket | undefined> {
  const [row] = await exec.select().from(tickets).where(eq(tickets.channelId, channelId)).orderBy(desc(tickets.openedAt)).limit(1);
  return row;
}

/** A member's open tickets in a category, oldest first; those still being created count too. */
export async function openTicketsOf(exec: Executor, guildId: string, openerId: string, category: string): Promise<Ticket[]> {
  return exec
    .select()
    .from(tickets)
    .where(and(eq(tickets.guildId, guildId), eq(tickets.openerId, openerId), eq(tickets.category, category), inArray(tickets.status, [...ACTIVE_STATUSES])))
    .orderBy(asc(tickets.number));
}

/** A member's open tickets in every category (they left the server). */
export async function openTicketsOfMember(exec: Executor, guildId: string, openerId: string): Promise<Ticket[]> {
  return exec
    .select()
    .from(tickets)
    .where(and(eq(tickets.guildId, guildId), eq(tickets.openerId, openerId), inArray(tickets.status, [...ACTIVE_STATUSES]), isNotNull(tickets.channelId)))
    .orderBy(asc(tickets.number));
}

/** Channel → ticket for every ticket whose channel still exists (the bot's per-process lookup). */
export async function ticketChannels(exec: Executor): Promise<{ channelId: string; guildId: string; number: number }[]> {
  const rows = await exec
    .select({ channelId: tickets.channelId, guildId: tickets.guildId, number: tickets.number })
    .from(tickets)
    .where(and(isNotNull(tickets.channelId), eq(tickets.channelGone, false)));
  return rows.map((r) => ({ channelId: r.channelId!, guildId: r.guildId, number: r.number }));
}

export async function nextTicketNumber(exec: Executor, guildId: string): Promise<number> {
  const [row] = await exec.select({ n: sql<number>`coalesce(max(${tickets.number}), 0)::int + 1` }).from(tickets).where(eq(tickets.guildId, guildId));
  return Number(row!.n);
}

export async function timeline(exec: Executor, guildId: string, number: number): Promise<TicketEvent[]> {
  return exec.select().from(ticketEvents).where(and(eq(ticketEvents.guildId, guildId), eq(ticketEvents.number, number))).orderBy(asc(ticketEvents.seq));
}

/** How many timeline entries of a kind a ticket has (the n of its lake events' source ids). */
export async function timelineCount(exec: Executor, guildId: string, number: number, kind: string): Promise<number> {
  const [row] = await exec.select({ n: count() }).from(ticketEvents).where(and(eq(ticketEvents.guildId, guildId), eq(ticketEvents.number, number), eq(ticketEvents.kind, kind)));
  return row!.n;
}

/** The newest timeline entry of a kind (a replay re-sends the lake event it recorded). */
export async function lastOfKind(exec: Executor, guildId: string, number: number, kind: string): Promise<TicketEvent | undefined> {
  const [row] = await exec
    .select()
    .from(ticketEvents)
    .where(and(eq(ticketEvents.guildId, guildId), eq(ticketEvents.number, number), eq(ticketEvents.kind, kind)))
    .orderBy(desc(ticketEvents.seq))
    .limit(1);
  return row;
}

/** Appends to a ticket's timeline; the caller holds the ticket's row lock, so seq is free of races. */
export async function appendTimeline(exec: Executor, entry: { guildId: string; number: number; kind: string; actorId: string | null; at: Date; data?: Record<string, unknown> }): Promise<void> {
  const [row] = await exec
    .select({ seq: sql<number>`coalesce(max(${ticketEvents.seq}), 0)::int` })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.guildId, entry.guildId), eq(ticketEvents.number, entry.number)));
  await exec.insert(ticketEvents).values({ guildId: entry.guildId, number: entry.number, seq: Number(row!.seq) + 1, kind: entry.kind, actorId: entry.actorId, at: entry.at, data: entry.data ?? {} });
}

// Opening a ticket: the per-member limit (answered with a link to the open one), the subject from
// the modal, the guild's next number, then the private thread (members: the opener and staff) or
// private channel (permission overwrites), and its first message. When Discord refuses the
// thread or channel, the reserved ticket is removed and the member told what is missing.
import { DiscordAPIError } from 'discord.js';
import type { Ticket } from '../../tickets/repository.ts';
import { openTicketsOf } from '../../tickets/repository.ts';
import { ticketStaffRoles } from '../../tickets/staff.ts';
import { cleanText, MAX_SUBJECT, ticketChannelName } from '../../tickets/text.ts';
import { CommandError } from '../errors.ts';
import type { Desk } from './desk.ts';
import { ticketOverwrites } from './discord-api.ts';
import type { DeskSettings, Invoker } from './invoker.ts';
import { firstMessage } from './messages.ts';

/** Thread members added besides the opener: staff the bot knows of (role mentions reach the rest). */
const MAX_STAFF_MEMBERS = 25;

const where = (ticket: Ticket) => (ticket.channelId ? `<#${ticket.channelId}>` : 'it is being opened right now');

/** The category a panel choice names: one of the desk's, or `general` when it has none. */
export function categoryOf(settings: DeskSettings, key: string | undefined): string {
  const categories = settings.tickets.categories;
  if (categories.length === 0) return 'general';
  if (key && categories.some((c) => c.key === key)) return key;
  throw new CommandError('ticket_refused', 'That ticket category does not exist any more; ask an admin to post the ticket panel again.', { category: key });
}

/** Null when the member may open another ticket in the category, else the answer with a link. */
export async function limitReached(desk: Desk, invoker: Invoker, settings: DeskSettings, category: string): Promise<string | null> {
  const open = await openTicketsOf(desk.db, invoker.guildId, invoker.userId, category);
  if (open.length < settings.tickets.max_open_per_member) return null;
  return `You already have ticket #${open[0]!.number} open: ${where(open[0]!)}. Continue there, or close it first.`;
}

export async function openTicket(desk: Desk, invoker: Invoker, settings: DeskSettings, input: { category: string; subject: string }): Promise<string> {
  const subject = cleanText(input.subject, 'subject', MAX_SUBJECT, { multiline: true });
  if (!subject.ok) throw new CommandError('ticket_refused', subject.message);
  const { tickets } = settings;
  const parentId = tickets.mode === 'thread' ? (tickets.parent_channel_id ?? invoker.channelId) : tickets.category_channel_id;
  if (tickets.mode === 'thread' && !parentId) throw new CommandError('ticket_refused', 'The ticket desk has no channel for its threads yet; ask an admin to set one.');
  const reserved = await desk.service.reserve({ guildId: invoker.guildId, openerId: invoker.userId, category: input.category, mode: tickets.mode, subject: subject.value, maxOpen: tickets.max_open_per_member });
  if (!reserved.ok) return `You already have ticket #${reserved.ticket!.number} open: ${where(reserved.ticket!)}. Continue there, or close it first.`;
  const ticket = reserved.ticket;
  const staffRoles = ticketStaffRoles(settings.guild, tickets, input.category);
  const name = ticketChannelName(ticket.number, subject.value, tickets.mode);
  let channelId: string;
  try {
    channelId =
      tickets.mode === 'thread'
        ? await desk.discord.createPrivateThread(parentId!, name)
        : await desk.discord.createPrivateChannel(invoker.guildId, name, parentId, ticketOverwrites({ guildId: invoker.guildId, openerId: invoker.userId, staffRoleIds: staffRoles, botId: desk.client.user!.id }));
  } catch (error) {
    await desk.service.abandon(invoker.guildId, ticket.number);
    throw refusedByDiscord(error, tickets.mode, parentId);
  }
  const opened = { ...ticket, channelId };
  const label = tickets.categories.find((c) => c.key === input.category)?.label;
  // The ticket's record (timeline, ticket_opened) and Discord's side go on at the same time.
  await Promise.all([
    desk.service.attach(invoker.guildId, ticket.number, channelId).then(() => desk.channels.add(channelId, { guildId: invoker.guildId, number: ticket.number })),
    tickets.mode === 'thread' ? addThreadMembers(desk, opened, [invoker.userId, ...staffMembers(desk, invoker.guildId, staffRoles)]) : undefined,
    desk.discord.post(channelId, firstMessage(opened, staffRoles, label)).catch((error: unknown) => desk.logger.warn({ err: error, ticket: ticket.number }, "could not post a ticket's first message")),
  ]);
  return `Your ticket #${ticket.number} is open: <#${channelId}>. Staff will answer you there.`;
}

function refusedByDiscord(error: unknown, mode: 'thread' | 'channel', parentId: string | null): CommandError {
  const place = parentId ? `<#${parentId}>` : 'this server';
  if (error instanceof DiscordAPIError && error.status === 403) {
    const need = mode === 'thread' ? 'Create Private Threads and Send Messages in Threads' : 'Manage Channels and Manage Roles';
    return new CommandError('ticket_refused', `Discord did not let me create your ticket in ${place} (missing permissions). Ask an admin to give me ${need} there; nothing was opened.`, { status: 403 });
  }
  const status = error instanceof DiscordAPIError ? error.status : undefined;
  if (status !== undefined) return new CommandError('ticket_refused', `Discord refused to create your ticket (status ${status}); nothing was opened. Try again in a moment.`, { status });
  throw error;
}

function staffMembers(desk: Desk, guildId: string, roles: readonly string[]): string[] {
  if (roles.length === 0) return [];
  const members = desk.client.guilds.cache.get(guildId)?.members.cache;
  if (!members) return [];
  return [...members.filter((m) => !m.user.bot && m.roles.cache.hasAny(...roles)).keys()].slice(0, MAX_STAFF_MEMBERS);
}

async function addThreadMembers(desk: Desk, ticket: Ticket, userIds: string[]): Promise<void> {
  await Promise.all(
    [...new Set(userIds)].map((userId) =>
      desk.discord.addThreadMember(ticket.channelId!, userId).catch((error: unknown) => desk.logger.warn({ err: error, ticket: ticket.number, userId }, 'could not add a member to a ticket thread')),
    ),
  );
}

// What staff and members do with an open ticket, from its buttons or /ticket: claim, wait on the
// member, close (transcript attached when configured; the thread archived and locked, or the
// opener's access to the channel removed), reopen, add or remove a member, rename. Each goes
// through the ticket service first; Discord is changed only when the ticket did change.
import { DiscordAPIError } from 'discord.js';
import { ticketByChannel, ticketByNumber, type Ticket } from '../../tickets/repository.ts';
import type { TicketOutcome } from '../../tickets/service.ts';
import { cleanText, MAX_NAME, MAX_REASON, ticketChannelName } from '../../tickets/text.ts';
import { eq } from 'drizzle-orm';
import { guilds } from '../../db/schema.ts';
import { transcriptFilename, transcriptHtml, transcriptJson, type TranscriptExport } from '../../tickets/export.ts';
import { findTicket, ticketMessages } from '../../tickets/queries.ts';
import { CommandError } from '../errors.ts';
import type { Desk } from './desk.ts';
import type { TicketFile } from './discord-api.ts';
import { actorOf, refused, type DeskSettings, type Invoker } from './invoker.ts';
import { closedEmbed, notice } from './messages.ts';

/** The ticket whose thread or channel the interaction came from. */
export async function ticketHere(desk: Desk, invoker: Invoker, command: string): Promise<Ticket> {
  const ticket = invoker.channelId ? await ticketByChannel(desk.db, invoker.channelId) : undefined;
  if (!ticket || ticket.guildId !== invoker.guildId) throw new CommandError('ticket_refused', `Run /ticket ${command} inside a ticket's thread or channel.`);
  return ticket;
}

export async function ticketNumbered(desk: Desk, invoker: Invoker, number: number): Promise<Ticket> {
  const ticket = Number.isSafeInteger(number) && number > 0 ? await ticketByNumber(desk.db, invoker.guildId, number) : undefined;
  if (!ticket) throw new CommandError('ticket_refused', 'This ticket does not exist any more.');
  return ticket;
}

const accepted = (outcome: TicketOutcome) => (outcome.ok ? outcome : refused(outcome));

/** Posts in the ticket; a channel Discord no longer has is only logged. */
async function say(desk: Desk, ticket: Ticket, text: string): Promise<void> {
  if (!ticket.channelId || ticket.channelGone) return;
  await desk.discord.post(ticket.channelId, notice(text)).catch((error: unknown) => desk.logger.warn({ err: error, ticket: ticket.number }, 'could not post in a ticket'));
}

export async function claimTicket(desk: Desk, invoker: Invoker, settings: DeskSettings, ticket: Ticket): Promise<string> {
  const outcome = accepted(await desk.service.claim(invoker.guildId, ticket.number, actorOf(invoker, settings, ticket.category)));
  if (!outcome.changed) return `You already claimed ticket #${ticket.number}.`;
  await say(desk, outcome.ticket, `<@${invoker.userId}> claimed this ticket and will answer you.`);
  return `You claimed ticket #${ticket.number}.`;
}

export async function waitOnMember(desk: Desk, invoker: Invoker, settings: DeskSettings, ticket: Ticket): Promise<string> {
  const outcome = accepted(await desk.service.waiting(invoker.guildId, ticket.number, actorOf(invoker, settings, ticket.category)));
  if (!outcome.changed) return `Ticket #${ticket.number} is already waiting on the member.`;
  await say(desk, outcome.ticket, `Waiting on <@${ticket.openerId}>: the ticket goes back to staff when they answer.`);
  return `Ticket #${ticket.number} now waits on the member.`;
}

export async function closeTicket(desk: Desk, invoker: Invoker, settings: DeskSettings, ticket: Ticket, rawReason: string | null): Promise<string> {
  const reason = rawReason === null ? null : cleanText(rawReason, 'reason', MAX_REASON, { multiline: true });
  if (reason && !reason.ok) throw new CommandError('ticket_refused', reason.message);
  const outcome = accepted(await desk.service.close(invoker.guildId, ticket.number, actorOf(invoker, settings, ticket.category), { reason: reason?.value ?? null }));
  if (!outcome.changed) return `Ticket #${ticket.number} is already closed.`;
  await announceClosed(desk, settings, outcome.ticket);
  return `Ticket #${ticket.number} is closed.`;
}

/** The closing notice (with the transcript when configured) in the ticket and the log channel, then the ticket shut. */
export async function announceClosed(desk: Desk, settings: DeskSettings, ticket: Ticket): Promise<void> {
  const { transcripts, log_channel_id: logChannel } = settings.tickets;
  const files = transcripts.enabled && transcripts.attach_on_close ? await transcriptFiles(desk, settings, ticket) : [];
  const body = { embeds: [closedEmbed(ticket)], allowed_mentions: { parse: [] } };
  const warn = (what: string) => (error: unknown) => desk.logger.warn({ err: error, ticket: ticket.number }, what);
  const open = ticket.channelId && !ticket.channelGone ? ticket.channelId : null;
  if (open) await desk.discord.post(open, body, files).catch(warn('could not post the closing notice in a ticket'));
  if (logChannel) await desk.discord.post(logChannel, body, files).catch(warn('could not post the closing notice in the log channel'));
  if (!open) return;
  if (ticket.mode === 'thread') await desk.discord.editChannel(open, { archived: true, locked: true }).catch(warn('could not archive a ticket thread'));
  else await desk.discord.removeOverwrite(open, ticket.openerId).catch(warn("could not remove the opener's access to a ticket channel"));
}

/** The transcript files the panel exports too (one renderer), named the same way. */
async function transcriptFiles(desk: Desk, settings: DeskSettings, ticket: Ticket): Promise<TicketFile[]> {
  const [view, messages, [guild]] = await Promise.all([
    findTicket(desk.db, ticket.guildId, ticket.number),
    ticketMessages(desk.db, ticket.guildId, ticket.number),
    desk.db.select({ id: guilds.id, name: guilds.name, timeZone: guilds.timezone }).from(guilds).where(eq(guilds.id, ticket.guildId)),
  ]);
  if (!view || !guild || messages.length === 0) return [];
  const members = desk.client.guilds.cache.get(ticket.guildId)?.members.cache;
  const names: Record<string, string> = {};
  for (const id of new Set([ticket.openerId, ...messages.map((m) => m.authorId)])) {
    const member = members?.get(id);
    if (member) names[id] = member.displayName;
  }
  const x: TranscriptExport = { guild, ticket: view, categoryLabel: settings.tickets.categories.find((c) => c.key === ticket.category)?.label ?? null, messages, names, exportedAt: desk.clock.now() };
  return [
    { name: transcriptFilename(ticket.number, guild, 'html'), data: Buffer.from(transcriptHtml(x)) },
    { name: transcriptFilename(ticket.number, guild, 'json'), data: Buffer.from(JSON.stringify(transcriptJson(x), null, 2)) },
  ];
}

export async function reopenTicket(desk: Desk, invoker: Invoker, settings: DeskSettings, ticket: Ticket): Promise<string> {
  const outcome = accepted(await desk.service.reopen(invoker.guildId, ticket.number, actorOf(invoker, settings, ticket.category), settings.tickets.reopen_window_hours));
  if (!outcome.changed) return `Ticket #${ticket.number} is open.`;
  const channelId = outcome.ticket.channelId!;
  const warn = (error: unknown) => desk.logger.warn({ err: error, ticket: ticket.number }, 'could not reopen a ticket in Discord');
  if (ticket.mode === 'thread') await desk.discord.editChannel(channelId, { archived: false, locked: false }).catch(warn);
  else await desk.discord.allowMember(channelId, ticket.openerId).catch(warn);
  await say(desk, outcome.ticket, `<@${invoker.userId}> reopened this ticket.`);
  return `Ticket #${ticket.number} is open again.`;
}

export async function changeMember(desk: Desk, invoker: Invoker, settings: DeskSettings, ticket: Ticket, userId: string, change: 'add' | 'remove'): Promise<string> {
  const actor = actorOf(invoker, settings, ticket.category);
  if (!actor.staff) throw new CommandError('ticket_refused', 'Only staff can add or remove members of a ticket.');
  if (ticket.status === 'closed') throw new CommandError('ticket_refused', `Ticket #${ticket.number} is closed.`);
  if (change === 'remove' && userId === ticket.openerId) throw new CommandError('ticket_refused', 'The member who opened the ticket stays in it; close the ticket instead.');
  const channelId = ticket.channelId!;
  try {
    if (ticket.mode === 'thread') await (change === 'add' ? desk.discord.addThreadMember(channelId, userId) : desk.discord.removeThreadMember(channelId, userId));
    else await (change === 'add' ? desk.discord.allowMember(channelId, userId) : desk.discord.removeOverwrite(channelId, userId));
  } catch (error) {
    if (error instanceof DiscordAPIError && (error.status === 404 || error.status === 403)) {
      throw new CommandError('ticket_refused', error.status === 404 ? `<@${userId}> is not on this server any more (or the ticket's channel is gone).` : `Discord did not let me change who is in this ticket (missing permissions).`, { status: error.status });
    }
    throw error;
  }
  accepted(await desk.service.note(invoker.guildId, ticket.number, actor, change === 'add' ? 'member_added' : 'member_removed', { user_id: userId }));
  await say(desk, ticket, change === 'add' ? `<@${invoker.userId}> added <@${userId}> to this ticket.` : `<@${invoker.userId}> removed <@${userId}> from this ticket.`);
  return change === 'add' ? `Added <@${userId}> to ticket #${ticket.number}.` : `Removed <@${userId}> from ticket #${ticket.number}.`;
}

export async function renameTicket(desk: Desk, invoker: Invoker, settings: DeskSettings, ticket: Ticket, rawName: string): Promise<string> {
  const name = cleanText(rawName, 'name', MAX_NAME);
  if (!name.ok) throw new CommandError('ticket_refused', name.message);
  const actor = actorOf(invoker, settings, ticket.category);
  if (!actor.staff) throw new CommandError('ticket_refused', 'Only staff can rename a ticket.');
  const channelName = ticketChannelName(ticket.number, name.value, ticket.mode === 'channel' ? 'channel' : 'thread');
  accepted(await desk.service.note(invoker.guildId, ticket.number, actor, 'renamed', { name: channelName }));
  await desk.discord.editChannel(ticket.channelId!, { name: channelName });
  return `Ticket #${ticket.number} is now called “${channelName}”.`;
}

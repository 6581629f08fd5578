// Posting the "Open a ticket" panel (admins): the message in the channel, recorded in ticket_panels.
import { ticketPanels } from '../../db/schema.ts';
import { ensureGuilds } from '../../guilds/guilds.ts';
import { CommandError } from '../errors.ts';
import type { Desk } from './desk.ts';
import type { DeskSettings, Invoker } from './invoker.ts';
import { panelMessage } from './messages.ts';

export async function postPanel(desk: Desk, invoker: Invoker, settings: DeskSettings, channelId: string | null): Promise<string> {
  if (!invoker.isAdmin) throw new CommandError('not_admin', 'Only admins can post the ticket panel (Manage Server permission or a Cairn admin role).');
  const target = channelId ?? invoker.channelId;
  if (!target) throw new CommandError('ticket_refused', 'Name the channel to post the ticket panel in.');
  const message = await desk.discord.post(target, panelMessage(settings.tickets)).catch((error: unknown) => {
    desk.logger.warn({ err: error, channelId: target }, 'could not post a ticket panel');
    throw new CommandError('ticket_refused', `Discord did not let me post in <#${target}>; check that I can see it and send messages there.`);
  });
  await ensureGuilds(desk.db, [invoker.guildId]);
  await desk.db.insert(ticketPanels).values({ guildId: invoker.guildId, channelId: target, messageId: message.id, postedBy: invoker.userId, postedAt: desk.clock.now() }).onConflictDoNothing();
  return `Posted the ticket panel in <#${target}>.`;
}

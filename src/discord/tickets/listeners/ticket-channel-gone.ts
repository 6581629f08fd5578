// A ticket's thread or channel deleted in Discord (CHANNEL_DELETE, THREAD_DELETE): the ticket is
// closed as unresolved with `channel_gone` (or only noted when it was closed already), and the
// closing notice goes to the log channel. Other channels cost one map lookup.
import { ticketByNumber } from '../../../tickets/repository.ts';
import { ticketSettings } from '../../../tickets/settings.ts';
import type { BotContext } from '../../context.ts';
import type { DispatchListener } from '../../listener.ts';
import { field } from '../../listener.ts';
import { announceClosed } from '../actions.ts';
import { deskFor } from '../desk.ts';

async function channelGone(context: BotContext, data: unknown): Promise<void> {
  const channelId = field(data, 'id');
  const desk = deskFor(context.client, context);
  const ref = channelId ? await desk.channels.lookup(channelId) : undefined;
  if (!ref || !channelId) return;
  const before = await ticketByNumber(desk.db, ref.guildId, ref.number);
  const outcome = await desk.service.close(ref.guildId, ref.number, { id: context.client.user!.id, staff: true }, { channelGone: true });
  await desk.channels.remove(channelId);
  desk.logger.info({ guildId: ref.guildId, ticket: ref.number, wasOpen: before?.status !== 'closed' }, "a ticket's channel was deleted in Discord");
  if (outcome.ok && outcome.changed && before?.status !== 'closed') {
    const settings = (await context.configs.get(ref.guildId)).settings;
    await announceClosed(desk, { guild: settings, tickets: ticketSettings(settings) }, outcome.ticket);
  }
}

export const ticketChannelDelete: DispatchListener = { name: 'ticket-channel-delete', dispatch: 'CHANNEL_DELETE', run: channelGone };
export const ticketThreadDelete: DispatchListener = { name: 'ticket-thread-delete', dispatch: 'THREAD_DELETE', run: channelGone };

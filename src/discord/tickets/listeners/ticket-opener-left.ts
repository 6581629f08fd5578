// A member who left the server with tickets open: each ticket's timeline notes it (staff decide
// whether to close), so the queue shows why nobody answers.
import { isModuleEnabled } from '../../../guilds/modules.ts';
import { openTicketsOfMember } from '../../../tickets/repository.ts';
import type { DispatchListener } from '../../listener.ts';
import { field } from '../../listener.ts';
import { deskFor } from '../desk.ts';

export const ticketOpenerLeft: DispatchListener = {
  name: 'ticket-opener-left',
  dispatch: 'GUILD_MEMBER_REMOVE',
  async run(context, data) {
    const guildId = field(data, 'guild_id');
    const user = (data as { user?: unknown } | null)?.user;
    const userId = field(user, 'id');
    if (!guildId || !userId || !isModuleEnabled((await context.configs.get(guildId)).settings, 'support')) return;
    const desk = deskFor(context.client, context);
    for (const ticket of await openTicketsOfMember(desk.db, guildId, userId)) {
      await desk.service.observe(guildId, ticket.number, 'opener_left');
      if (ticket.channelId) await desk.discord.post(ticket.channelId, { content: `<@${userId}> left the server.`, allowed_mentions: { parse: [] } }).catch(() => undefined);
    }
  },
};

// Messages in ticket threads and channels (one map lookup for any other channel): the first
// answer by staff (service metrics), the member's reply to a ticket waiting on them, and — only
// when the guild keeps transcripts — the message itself, its edits and its deletion.
import { PermissionFlagsBits } from 'discord.js';
import { z } from 'zod';
import { isModuleEnabled } from '../../../guilds/modules.ts';
import { ticketByNumber } from '../../../tickets/repository.ts';
import { ticketSettings } from '../../../tickets/settings.ts';
import { isTicketStaff, ticketStaffRoles } from '../../../tickets/staff.ts';
import { keepDeletion, keepEdit, keepMessage } from '../../../tickets/transcripts.ts';
import { adminRoleIds } from '../../commands/permissions.ts';
import type { BotContext } from '../../context.ts';
import type { DispatchListener } from '../../listener.ts';
import { field, reportMalformed } from '../../listener.ts';
import { deskFor, type TicketRef } from '../desk.ts';

const Message = z.object({
  id: z.string(),
  channel_id: z.string(),
  author: z.object({ id: z.string(), bot: z.boolean().optional() }),
  content: z.string().default(''),
  timestamp: z.string(),
  attachments: z.array(z.object({ filename: z.string(), url: z.string(), size: z.number() })).default([]),
  member: z.object({ roles: z.array(z.string()).default([]) }).optional(),
});

/** The ticket a dispatch's channel belongs to, when the guild has the support module on. */
async function ticketOf(context: BotContext, data: unknown): Promise<{ ref: TicketRef; settings: Record<string, unknown> } | undefined> {
  const ref = await deskFor(context.client, context).channels.lookup(field(data, 'channel_id') ?? '');
  if (!ref) return undefined;
  const settings = (await context.configs.get(ref.guildId)).settings;
  return isModuleEnabled(settings, 'support') ? { ref, settings } : undefined;
}

export const ticketMessageCreate: DispatchListener = {
  name: 'ticket-message-create',
  dispatch: 'MESSAGE_CREATE',
  async run(context, data) {
    const found = await ticketOf(context, data);
    if (!found) return;
    const parsed = Message.safeParse(data);
    if (!parsed.success) return reportMalformed(context, 'MESSAGE_CREATE', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
    const message = parsed.data;
    const { ref, settings } = found;
    const desk = deskFor(context.client, context);
    const tickets = ticketSettings(settings);
    const sentAt = new Date(message.timestamp);
    if (tickets.transcripts.enabled) {
      await keepMessage(desk.db, {
        ...ref,
        messageId: message.id,
        authorId: message.author.id,
        content: message.content,
        attachments: message.attachments.map((a) => ({ name: a.filename, url: a.url, size: a.size })),
        sentAt,
      });
    }
    if (message.author.bot) return;
    const ticket = await ticketByNumber(desk.db, ref.guildId, ref.number);
    if (!ticket || ticket.status === 'closed') return;
    if (message.author.id === ticket.openerId) {
      if (ticket.status === 'waiting') await desk.service.memberReplied(ref.guildId, ref.number, message.author.id);
      return;
    }
    if (ticket.firstResponseAt) return;
    const roles = message.member?.roles ?? [];
    const cached = context.client.guilds.cache.get(ref.guildId)?.members.cache.get(message.author.id);
    const isAdmin = roles.some((r) => adminRoleIds(settings).includes(r)) || Boolean(cached?.permissions.has(PermissionFlagsBits.ManageGuild));
    if (isTicketStaff({ roles, isAdmin }, ticketStaffRoles(settings, tickets, ticket.category))) await desk.service.firstResponse(ref.guildId, ref.number, message.author.id, sentAt);
  },
};

const Edit = z.object({ id: z.string(), content: z.string().optional(), edited_timestamp: z.string().nullable().optional() });

export const ticketMessageUpdate: DispatchListener = {
  name: 'ticket-message-update',
  dispatch: 'MESSAGE_UPDATE',
  async run(context, data) {
    const found = await ticketOf(context, data);
    if (!found || !ticketSettings(found.settings).transcripts.enabled) return;
    const edit = Edit.safeParse(data);
    // An update without content is an embed unfurling, not an edit.
    if (!edit.success || edit.data.content === undefined) return;
    await keepEdit(context.db, found.ref.guildId, edit.data.id, edit.data.content, edit.data.edited_timestamp ? new Date(edit.data.edited_timestamp) : context.clock.now());
  },
};

export const ticketMessageDelete: DispatchListener = {
  name: 'ticket-message-delete',
  dispatch: 'MESSAGE_DELETE',
  async run(context, data) {
    const found = await ticketOf(context, data);
    const id = field(data, 'id');
    if (!found || !id || !ticketSettings(found.settings).transcripts.enabled) return;
    await keepDeletion(context.db, found.ref.guildId, id, context.clock.now());
  },
};

// What the desk posts: the "Open a ticket" panel, a ticket's first message with Claim and Close,
// the subject modal, and the closing notice. Custom ids start with `ticket:` (the component handler).
import { ButtonStyle, ComponentType, TextInputStyle, type APIActionRowComponent, type APIComponentInMessageActionRow, type APIEmbed, type APIModalInteractionResponseCallbackData, type RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { Ticket } from '../../tickets/repository.ts';
import type { TicketSettings } from '../../tickets/settings.ts';
import { MAX_SUBJECT } from '../../tickets/text.ts';
import { Colour, embed, relativeTime } from '../commands/replies.ts';

export const TicketIds = {
  open: 'ticket:open',
  openSelect: 'ticket:open-select',
  subject: (category: string) => `ticket:subject:${category}`,
  claim: (number: number) => `ticket:claim:${number}`,
  close: (number: number) => `ticket:close:${number}`,
} as const;

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

/** The panel: a button, or a category select when the desk has categories. */
export function panelMessage(settings: TicketSettings): RESTPostAPIChannelMessageJSONBody {
  const row: Row =
    settings.categories.length > 0
      ? {
          type: ComponentType.ActionRow,
          components: [
            {
              type: ComponentType.StringSelect,
              custom_id: TicketIds.openSelect,
              placeholder: 'Choose what your ticket is about',
              options: settings.categories.map((c) => ({ label: c.label, value: c.key, ...(c.description ? { description: c.description } : {}) })),
            },
          ],
        }
      : { type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, custom_id: TicketIds.open, style: ButtonStyle.Primary, label: 'Open a ticket' }] };
  return {
    embeds: [embed('Need help?', 'Open a ticket: a private conversation with the staff. Only you and the staff will see it.')],
    components: [row],
  };
}

export function subjectModal(category: string): APIModalInteractionResponseCallbackData {
  return {
    custom_id: TicketIds.subject(category),
    title: 'Open a ticket',
    components: [
      {
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.TextInput, custom_id: 'subject', label: 'What do you need help with?', style: TextInputStyle.Paragraph, min_length: 1, max_length: MAX_SUBJECT, required: true }],
      },
    ],
  };
}

/** The ticket's first message: subject, opener, and the Claim and Close buttons. */
export function firstMessage(ticket: Ticket, staffRoleIds: readonly string[], categoryLabel: string | undefined): RESTPostAPIChannelMessageJSONBody {
  return {
    content: [`<@${ticket.openerId}>`, ...staffRoleIds.map((r) => `<@&${r}>`)].join(' '),
    allowed_mentions: { users: [ticket.openerId], roles: [...staffRoleIds] },
    embeds: [
      embed(`Ticket #${ticket.number}`, ticket.subject, {
        fields: [{ name: 'Opened by', value: `<@${ticket.openerId}>`, inline: true }, ...(categoryLabel ? [{ name: 'Category', value: categoryLabel, inline: true }] : [])],
      }),
    ],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, custom_id: TicketIds.claim(ticket.number), style: ButtonStyle.Primary, label: 'Claim' },
          { type: ComponentType.Button, custom_id: TicketIds.close(ticket.number), style: ButtonStyle.Danger, label: 'Close' },
        ],
      },
    ],
  };
}

export function closedEmbed(ticket: Ticket): APIEmbed {
  const fields = [
    { name: 'Opened by', value: `<@${ticket.openerId}>`, inline: true },
    ...(ticket.closedBy ? [{ name: 'Closed by', value: `<@${ticket.closedBy}>`, inline: true }] : []),
    ...(ticket.claimedBy ? [{ name: 'Claimed by', value: `<@${ticket.claimedBy}>`, inline: true }] : []),
    { name: 'Opened', value: relativeTime(ticket.openedAt), inline: true },
    ...(ticket.closeReason ? [{ name: 'Reason', value: ticket.closeReason.slice(0, 1024) }] : []),
  ];
  return embed(`Ticket #${ticket.number} closed`, ticket.subject, { color: Colour.success, fields });
}

/** A short public note in the ticket (claimed, waiting, reopened…); mentions never ping. */
export const notice = (text: string): RESTPostAPIChannelMessageJSONBody => ({ embeds: [embed('Ticket update', text)], allowed_mentions: { parse: [] } });

// Who pressed a ticket button or ran /ticket, and whether they are staff at the desk.
import type { BaseInteraction } from 'discord.js';
import { ticketSettings, type TicketSettings } from '../../tickets/settings.ts';
import { isTicketStaff, ticketStaffRoles } from '../../tickets/staff.ts';
import type { TicketActor, TicketOutcome } from '../../tickets/service.ts';
import { isCairnAdmin, memberRoleIds } from '../commands/permissions.ts';
import { CommandError } from '../errors.ts';
import type { Desk } from './desk.ts';

export interface Invoker {
  guildId: string;
  userId: string;
  roles: string[];
  isAdmin: boolean;
  /** Where the interaction happened (a ticket's thread or channel for most actions). */
  channelId: string | null;
}

export interface DeskSettings {
  guild: Record<string, unknown>;
  tickets: TicketSettings;
}

export async function invokerOf(desk: Desk, interaction: BaseInteraction): Promise<{ invoker: Invoker; settings: DeskSettings }> {
  const guildId = interaction.guildId;
  if (!guildId) throw new CommandError('not_in_guild', 'Tickets work inside a server.');
  const guild = (await desk.configs.get(guildId)).settings;
  return {
    invoker: { guildId, userId: interaction.user.id, roles: memberRoleIds(interaction), isAdmin: isCairnAdmin(interaction, guild), channelId: interaction.channelId },
    settings: { guild, tickets: ticketSettings(guild) },
  };
}

export function actorOf(invoker: Invoker, settings: DeskSettings, category?: string): TicketActor {
  return { id: invoker.userId, staff: isTicketStaff(invoker, ticketStaffRoles(settings.guild, settings.tickets, category)) };
}

/** A refused change as the private answer the member sees. */
export function refused(outcome: TicketOutcome): never {
  if (outcome.ok) throw new Error('refused() called with an accepted outcome');
  throw new CommandError('ticket_refused', outcome.message, { ticket: outcome.code });
}

// Who answers tickets: the category's own staff roles, else the desk's (settings.tickets), else the
// guild's staff roles. Admins always count as staff.
import type { TicketSettings } from './settings.ts';

/** The staff roles of a ticket category (or of the desk when the category has none of its own). */
export function ticketStaffRoles(guildSettings: Record<string, unknown>, tickets: TicketSettings, category?: string): string[] {
  const own = tickets.categories.find((c) => c.key === category)?.staff_role_ids;
  if (own && own.length > 0) return own;
  if (tickets.staff_role_ids.length > 0) return tickets.staff_role_ids;
  const guildStaff = guildSettings.staff_role_ids;
  return Array.isArray(guildStaff) ? guildStaff.filter((id): id is string => typeof id === 'string') : [];
}

/** A member's standing at the desk: an admin, or holding one of the staff roles. */
export function isTicketStaff(member: { roles: readonly string[]; isAdmin: boolean }, staffRoles: readonly string[]): boolean {
  if (member.isAdmin) return true;
  const staff = new Set(staffRoles);
  return member.roles.some((r) => staff.has(r));
}

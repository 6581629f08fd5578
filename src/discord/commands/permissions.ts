// Who counts as a Cairn admin in a guild: Discord's Manage Server permission, or one of the roles
// listed in the guild's settings.admin_role_ids.
import { PermissionFlagsBits, type BaseInteraction } from 'discord.js';
import type { GuildSettings } from '../../rules/compiler.ts';

/** What permission checks read of an interaction: any kind (a command, a button, a modal submit) has them. */
export type MemberInteraction = Pick<BaseInteraction, 'member' | 'memberPermissions'>;

export function memberRoleIds(interaction: MemberInteraction): string[] {
  const member = interaction.member;
  if (!member) return [];
  if (Array.isArray(member.roles)) return member.roles;
  return [...member.roles.cache.keys()];
}

export function adminRoleIds(settings: GuildSettings): string[] {
  const ids = settings.admin_role_ids;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}

export function isCairnAdmin(interaction: MemberInteraction, settings: GuildSettings): boolean {
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  const admins = new Set(adminRoleIds(settings));
  return memberRoleIds(interaction).some((id) => admins.has(id));
}

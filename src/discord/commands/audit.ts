// /audit text: — staff ask Gemini for a risk assessment of a text (green / yellow / red, a short
// summary and the reasons), shown privately as an embed coloured by level. When AI is off, the
// budget is spent or Gemini fails, the reply says so plainly and the call is in the cost ledger.
import { PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { auditEmbed, auditText, MAX_AUDIT_TEXT } from '../../ai/audit.ts';
import { AI_OFF_MESSAGE } from '../../ai/errors.ts';
import type { GuildSettings } from '../../rules/compiler.ts';
import type { CommandReply, SlashCommand } from './command.ts';
import { isCairnAdmin, type MemberInteraction } from './permissions.ts';
import { Colour, embed } from './replies.ts';

/** Moderators: any of these permissions, a Cairn admin, or one of settings.staff_role_ids. */
const STAFF_PERMISSIONS = [PermissionFlagsBits.ManageMessages, PermissionFlagsBits.ModerateMembers, PermissionFlagsBits.KickMembers, PermissionFlagsBits.BanMembers];

export function isStaff(interaction: MemberInteraction, settings: GuildSettings): boolean {
  if (isCairnAdmin(interaction, settings)) return true;
  if (STAFF_PERMISSIONS.some((p) => interaction.memberPermissions?.has(p))) return true;
  const staff = Array.isArray(settings.staff_role_ids) ? new Set(settings.staff_role_ids) : new Set();
  const member = interaction.member;
  const roles = !member ? [] : Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  return roles.some((r: string) => staff.has(r));
}

/** An expected refusal: private, in the error colour, logged as refused with its code. */
const refuse = (code: string, title: string, message: string): CommandReply => ({ embeds: [embed(title, message, { color: Colour.error })], refused: { code } });

export const audit: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('audit')
    .setDescription('AI risk assessment of a text: green, yellow or red (staff)')
    .addStringOption((o) => o.setName('text').setDescription('The text to assess').setRequired(true).setMaxLength(MAX_AUDIT_TEXT))
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageMessages)
    .toJSON(),
  access: 'member',
  ephemeral: true,
  async run({ interaction, guildId, configs, ai }) {
    if (!isStaff(interaction, (await configs.get(guildId)).settings)) {
      return refuse('not_staff', 'That did not work', 'Only staff can use /audit (Manage Messages, Moderate Members, Kick or Ban Members, or a staff role).');
    }
    const text = interaction.options.getString('text', true).trim();
    if (!text) return refuse('empty_text', 'That did not work', 'Give /audit some text to assess.');
    if (!ai) return refuse('ai_disabled', 'Audit unavailable', AI_OFF_MESSAGE);
    const result = await auditText(ai, guildId, text);
    if (!result.ok) return refuse(`ai_${result.failure.kind}`, 'Audit unavailable', result.failure.message);
    return { embeds: [auditEmbed(result.value, ai.modelName)] };
  },
};

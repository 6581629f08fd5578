// /invites [member] — how many members a member's invites brought in (still here, left within a
// week) and how they joined themself; without a member, the server's top inviters.
import { SlashCommandBuilder } from 'discord.js';
import { invitesOf, topInviters } from '../../invites/inviters.ts';
import type { SlashCommand } from './command.ts';
import { embed } from './replies.ts';

export const invites: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('invites')
    .setDescription("Who brought the most members, or one member's invites")
    .addUserOption((o) => o.setName('member').setDescription('Whose invites (default: the top inviters)'))
    .toJSON(),
  access: 'member',
  ephemeral: false,
  async run({ interaction, guildId, db }) {
    const member = interaction.options.getUser('member');
    if (!member) {
      const top = await topInviters(db, guildId);
      if (top.length === 0) return { embeds: [embed('Top inviters', 'No invites counted yet. Cairn needs the Manage Server permission to tell which invite a member used.')] };
      const lines = top.map((t, i) => `**${i + 1}.** <@${t.inviter_id}> — ${t.still_here} still here of ${t.invited} invited${t.left_within_a_week > 0 ? ` · ${t.left_within_a_week} left within a week` : ''}`);
      return { embeds: [embed('Top inviters', lines.join('\n'))] };
    }
    const mine = await invitesOf(db, guildId, member.id);
    const how = mine.joined_via
      ? mine.joined_via.via === 'code' ? `Joined with invite \`${mine.joined_via.invite_code}\`${mine.joined_via.inviter_id ? ` from <@${mine.joined_via.inviter_id}>` : ''}.`
        : mine.joined_via.via === 'vanity' ? "Joined through the server's vanity URL." : 'How they joined is not known.'
      : 'Joined before Cairn counted invites.';
    return { embeds: [embed(`${member.globalName ?? member.username}'s invites`, `Invited **${mine.invited}** member(s): ${mine.still_here} still here, ${mine.left_within_a_week} left within a week.\n${how}`)] };
  },
};

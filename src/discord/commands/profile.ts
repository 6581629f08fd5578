// /profile [member] — a member's balances and levels (and whatever other sections are listed).
import { SlashCommandBuilder } from 'discord.js';
import type { SlashCommand } from './command.ts';
import { PROFILE_SECTIONS } from './profile-sections.ts';
import { embed } from './replies.ts';

export const profile: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('profile')
    .setDescription("Your balances and levels, or another member's")
    .addUserOption((o) => o.setName('member').setDescription('Whose profile (default: yours)'))
    .toJSON(),
  access: 'member',
  ephemeral: false,
  async run(context) {
    const { interaction, guildId, userId } = context;
    const member = interaction.options.getUser('member') ?? interaction.user;
    const fields = (await Promise.all(PROFILE_SECTIONS.map((section) => section(context, guildId, member.id)))).flat().slice(0, 25);
    const name = member.globalName ?? member.username;
    if (fields.length === 0) {
      const who = member.id === userId ? 'You have' : `${name} has`;
      return { embeds: [embed(`${name}'s profile`, `${who} not earned anything yet.`)] };
    }
    return { embeds: [embed(`${name}'s profile`, undefined, { fields })] };
  },
};

// /grant member milestone — admins award a milestone by hand (a custom one, or one a member earned
// somewhere Cairn cannot see). At most once per member (and season): a second grant answers
// "already earned" and awards nothing. Audit-logged as milestone.award by the milestones module.
import { SlashCommandBuilder } from 'discord.js';
import { awardMilestone } from '../../milestones/repository.ts';
import { CommandError } from '../errors.ts';
import type { SlashCommand } from './command.ts';
import { suggest } from './currency-option.ts';
import { Colour, embed, refuse } from './replies.ts';

export const grant: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('grant')
    .setDescription('Award a milestone to a member (admins)')
    .addUserOption((o) => o.setName('member').setDescription('Who earns it').setRequired(true))
    .addStringOption((o) => o.setName('milestone').setDescription('Milestone key, e.g. helper').setRequired(true).setMaxLength(64).setAutocomplete(true))
    .toJSON(),
  access: 'admin',
  ephemeral: true,
  async autocomplete({ configs, guildId, focused }) {
    const config = await configs.get(guildId);
    return suggest(config.milestones, focused.value, (m) => `${m.icon} ${m.name} (${m.key})`, (m) => m.key);
  },
  async run({ interaction, guildId, userId, configs, db }) {
    const member = interaction.options.getUser('member', true);
    const typed = interaction.options.getString('milestone', true).trim();
    if (member.bot) throw new CommandError('invalid_member', 'Bots cannot earn milestones; pick a member.');
    const config = await configs.get(guildId);
    const wanted = typed.toLowerCase();
    const milestone = config.milestones.find((m) => m.key === typed || m.key === wanted) ?? config.milestones.find((m) => m.name.toLowerCase() === wanted);
    if (!milestone) {
      const known = config.milestones.slice(0, 10).map((m) => `\`${m.key}\``).join(', ') || 'none yet';
      throw new CommandError('unknown_milestone', `There is no milestone \`${typed.slice(0, 64).replace(/`/g, "'")}\` here. Some of them: ${known}.`, { key: typed.slice(0, 64) });
    }
    const result = await awardMilestone(db, guildId, member.id, milestone.key, `discord:${userId} (${interaction.user.username})`);
    if (!result.ok) throw new CommandError('unknown_milestone', `There is no milestone \`${milestone.key}\` here any more.`, { key: milestone.key });
    if (!result.awarded) return refuse('already_earned', `<@${member.id}> has already earned ${milestone.icon} **${milestone.name}**; nothing was awarded.`, { key: milestone.key });
    return { embeds: [embed(`Granted ${milestone.icon} ${milestone.name}`, `<@${member.id}> has earned **${milestone.name}**.`, { color: Colour.success })] };
  },
};

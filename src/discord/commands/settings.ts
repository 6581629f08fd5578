// /settings <subcommand> — a member's own preferences, answered privately. Each preference is one
// entry of SUBCOMMANDS (its registration and its run): public-leaderboard, announcements.
import { SlashCommandBuilder, type SlashCommandSubcommandBuilder } from 'discord.js';
import { sql } from 'drizzle-orm';
import { audit } from '../../audit/audit.ts';
import { queryRows } from '../../db/client.ts';
import { setAnnouncements } from '../../members/announcements.ts';
import { setPublicVisibility } from '../../public/visibility.ts';
import type { CommandContext, CommandReply, SlashCommand } from './command.ts';
import { Colour, embed, refuse } from './replies.ts';

interface SettingsSubcommand {
  name: string;
  describe(s: SlashCommandSubcommandBuilder): SlashCommandSubcommandBuilder;
  run(context: CommandContext): Promise<CommandReply>;
}

const publicLeaderboard: SettingsSubcommand = {
  name: 'public-leaderboard',
  describe: (s) =>
    s
      .setDescription('Show or hide your name on this server’s public leaderboard page')
      .addBooleanOption((o) => o.setName('visible').setDescription('true: shown by name; false: listed as “Hidden member”').setRequired(true)),
  async run({ interaction, guildId, userId, db }) {
    const visible = interaction.options.getBoolean('visible', true);
    const change = await db.transaction(async (tx) => {
      const result = await setPublicVisibility(tx, guildId, userId, visible);
      if (result.before !== result.after) {
        await audit(tx, { guildId, actor: `discord:${userId} (${interaction.user.username})`, action: 'member.visibility', entityType: 'member', entityKey: userId, before: { public: result.before }, after: { public: result.after } });
      }
      return result;
    });
    const [page] = await queryRows<{ enabled: boolean | null }>(db, sql`SELECT (settings->'public_leaderboard'->>'enabled')::boolean AS enabled FROM guilds WHERE id = ${guildId}`);
    const note = page?.enabled ? '' : '\nThis server has not switched its public leaderboard on; your choice applies if it does.';
    const text = visible
      ? 'Your name and avatar are shown on this server’s public leaderboard.'
      : 'You are listed as “Hidden member” on this server’s public leaderboard: no name, avatar or id of yours appears there. Admins still see you in the panel.';
    const title = change.before === change.after ? 'Nothing changed' : visible ? 'You are visible' : 'You are hidden';
    return { embeds: [embed(title, text + note, { color: Colour.success })] };
  },
};

const announcements: SettingsSubcommand = {
  name: 'announcements',
  describe: (s) =>
    s
      .setDescription('Be named in level-up and milestone announcements, or not')
      .addStringOption((o) => o.setName('state').setDescription('on: announced; off: your rewards stay, nobody is told').setRequired(true).addChoices({ name: 'on', value: 'on' }, { name: 'off', value: 'off' })),
  async run({ interaction, guildId, userId, db }) {
    const state = interaction.options.getString('state', true);
    if (state !== 'on' && state !== 'off') return refuse('invalid_option', 'Choose `on` or `off`.', { state: state.slice(0, 20) });
    const announced = state === 'on';
    const change = await db.transaction(async (tx) => {
      const result = await setAnnouncements(tx, guildId, userId, announced);
      if (result.before !== result.after) {
        await audit(tx, { guildId, actor: `discord:${userId} (${interaction.user.username})`, action: 'member.announcements', entityType: 'member', entityKey: userId, before: { announced: result.before }, after: { announced: result.after } });
      }
      return result;
    });
    const title = change.before === change.after ? 'Nothing changed' : announced ? 'Announcements on' : 'Announcements off';
    const text = announced
      ? 'Your level-ups and milestones are announced on this server.'
      : 'Your level-ups and milestones are no longer announced on this server. You still earn them; `/milestones` and `/profile` show them.';
    return { embeds: [embed(title, text, { color: Colour.success })] };
  },
};

const SUBCOMMANDS: readonly SettingsSubcommand[] = [publicLeaderboard, announcements];

const data = new SlashCommandBuilder().setName('settings').setDescription('Your preferences on this server');
for (const sub of SUBCOMMANDS) data.addSubcommand((s) => sub.describe(s.setName(sub.name)));

export const settings: SlashCommand = {
  data: data.toJSON(),
  access: 'member',
  ephemeral: true,
  async run(context) {
    const name = context.interaction.options.getSubcommand();
    const sub = SUBCOMMANDS.find((s) => s.name === name);
    return sub ? sub.run(context) : refuse('unknown_setting', `\`${name}\` is not a setting.`, { setting: name });
  },
};

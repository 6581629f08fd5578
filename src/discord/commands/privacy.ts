// /privacy export — the member's data in this server as a JSON file, sent by DM (in the reply when
// Discord refuses the DM). /privacy delete — asks to confirm with a button; the button
// (components/privacy.ts) erases the member's data in this server (src/privacy).
import { ButtonStyle, ComponentType, SlashCommandBuilder } from 'discord.js';
import { exportMember } from '../../privacy/privacy.ts';
import type { SlashCommand } from './command.ts';
import { Colour, embed } from './replies.ts';

/** Discord's attachment limit for bots (25 MiB), with room for the message around the file. */
export const MAX_EXPORT_BYTES = 24 * 1024 * 1024;

export const privacy: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('privacy')
    .setDescription('Your data in this server: get a copy, or have it erased')
    .addSubcommand((s) => s.setName('export').setDescription('Receive everything Cairn holds about you in this server, as a JSON file by DM'))
    .addSubcommand((s) => s.setName('delete').setDescription('Erase your data in this server (asks you to confirm)'))
    .toJSON(),
  access: 'member',
  ephemeral: true,
  async run({ db, guildId, userId, clock, interaction }) {
    if (interaction.options.getSubcommand() === 'delete') {
      return {
        embeds: [embed('Erase your data in this server?', [
          'This deletes the events Cairn recorded about you, your profile and your counters in this server.',
          'Your balances and transactions stay for the server\'s totals, under an anonymous id that cannot be traced back to you: you start again from nothing if you take part again.',
          'This cannot be undone.',
        ].join('\n\n'), { color: Colour.error })],
        components: [{
          type: ComponentType.ActionRow,
          components: [{ type: ComponentType.Button, style: ButtonStyle.Danger, custom_id: `privacy:erase:${userId}`, label: 'Erase my data' }],
        }],
      };
    }
    const document = await exportMember(db, guildId, userId, clock.now());
    const data = Buffer.from(JSON.stringify(document, null, 1));
    if (data.length > MAX_EXPORT_BYTES) {
      return { embeds: [embed('Your data is too large for Discord', `It is ${(data.length / 1024 / 1024).toFixed(0)} MB, more than Discord lets a bot send. Ask an admin of this server for an export through Cairn's panel or API.`, { color: Colour.error })] };
    }
    const file = { name: `cairn-data-${guildId}-${userId}.json`, data };
    const summary = `${document.events.length} events, ${document.transactions.length} transactions, ${document.balances.length} balances, ${document.milestones.length} milestones.`;
    try {
      await interaction.user.send({ embeds: [embed('Your data', `Everything Cairn holds about you in ${interaction.guild?.name ?? 'the server'}: ${summary}`)], files: [{ attachment: file.data, name: file.name }] });
      return { embeds: [embed('Sent', `Your data is in your direct messages (${summary})`, { color: Colour.success })] };
    } catch {
      // DMs closed to this server's members: the file comes with this private reply instead.
      return { embeds: [embed('Your data', `Discord refused a direct message, so here it is (only you see this): ${summary}`)], files: [file] };
    }
  },
};

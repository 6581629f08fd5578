// The "Erase my data" button of /privacy delete: only the member it was shown to may press it.
import { MessageFlags } from 'discord.js';
import { deleteMember } from '../../privacy/privacy.ts';
import { Colour, embed } from '../commands/replies.ts';
import type { BotContext } from '../context.ts';
import { CommandError } from '../errors.ts';
import type { ComponentHandler } from './component.ts';

export const privacyComponents: ComponentHandler = {
  prefix: 'privacy',
  async handle(context: BotContext, interaction, args) {
    const [action, owner] = args;
    if (action !== 'erase' || !owner) throw new CommandError('unknown_component', 'This button is not known.');
    if (!interaction.guildId) throw new CommandError('not_in_guild', 'This works inside a server.');
    if (interaction.user.id !== owner) throw new CommandError('not_your_component', 'Only the member who asked can erase their data.');
    // Who asked is the member themselves; the audit entry keeps no id.
    const summary = await deleteMember(context.db, interaction.guildId, owner, 'the member (by /privacy delete)');
    const erased = Object.values(summary.deleted).reduce((n, v) => n + v, 0);
    await interaction.reply({ embeds: [embed('Erased', `Your data in this server was erased (${erased} records deleted, the rest anonymised).`, { color: Colour.success })], flags: MessageFlags.Ephemeral });
  },
};

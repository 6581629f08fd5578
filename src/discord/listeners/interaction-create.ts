// A slash command interaction → the command's reply; an autocomplete interaction → suggestions.
import { Events } from 'discord.js';
import { executeAutocomplete, executeCommand } from '../commands/execute.ts';
import { clientListener } from '../listener.ts';

export const interactionCreate = clientListener({
  name: 'interaction-create',
  event: Events.InteractionCreate,
  async run(context, interaction) {
    if (interaction.isAutocomplete()) return executeAutocomplete(context, interaction, context.commands);
    if (!interaction.isChatInputCommand()) return;
    await executeCommand(context, interaction, context.commands);
  },
});

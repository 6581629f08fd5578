// A slash command interaction → the command's reply.
import { Events } from 'discord.js';
import { executeCommand } from '../commands/execute.ts';
import { clientListener } from '../listener.ts';

export const interactionCreate = clientListener({
  name: 'interaction-create',
  event: Events.InteractionCreate,
  async run(context, interaction) {
    if (!interaction.isChatInputCommand()) return;
    await executeCommand(context, interaction, context.commands);
  },
});

// A slash command interaction → the command's reply (Cairn's own, or one of the guild's custom
// commands); an autocomplete interaction → suggestions; a button, select menu or modal → the
// handler of the module whose prefix its custom id carries.
import { Events } from 'discord.js';
import type { SlashCommand } from '../commands/command.ts';
import { customSlashCommand } from '../commands/custom.ts';
import { executeAutocomplete, executeCommand } from '../commands/execute.ts';
import { commandNamed } from '../commands/registry.ts';
import { executeComponent } from '../components/execute.ts';
import { COMPONENT_HANDLERS } from '../components/registry.ts';
import type { BotContext } from '../context.ts';
import { clientListener } from '../listener.ts';

/** The built-ins, plus the guild's custom command of that name when it is not a built-in. */
async function commandsFor(context: BotContext, name: string, guildId: string | null): Promise<readonly SlashCommand[]> {
  if (!guildId || commandNamed(name, context.commands)) return context.commands;
  try {
    const custom = (await context.configs.get(guildId)).commands.find((c) => c.name === name);
    return custom ? [...context.commands, customSlashCommand(custom)] : context.commands;
  } catch (error) {
    // The member is told the command is unavailable rather than left waiting.
    context.logger.error({ err: error, guildId, command: name }, 'could not read the guild’s custom commands');
    return context.commands;
  }
}

export const interactionCreate = clientListener({
  name: 'interaction-create',
  event: Events.InteractionCreate,
  async run(context, interaction) {
    if (interaction.isAutocomplete()) return executeAutocomplete(context, interaction, context.commands);
    if (interaction.isMessageComponent() || interaction.isModalSubmit()) return executeComponent(context, interaction, COMPONENT_HANDLERS);
    if (!interaction.isChatInputCommand()) return;
    await executeCommand(context, interaction, await commandsFor(context, interaction.commandName, interaction.guildId));
  },
});

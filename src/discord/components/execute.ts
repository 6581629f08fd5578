// Runs the handler a button, select menu or modal belongs to; refuses it when its module is off,
// and turns any failure into a private answer (unexpected ones logged with the member's reference).
import { randomUUID } from 'node:crypto';
import { MessageFlags } from 'discord.js';
import { isModuleEnabled } from '../../guilds/modules.ts';
import { errorEmbed } from '../commands/replies.ts';
import type { BotContext } from '../context.ts';
import { CommandError } from '../errors.ts';
import { parseCustomId, type ComponentHandler, type ComponentInteraction } from './component.ts';

export async function executeComponent(context: BotContext, interaction: ComponentInteraction, handlers: readonly ComponentHandler[]): Promise<void> {
  const reference = randomUUID().slice(0, 8);
  const { prefix, args } = parseCustomId(interaction.customId);
  try {
    const handler = handlers.find((h) => h.prefix === prefix);
    if (!handler) throw new CommandError('unknown_component', 'This button is not in use any more.');
    if (handler.module && interaction.guildId && !isModuleEnabled((await context.configs.get(interaction.guildId)).settings, handler.module)) {
      throw new CommandError('module_off', `This is switched off on this server (module ${handler.module}).`, { module: handler.module });
    }
    await handler.handle(context, interaction, args);
  } catch (error) {
    if (error instanceof CommandError) context.logger.info({ customId: interaction.customId, code: error.code, ...error.context }, 'component refused');
    else context.logger.error({ err: error, customId: interaction.customId, reference }, 'component failed');
    await tell(interaction, errorEmbed(error, reference)).catch((err: unknown) => context.logger.warn({ err, customId: interaction.customId }, 'could not answer a component interaction'));
  }
}

async function tell(interaction: ComponentInteraction, embed: ReturnType<typeof errorEmbed>): Promise<void> {
  if (interaction.deferred || interaction.replied) await interaction.followUp({ embeds: [embed], flags: MessageFlags.Ephemeral });
  else await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral });
}

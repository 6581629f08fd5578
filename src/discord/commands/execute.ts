// Runs a slash command for an interaction: refuses non-admins on admin commands, defers the reply
// when the work takes a while (Discord waits 3 s at most), and turns any failure into a friendly,
// private reply; unexpected failures are logged with the reference the member is given.
import { randomUUID } from 'node:crypto';
import { MessageFlags, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { isModuleEnabled } from '../../guilds/modules.ts';
import { CommandError } from '../errors.ts';
import type { CommandReply, CommandServices, SlashCommand } from './command.ts';
import { isCairnAdmin } from './permissions.ts';
import { errorEmbed } from './replies.ts';
import { commandNamed } from './registry.ts';

/** After this long without an answer, the reply is deferred and edited in later. */
export const DEFER_AFTER_MS = 2_000;

export async function executeCommand(services: CommandServices, interaction: ChatInputCommandInteraction, commands?: readonly SlashCommand[]): Promise<void> {
  const reference = randomUUID().slice(0, 8);
  const command = commandNamed(interaction.commandName, commands);
  const ephemeral = command?.ephemeral ?? true;
  let deferring: Promise<unknown> | undefined;
  const timer = setTimeout(() => {
    deferring = interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {}).catch(() => undefined);
  }, DEFER_AFTER_MS);
  let reply: CommandReply;
  let isError = false;
  try {
    if (!command) throw new CommandError('unknown_command', 'This command is not available any more.');
    const guildId = interaction.guildId;
    if (!guildId) throw new CommandError('not_in_guild', 'Cairn commands work inside a server.');
    // Registration follows a module switch within moments; a command still shown is refused here.
    if (command.module && !isModuleEnabled((await services.configs.get(guildId)).settings, command.module)) {
      throw new CommandError('module_off', `/${command.data.name} is switched off on this server (module ${command.module}).`, { module: command.module });
    }
    if (command.access === 'admin') {
      const config = await services.configs.get(guildId);
      if (!isCairnAdmin(interaction, config.settings)) {
        throw new CommandError('not_admin', `Only admins can use /${command.data.name} (Manage Server permission or a Cairn admin role).`);
      }
    }
    reply = await command.run({ ...services, interaction, guildId, userId: interaction.user.id });
    if (reply.refused) services.logger.info({ command: interaction.commandName, code: reply.refused.code, ...reply.refused.context }, 'command refused');
  } catch (error) {
    isError = true;
    if (error instanceof CommandError) services.logger.info({ command: interaction.commandName, code: error.code, ...error.context }, 'command refused');
    else services.logger.error({ err: error, command: interaction.commandName, reference }, 'command failed');
    reply = { embeds: [errorEmbed(error, reference)] };
  } finally {
    clearTimeout(timer);
  }
  const private_ = (reply.ephemeral ?? ephemeral) || isError || reply.refused !== undefined;
  // A modal can only be the first answer; one that took too long to build becomes an error message.
  if (reply.modal && !deferring) {
    await interaction.showModal(reply.modal);
    return;
  }
  if (deferring) {
    await deferring;
    await interaction.editReply({ embeds: reply.embeds, content: reply.content ?? '', ...attachments(reply), ...components(reply) });
    return;
  }
  await interaction.reply({ embeds: reply.embeds, ...(reply.content ? { content: reply.content } : {}), ...attachments(reply), ...components(reply), ...(private_ ? { flags: MessageFlags.Ephemeral } : {}) });
}

const components = (reply: CommandReply) => (reply.components?.length ? { components: reply.components } : {});

const attachments = (reply: CommandReply) => (reply.files?.length ? { files: reply.files.map((f) => ({ attachment: f.data, name: f.name })) } : {});

/** Answers an autocomplete interaction with the command's suggestions; never throws (no suggestions on failure). */
export async function executeAutocomplete(services: CommandServices, interaction: AutocompleteInteraction, commands?: readonly SlashCommand[]): Promise<void> {
  const command = commandNamed(interaction.commandName, commands);
  let choices: { name: string; value: string }[] = [];
  try {
    const focused = interaction.options.getFocused(true);
    if (command?.autocomplete && interaction.guildId) {
      choices = (await command.autocomplete({ ...services, interaction, guildId: interaction.guildId, focused: { name: focused.name, value: String(focused.value) } })).slice(0, 25);
    }
  } catch (error) {
    services.logger.warn({ err: error, command: interaction.commandName }, 'autocomplete failed; answering with no suggestions');
  }
  await interaction.respond(choices).catch((error: unknown) => services.logger.warn({ err: error, command: interaction.commandName }, 'autocomplete answer not delivered'));
}

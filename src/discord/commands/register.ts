// Registers the slash commands in each guild (PUT /applications/:app/guilds/:guild/commands):
// guild commands appear at once, and the set is replaced whole, so removed commands disappear.
// Each guild gets the commands of the modules it has on; when a configuration reload changes that
// set (a module switched), the guild's commands are registered again.
import type { Client } from 'discord.js';
import type { Logger } from '../../log/logger.ts';
import type { CompiledConfig } from '../../rules/compiler.ts';
import type { ConfigStore } from '../../rules/config-store.ts';
import type { SlashCommand } from './command.ts';
import { enabledCommands } from './command-modules.ts';

export class CommandRegistrar {
  /** The command names last registered per guild, to register again only on a change. */
  readonly #registered = new Map<string, string>();

  constructor(
    private readonly client: Client,
    private readonly commands: readonly SlashCommand[],
    private readonly configs: ConfigStore,
    private readonly logger: Logger,
  ) {}

  async register(guildIds: readonly string[]): Promise<void> {
    for (const guildId of guildIds) {
      try {
        const config = await this.configs.get(guildId);
        await this.#put(guildId, enabledCommands(this.commands, config.settings));
      } catch (error) {
        // Usually the bot was invited without the applications.commands scope.
        this.logger.warn({ err: error, guildId }, 'could not register slash commands in a guild');
      }
    }
  }

  /** After a configuration reload: registers the guild's commands again if their set changed. */
  async refresh(config: CompiledConfig): Promise<void> {
    const previous = this.#registered.get(config.guildId);
    if (previous === undefined || !this.client.guilds.cache.has(config.guildId)) return;
    const commands = enabledCommands(this.commands, config.settings);
    if (signature(commands) === previous) return;
    try {
      await this.#put(config.guildId, commands);
    } catch (error) {
      this.logger.warn({ err: error, guildId: config.guildId }, 'could not register slash commands again after a module change');
    }
  }

  async #put(guildId: string, commands: readonly SlashCommand[]): Promise<void> {
    const application = this.client.application;
    if (!application) throw new Error('the client has no application yet (register after ClientReady)');
    await application.commands.set(commands.map((c) => c.data), guildId);
    this.#registered.set(guildId, signature(commands));
    this.logger.debug({ guildId, commands: commands.length }, 'slash commands registered');
  }
}

const signature = (commands: readonly SlashCommand[]) => commands.map((c) => c.data.name).join(',');

// Registers each guild's slash commands (PUT /applications/:app/guilds/:guild/commands): Cairn's
// own plus the guild's custom commands of enabled modules. Guild commands appear at once, and the
// set is replaced whole, so removed commands disappear. A configuration reload re-registers a guild
// only when its set changed (compared by hash); one registration per guild runs at a time.
import { createHash } from 'node:crypto';
import type { Client, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { isModuleEnabled } from '../../guilds/modules.ts';
import type { Logger } from '../../log/logger.ts';
import type { CompiledConfig } from '../../rules/compiler.ts';
import type { ConfigStore } from '../../rules/config-store.ts';
import type { SlashCommand } from './command.ts';
import { enabledCommands } from './command-modules.ts';
import { customCommandData } from './custom.ts';

/** The commands a guild gets: the built-ins, then its custom commands, of the modules it has on. */
export function guildCommandSet(builtIns: readonly SlashCommand[], config: CompiledConfig): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const taken = new Set(builtIns.map((c) => c.data.name));
  const custom = config.commands.filter((c) => !taken.has(c.name) && isModuleEnabled(config.settings, c.module));
  return [...enabledCommands(builtIns, config.settings).map((c) => c.data), ...custom.map(customCommandData)];
}

const hashOf = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest('hex');

export class GuildCommandRegistrar {
  /** Hash of the set last registered per guild. */
  readonly #registered = new Map<string, string>();
  readonly #queue = new Map<string, Promise<void>>();
  /** Registrations sent to Discord (tests and the benchmark read it). */
  registrations = 0;

  constructor(
    private readonly client: Client,
    private readonly configs: ConfigStore,
    private readonly builtIns: readonly SlashCommand[],
    private readonly logger: Logger,
  ) {}

  /** Registers the guilds' sets (all of them, or those that changed since the last registration). */
  async register(guildIds: readonly string[]): Promise<void> {
    await Promise.all(guildIds.map((guildId) => this.#enqueue(guildId)));
  }

  /** A guild's configuration was (re)loaded: re-register it if the bot is in it and its set changed. */
  configChanged(config: CompiledConfig): void {
    if (!this.client.isReady() || !this.client.guilds.cache.has(config.guildId)) return;
    void this.#enqueue(config.guildId);
  }

  #enqueue(guildId: string): Promise<void> {
    const previous = this.#queue.get(guildId) ?? Promise.resolve();
    const next = previous.then(() => this.#registerOne(guildId));
    this.#queue.set(guildId, next);
    void next.finally(() => {
      if (this.#queue.get(guildId) === next) this.#queue.delete(guildId);
    });
    return next;
  }

  async #registerOne(guildId: string): Promise<void> {
    const application = this.client.application;
    if (!application) throw new Error('the client has no application yet (register after ClientReady)');
    let body: RESTPostAPIChatInputApplicationCommandsJSONBody[];
    try {
      // The cached configuration is the newest one loaded (a queued run may follow a later reload).
      body = guildCommandSet(this.builtIns, await this.configs.get(guildId));
    } catch (error) {
      // Without the guild's configuration, Cairn's own commands still work.
      this.logger.warn({ err: error, guildId }, 'could not read the guild’s custom commands; registering the built-in ones');
      body = this.builtIns.map((c) => c.data);
    }
    const hash = hashOf(body);
    if (this.#registered.get(guildId) === hash) return;
    try {
      await application.commands.set(body, guildId);
      this.#registered.set(guildId, hash);
      this.registrations++;
      this.logger.debug({ guildId, commands: body.length }, 'slash commands registered');
    } catch (error) {
      // Usually the bot was invited without the applications.commands scope.
      this.logger.warn({ err: error, guildId }, 'could not register slash commands in a guild');
    }
  }
}

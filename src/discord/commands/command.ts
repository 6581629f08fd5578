// What a slash command is: its registration data, who may run it, whether its reply is private,
// and a run function that returns the reply (expected failures are thrown as CommandError).
import type { APIActionRowComponent, APIApplicationCommandOptionChoice, APIComponentInMessageActionRow, APIEmbed, APIModalInteractionResponseCallbackData, AutocompleteInteraction, ChatInputCommandInteraction, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { AiService } from '../../ai/ai-service.ts';
import type { Clock } from '../../app/clock.ts';
import type { Db } from '../../db/client.ts';
import type { Logger } from '../../log/logger.ts';
import type { IngestPipeline } from '../../pipeline/ingest.ts';
import type { ManualAwards } from '../../pipeline/manual-awards.ts';
import type { ConfigStore } from '../../rules/config-store.ts';

/** What commands may use: the same services as the rest of Cairn. */
export interface CommandServices {
  db: Db;
  pipeline: IngestPipeline;
  configs: ConfigStore;
  /** Manual awards, applied alone: a refused one writes nothing. */
  awards: ManualAwards;
  clock: Clock;
  logger: Logger;
  /** Gemini features (/audit); absent when the bot runs without them. */
  ai?: AiService | undefined;
  /** The commands the bot offers (for /config's module list: which module owns which). */
  commands?: readonly SlashCommand[];
}

export interface CommandContext extends CommandServices {
  interaction: ChatInputCommandInteraction;
  guildId: string;
  /** The member who ran the command. */
  userId: string;
}

export interface CommandReply {
  embeds: APIEmbed[];
  content?: string;
  /** Files sent with the reply; an embed shows one with `attachment://<name>` (the /profile card). */
  files?: { name: string; data: Buffer }[];
  /** Buttons or select menus under the reply (e.g. /onboarding's "answer the questions"). */
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
  /**
   * Set when the command refused (an expected failure returned as a value, e.g. a purchase the
   * member cannot afford): the reply is private and logged as refused, like a CommandError.
   */
  refused?: { code: string; context?: Record<string, unknown> };
  /** Whether only the invoker sees this reply, when it differs from the command's default (/faq show public). */
  ephemeral?: boolean;
  /** Answer with this modal instead of a message (a form, e.g. /faq add); its submit goes to a component handler. */
  modal?: APIModalInteractionResponseCallbackData;
}

export interface SlashCommand {
  readonly data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** 'admin': Manage Server permission or one of the guild's admin_role_ids. */
  readonly access: 'member' | 'admin';
  /** Only the invoker sees the reply. */
  readonly ephemeral: boolean;
  /**
   * The module that owns the command: not registered (and refused) in a guild that switched it
   * off. Cairn's built-in commands have none: they are core and always on.
   */
  readonly module?: string;
  run(context: CommandContext): Promise<CommandReply>;
  /** Suggestions for the option being typed (options registered with autocomplete). */
  autocomplete?(context: AutocompleteContext): Promise<APIApplicationCommandOptionChoice<string>[]>;
}

export interface AutocompleteContext extends CommandServices {
  interaction: AutocompleteInteraction;
  guildId: string;
  /** The option being typed and what was typed so far. */
  focused: { name: string; value: string };
}

// Buttons, select menus and modals: a module claims the custom ids that start with its prefix
// ("ticket:claim:12" belongs to the `ticket` handler) and answers the interaction itself.
import type { MessageComponentInteraction, ModalSubmitInteraction } from 'discord.js';
import type { BotContext } from '../context.ts';

export type ComponentInteraction = MessageComponentInteraction | ModalSubmitInteraction;

export interface ComponentHandler {
  /** The part of the custom id before the first ":". */
  readonly prefix: string;
  /** The module that owns it: its components are refused in a guild that switched it off. */
  readonly module?: string;
  /**
   * Answers the interaction (reply, update, showModal…). Expected failures are thrown as
   * CommandError and told to the member privately; anything else is logged with a reference.
   */
  handle(context: BotContext, interaction: ComponentInteraction, args: readonly string[]): Promise<void>;
}

/** Splits a custom id into its handler prefix and arguments ("ticket:claim:12" → ticket, [claim, 12]). */
export function parseCustomId(customId: string): { prefix: string; args: string[] } {
  const [prefix = '', ...args] = customId.split(':');
  return { prefix, args };
}

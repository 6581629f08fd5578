// The desk's buttons, select menu and modal (custom ids `ticket:…`): open (button or category
// select → the subject modal → the ticket), and Claim / Close on a ticket's first message.
import { MessageFlags, type ModalSubmitInteraction } from 'discord.js';
import type { BotContext } from '../context.ts';
import type { ComponentHandler, ComponentInteraction } from '../components/component.ts';
import { CommandError } from '../errors.ts';
import { Colour, embed, errorEmbed } from '../commands/replies.ts';
import { claimTicket, closeTicket, ticketNumbered } from './actions.ts';
import { deskFor } from './desk.ts';
import { invokerOf } from './invoker.ts';
import { subjectModal } from './messages.ts';
import { categoryOf, limitReached, openTicket } from './open.ts';

const answer = (text: string) => ({ embeds: [embed('Tickets', text, { color: Colour.info })], flags: MessageFlags.Ephemeral as const });

export const ticketComponents: ComponentHandler = {
  prefix: 'ticket',
  module: 'support',
  async handle(context: BotContext, interaction: ComponentInteraction, args: readonly string[]) {
    const desk = deskFor(context.client, context);
    const { invoker, settings } = await invokerOf(desk, interaction);
    const [action, param] = args;
    if ((action === 'open' || action === 'open-select') && !interaction.isModalSubmit()) {
      const choice = interaction.isStringSelectMenu() ? interaction.values[0] : undefined;
      const category = categoryOf(settings, choice);
      const limit = await limitReached(desk, invoker, settings, category);
      if (limit) return void (await interaction.reply(answer(limit)));
      return void (await interaction.showModal(subjectModal(category)));
    }
    if (action === 'subject' && interaction.isModalSubmit()) {
      // Creating the thread and its members takes a few calls: answer within Discord's 3 s first.
      return deferred(context, interaction, () => openTicket(desk, invoker, settings, { category: categoryOf(settings, param), subject: subjectOf(interaction) }));
    }
    if ((action === 'claim' || action === 'close') && interaction.isButton()) {
      const ticket = await ticketNumbered(desk, invoker, Number(param));
      return deferred(context, interaction, () => (action === 'claim' ? claimTicket(desk, invoker, settings, ticket) : closeTicket(desk, invoker, settings, ticket, null)));
    }
    throw new CommandError('unknown_component', 'This button is not in use any more.');
  },
};

/**
 * Answers privately at once ("thinking…") and edits in the outcome: a refusal becomes the answer;
 * anything unexpected is the component executor's to log and report.
 */
async function deferred(context: BotContext, interaction: ComponentInteraction, work: () => Promise<string>): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  try {
    await interaction.editReply({ embeds: answer(await work()).embeds });
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    context.logger.info({ customId: interaction.customId, code: error.code, ...error.context }, 'component refused');
    await interaction.editReply({ embeds: [errorEmbed(error, '')] });
  }
}

function subjectOf(interaction: ModalSubmitInteraction): string {
  try {
    return interaction.fields.getTextInputValue('subject');
  } catch {
    return '';
  }
}

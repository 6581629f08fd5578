// The FAQ's buttons, menu and forms: "This helped" (once per member per entry), another search
// result picked from the menu, and the staff form of /faq add and /faq edit.
import { MessageFlags, type ModalSubmitInteraction } from 'discord.js';
import { recordHelpful } from '../../faq/engagement.ts';
import { getFaqEntry, saveFaqEntry } from '../../faq/repository.ts';
import { isStaff } from '../commands/audit.ts';
import { Colour, embed } from '../commands/replies.ts';
import type { BotContext } from '../context.ts';
import { CommandError } from '../errors.ts';
import { showEntry } from '../faq/reads.ts';
import { entryEmbed, entryFromForm, keyFromQuestion } from '../faq/view.ts';
import { snowflakeIso } from '../normalize/snowflake.ts';
import type { ComponentHandler, ComponentInteraction } from './component.ts';

const privately = (interaction: ComponentInteraction, title: string, text: string, color: number = Colour.success) =>
  interaction.reply({ embeds: [embed(title, text, { color })], flags: MessageFlags.Ephemeral });

function guildOf(interaction: ComponentInteraction): string {
  if (!interaction.guildId) throw new CommandError('not_in_guild', 'The FAQ works inside a server.');
  return interaction.guildId;
}

async function helpful(context: BotContext, interaction: ComponentInteraction, key: string): Promise<void> {
  const guildId = guildOf(interaction);
  const entry = await getFaqEntry(context.db, guildId, key);
  if (!entry) throw new CommandError('unknown_entry', 'This FAQ entry was deleted.');
  const voter = { guildId, memberId: interaction.user.id, channelId: interaction.channelId, occurredAt: snowflakeIso(interaction.id) };
  const counted = await recordHelpful(context.db, context.pipeline, entry, voter);
  await privately(interaction, counted ? 'Thanks for telling us' : 'Already counted', counted ? 'Glad it helped!' : 'You already marked this answer as helpful.');
}

async function pick(context: BotContext, interaction: ComponentInteraction): Promise<void> {
  const key = interaction.isStringSelectMenu() ? interaction.values[0] : undefined;
  if (!key) throw new CommandError('invalid_option', 'Choose an answer from the menu.');
  const reader = { db: context.db, pipeline: context.pipeline, guildId: guildOf(interaction), userId: interaction.user.id, channelId: interaction.channelId, interactionId: interaction.id };
  const reply = await showEntry(reader, key, 'search');
  await interaction.reply({ embeds: reply.embeds, ...(reply.components ? { components: reply.components } : {}), flags: MessageFlags.Ephemeral });
}

/** A new entry's key from its question, made unique in the guild (-2, -3…). */
async function freshKey(context: BotContext, guildId: string, question: string): Promise<string> {
  const base = keyFromQuestion(question);
  for (let n = 1; ; n++) {
    const key = n === 1 ? base : `${base}-${n}`;
    if (!(await getFaqEntry(context.db, guildId, key))) return key;
  }
}

async function submit(context: BotContext, interaction: ModalSubmitInteraction, editing: string | undefined): Promise<void> {
  const guildId = guildOf(interaction);
  if (!isStaff(interaction, (await context.configs.get(guildId)).settings)) throw new CommandError('not_staff', 'Only staff can add or edit FAQ entries.');
  const field = (id: string) => interaction.fields.getTextInputValue(id) ?? '';
  const fields = { question: field('question'), answer: field('answer'), tags: field('tags'), alternatives: field('alternatives') };
  const key = editing ?? (await freshKey(context, guildId, fields.question));
  if (editing && !(await getFaqEntry(context.db, guildId, editing))) throw new CommandError('unknown_entry', `The FAQ entry “${editing}” was deleted meanwhile; nothing was saved.`);
  const actor = `discord:${interaction.user.id} (${interaction.user.username})`;
  const saved = await context.db.transaction((tx) => saveFaqEntry(tx, guildId, entryFromForm(key, fields), actor, { authorId: interaction.user.id }));
  if (!saved.ok) throw new CommandError('invalid_entry', `Nothing was saved: ${saved.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`.slice(0, 1500));
  await interaction.reply({ embeds: [embed(editing ? 'FAQ entry updated' : 'FAQ entry added', `Saved as \`${key}\`.`, { color: Colour.success }), entryEmbed(saved.value)], flags: MessageFlags.Ephemeral });
}

export const faqComponents: ComponentHandler = {
  prefix: 'faq',
  module: 'support',
  async handle(context, interaction, args) {
    const [action, key] = args;
    if (action === 'helpful' && key && interaction.isButton()) return helpful(context, interaction, key);
    if (action === 'pick') return pick(context, interaction);
    if (action === 'add' && interaction.isModalSubmit()) return submit(context, interaction, undefined);
    if (action === 'edit' && key && interaction.isModalSubmit()) return submit(context, interaction, key);
    throw new CommandError('unknown_component', 'This button is not in use any more.');
  },
};

// /faq search query | show entry [public] | add | edit entry — the support module's FAQ: members
// search and read (views and "This helped" votes go to the lake), staff add and edit through a form.
import { SlashCommandBuilder, type APIApplicationCommandOptionChoice } from 'discord.js';
import { getFaqEntry } from '../../faq/repository.ts';
import { MAX_QUERY } from '../../faq/query.ts';
import { suggestFaq } from '../../faq/suggest.ts';
import { answerSearch, printable, showEntry, type FaqReader } from '../faq/reads.ts';
import { entryModal, FaqIds } from '../faq/view.ts';
import { isStaff } from './audit.ts';
import type { AutocompleteContext, CommandContext, CommandReply, SlashCommand } from './command.ts';
import { refuse } from './replies.ts';

const reader = (c: CommandContext): FaqReader => ({ db: c.db, pipeline: c.pipeline, guildId: c.guildId, userId: c.userId, channelId: c.interaction.channelId, interactionId: c.interaction.id });

async function staffOnly(c: CommandContext, then: () => Promise<CommandReply>): Promise<CommandReply> {
  if (!isStaff(c.interaction, (await c.configs.get(c.guildId)).settings)) {
    return refuse('not_staff', 'Only staff can add or edit FAQ entries (admins, moderators or a staff role).');
  }
  return then();
}

export const faq: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('faq')
    .setDescription('Answers to common questions')
    .addSubcommand((s) =>
      s
        .setName('search')
        .setDescription('Search the FAQ')
        .addStringOption((o) => o.setName('query').setDescription('Your question').setRequired(true).setMaxLength(MAX_QUERY).setAutocomplete(true)),
    )
    .addSubcommand((s) =>
      s
        .setName('show')
        .setDescription('Show one FAQ entry')
        .addStringOption((o) => o.setName('entry').setDescription('The entry').setRequired(true).setMaxLength(100).setAutocomplete(true))
        .addBooleanOption((o) => o.setName('public').setDescription('Post it in the channel for everyone (default: only you see it)')),
    )
    .addSubcommand((s) => s.setName('add').setDescription('Add an FAQ entry (staff)'))
    .addSubcommand((s) =>
      s
        .setName('edit')
        .setDescription('Edit an FAQ entry (staff)')
        .addStringOption((o) => o.setName('entry').setDescription('The entry').setRequired(true).setMaxLength(100).setAutocomplete(true)),
    )
    .toJSON(),
  access: 'member',
  ephemeral: true,
  module: 'support',
  async run(c) {
    const options = c.interaction.options;
    switch (options.getSubcommand()) {
      case 'search':
        return answerSearch(reader(c), options.getString('query', true));
      case 'show':
        return showEntry(reader(c), options.getString('entry', true).trim(), 'show', { public: options.getBoolean('public') ?? false });
      case 'add':
        return staffOnly(c, async () => ({ embeds: [], modal: entryModal(FaqIds.add, 'New FAQ entry') }));
      default:
        return staffOnly(c, async () => {
          const key = options.getString('entry', true).trim();
          const entry = await getFaqEntry(c.db, c.guildId, key);
          if (!entry) return refuse('unknown_entry', `There is no FAQ entry “${printable(key)}”.`, { entry: printable(key) });
          return { embeds: [], modal: entryModal(FaqIds.edit(entry.key), `Edit: ${entry.question}`, entry) };
        });
    }
  },
  async autocomplete(c: AutocompleteContext): Promise<APIApplicationCommandOptionChoice<string>[]> {
    // The query's suggestions are questions (picking one searches for it); entries are named by key.
    const suggestions = await suggestFaq(c.db, c.guildId, c.focused.value);
    return suggestions.map((s) => ({ name: s.question.slice(0, 100), value: c.focused.name === 'query' ? s.question.slice(0, 100) : s.key }));
  },
};

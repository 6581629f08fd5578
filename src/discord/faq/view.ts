// How the FAQ looks in Discord: an entry as an embed with its "This helped" button, a search's
// results (the best shown, the others in a menu), and the staff form for adding or editing.
import { ButtonStyle, ComponentType, TextInputStyle, type APIActionRowComponent, type APIComponentInMessageActionRow, type APIEmbed, type APIModalInteractionResponseCallbackData } from 'discord.js';
import type { FaqEntry } from '../../faq/schema.ts';
import { MAX_ANSWER, MAX_QUESTION } from '../../faq/schema.ts';
import { Colour, embed } from '../commands/replies.ts';

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;
type Shown = Pick<FaqEntry, 'key' | 'question' | 'answer' | 'tags'>;

/** Custom ids: the `faq` component handler reads them (faq:helpful:<key>, faq:pick, faq:add, faq:edit:<key>). */
export const FaqIds = {
  helpful: (key: string) => `faq:helpful:${key}`,
  pick: 'faq:pick',
  add: 'faq:add',
  edit: (key: string) => `faq:edit:${key}`,
} as const;

export function entryEmbed(entry: Shown): APIEmbed {
  return embed(entry.question, entry.answer, { footer: { text: [`/faq show ${entry.key}`, ...(entry.tags.length ? [entry.tags.map((t) => `#${t}`).join(' ')] : [])].join(' · ').slice(0, 2048) } });
}

export function helpfulRow(key: string): Row {
  return { type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Success, custom_id: FaqIds.helpful(key), label: 'This helped', emoji: { name: '👍' } }] };
}

/** The other results of a search, as a menu that shows the chosen one. */
export function othersRow(others: readonly Pick<FaqEntry, 'key' | 'question'>[]): Row {
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.StringSelect,
        custom_id: FaqIds.pick,
        placeholder: 'Other answers that may fit',
        options: others.slice(0, 25).map((o) => ({ label: o.question.slice(0, 100), value: o.key, description: `/faq show ${o.key}`.slice(0, 100) })),
      },
    ],
  };
}

export const noAnswerEmbed = (query: string): APIEmbed =>
  embed('No answer yet', `Sorry, the FAQ has nothing on “${query.slice(0, 200)}” yet. Staff can see that it was asked and may add an answer. If you need help now, open a ticket (\`/ticket\` or the support channel's button) and a staff member will answer you.`, { color: Colour.info });

const input = (id: string, label: string, style: TextInputStyle, max: number, required: boolean, value?: string) => ({
  type: ComponentType.ActionRow as const,
  components: [{ type: ComponentType.TextInput as const, custom_id: id, label, style, max_length: max, required, ...(value ? { value: value.slice(0, max) } : {}) }],
});

/** The staff form: question, answer (Markdown), tags (comma-separated), other phrasings (one per line). */
export function entryModal(customId: string, title: string, entry?: FaqEntry): APIModalInteractionResponseCallbackData {
  return {
    custom_id: customId,
    title: title.slice(0, 45),
    components: [
      input('question', 'Question', TextInputStyle.Short, MAX_QUESTION, true, entry?.question),
      input('answer', 'Answer (Markdown)', TextInputStyle.Paragraph, MAX_ANSWER, true, entry?.answer),
      input('tags', 'Tags, separated by commas', TextInputStyle.Short, 400, false, entry?.tags.join(', ')),
      input('alternatives', 'Other ways to ask it, one per line', TextInputStyle.Paragraph, 2000, false, entry?.alternatives.join('\n')),
    ],
  } as APIModalInteractionResponseCallbackData;
}

/** The form's fields as an entry document (validated by the save). */
export function entryFromForm(key: string, fields: { question: string; answer: string; tags: string; alternatives: string }): Record<string, unknown> {
  const list = (text: string, separator: RegExp) => text.split(separator).map((s) => s.trim()).filter(Boolean);
  return { key, question: fields.question, answer: fields.answer, tags: list(fields.tags, /,/), alternatives: list(fields.alternatives, /\n/) };
}

/** A key for a new entry from its question ("How do I get roles?" → how-do-i-get-roles). */
export function keyFromQuestion(question: string): string {
  const slug = question.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56).replace(/-+$/, '');
  return slug || 'entry';
}

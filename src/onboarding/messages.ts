// What the flow says to a new member, as Discord message bodies (plain JSON, no client needed): the
// welcome from the guild's template, and each question with its buttons or select menu. Custom ids
// carry the guild and member, since a DM interaction has no guild: onb:<kind>:<guild>:<user>:…
import type { OnboardingSettings } from './settings.ts';

export const ONBOARDING_PREFIX = 'onb';
const MAX_CONTENT = 2000;
const BUTTONS_PER_ROW = 5;

type Question = OnboardingSettings['questionnaire']['questions'][number];

export interface MessageBody {
  content: string;
  components?: Record<string, unknown>[];
}

/** Text that must not ping anyone or break out of its place: @everyone/@here and mentions are defused. */
export function defuse(text: string): string {
  return text.replace(/@(everyone|here)/g, '@\u200b$1').replace(/<@([!&]?\d+)>/g, '<@\u200b$1>');
}

export interface ChecklistItem {
  label: string;
  description: string;
  done: boolean;
}

export function checklistText(items: ChecklistItem[]): string {
  return items.map((s) => `${s.done ? '✅' : '⬜'} **${defuse(s.label)}**${s.description ? ` — ${defuse(s.description)}` : ''}`).join('\n');
}

/**
 * The welcome: the admin's template with {member} (a mention of the new member only), {server}
 * and {checklist} filled in. Names and labels are defused; allowed mentions (delivery) let only
 * the member be pinged whatever the template says.
 */
export function welcomeText(template: string, values: { userId: string; serverName: string; checklist: ChecklistItem[] }): string {
  const filled = defuse(template).replace(/\{(member|server|checklist)\}/g, (_, key: string) =>
    key === 'member' ? `<@${values.userId}>` : key === 'server' ? defuse(values.serverName) : checklistText(values.checklist),
  );
  return filled.length > MAX_CONTENT ? `${filled.slice(0, MAX_CONTENT - 1)}…` : filled;
}

function emojiOf(emoji: string | undefined): Record<string, unknown> | undefined {
  if (!emoji) return undefined;
  const custom = emoji.match(/^<(a?):([A-Za-z0-9_]{2,32}):(\d{1,20})>$/);
  return custom ? { id: custom[3], name: custom[2], animated: custom[1] === 'a' } : { name: emoji };
}

export const buttonId = (guildId: string, userId: string, question: string, option: number) => `${ONBOARDING_PREFIX}:b:${guildId}:${userId}:${question}:${option}`;
export const selectId = (guildId: string, userId: string, question: string) => `${ONBOARDING_PREFIX}:s:${guildId}:${userId}:${question}`;
export const openId = (guildId: string, userId: string) => `${ONBOARDING_PREFIX}:o:${guildId}:${userId}`;

/** A question's rows: buttons (chosen ones highlighted) or one select menu (chosen ones preselected). */
export function questionRows(guildId: string, userId: string, question: Question, chosen: readonly string[] = []): Record<string, unknown>[] {
  if (question.style === 'buttons') {
    const buttons = question.options.map((o, i) => ({
      type: 2,
      style: chosen.includes(o.key) ? 1 : 2,
      label: o.label,
      custom_id: buttonId(guildId, userId, question.key, i),
      ...(emojiOf(o.emoji) ? { emoji: emojiOf(o.emoji) } : {}),
    }));
    const rows: Record<string, unknown>[] = [];
    for (let i = 0; i < buttons.length; i += BUTTONS_PER_ROW) rows.push({ type: 1, components: buttons.slice(i, i + BUTTONS_PER_ROW) });
    return rows;
  }
  const select = {
    type: 3,
    custom_id: selectId(guildId, userId, question.key),
    placeholder: question.multiple ? 'Choose any that fit' : 'Choose one',
    min_values: question.required ? 1 : 0,
    max_values: question.multiple ? question.options.length : 1,
    options: question.options.map((o) => ({
      label: o.label,
      value: o.key,
      ...(o.description ? { description: o.description } : {}),
      ...(emojiOf(o.emoji) ? { emoji: emojiOf(o.emoji) } : {}),
      ...(chosen.includes(o.key) ? { default: true } : {}),
    })),
  };
  return [{ type: 1, components: [select] }];
}

/** One question as a message: its prompt (and, in a channel, whom it is for) above its components. */
export function questionMessage(guildId: string, userId: string, question: Question, options: { inChannel: boolean; chosen?: readonly string[] }): MessageBody {
  const hint = question.style === 'buttons' && question.multiple ? ' *(pick any; click again to undo)*' : '';
  const prompt = `${options.inChannel ? `<@${userId}> ` : ''}**${defuse(question.prompt)}**${hint}`;
  return { content: prompt, components: questionRows(guildId, userId, question, options.chosen) };
}

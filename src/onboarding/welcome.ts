// The outbox rows a new member's welcome and questionnaire become: written with their enrollment,
// in one transaction, so a join is welcomed once even if it is replayed or the process dies.
import type { CompiledFlow } from './flow.ts';
import type { OutboxItem, WelcomeStatus } from './members.ts';
import { questionMessage, welcomeText, type MessageBody } from './messages.ts';

export const ONBOARDING_OUTBOX_KIND = 'onboarding_message';

/** The payload of an onboarding_message outbox row (read back by the Discord delivery). */
export interface OnboardingMessagePayload {
  user_id: string;
  /** `welcome` rows record how it went in onboarding_members.welcome_status. */
  part: 'welcome' | 'questionnaire';
  /** dm: a direct message, falling back to `channel_id` when Discord refuses it. */
  where: 'dm' | 'channel';
  channel_id: string | null;
  messages: MessageBody[];
}

/** The welcome status a member starts with: pending when a welcome is queued, skipped when none is. */
export function initialWelcomeStatus(flow: CompiledFlow): WelcomeStatus {
  const w = flow.settings.welcome;
  return w.enabled && (w.where === 'dm' || w.channel_id) ? 'pending' : 'skipped';
}

export function welcomeOutbox(flow: CompiledFlow, guildId: string, userId: string, serverName: string): OutboxItem[] {
  const { welcome, questionnaire } = flow.settings;
  const items: OutboxItem[] = [];
  const row = (payload: OnboardingMessagePayload) => items.push({ kind: ONBOARDING_OUTBOX_KIND, payload: { ...payload } });
  if (initialWelcomeStatus(flow) === 'pending') {
    const checklist = flow.steps.map((s) => ({ label: s.label, description: s.description, done: false }));
    row({ user_id: userId, part: 'welcome', where: welcome.where, channel_id: welcome.channel_id, messages: [{ content: welcomeText(welcome.template, { userId, serverName, checklist }) }] });
  }
  if (flow.questionnaire && (questionnaire.where === 'dm' || questionnaire.channel_id)) {
    const inChannel = questionnaire.where === 'channel';
    const messages = questionnaire.questions.map((q) => questionMessage(guildId, userId, q, { inChannel }));
    row({ user_id: userId, part: 'questionnaire', where: questionnaire.where, channel_id: questionnaire.channel_id ?? welcome.channel_id, messages });
  }
  return items;
}

// Whether the support desk's AI features run for a guild, and if not, why, in words the panel and
// the summary note show as they are: no API key, the support module off, or the feature switched
// off in the ticket settings.
import type { AiService } from '../ai/ai-service.ts';
import { isModuleEnabled } from '../guilds/modules.ts';
import { ticketSettings } from './settings.ts';

export type DeskAiFeature = 'summary_on_close' | 'suggested_replies';

export type DeskAiGate = { on: true } | { on: false; reason: string };

const SWITCHED_OFF: Record<DeskAiFeature, string> = {
  summary_on_close: 'AI summaries of closed tickets are switched off in this server’s ticket settings.',
  suggested_replies: 'AI-written replies are switched off in this server’s ticket settings; these are the matching FAQ answers.',
};

export function deskAiGate(ai: Pick<AiService, 'enabled' | 'offReason'>, settings: Record<string, unknown>, feature: DeskAiFeature): DeskAiGate {
  if (!ai.enabled) return { on: false, reason: ai.offReason ?? 'AI features are off.' };
  if (!isModuleEnabled(settings, 'support')) return { on: false, reason: 'The support module is off for this server.' };
  if (!ticketSettings(settings).ai[feature]) return { on: false, reason: SWITCHED_OFF[feature] };
  return { on: true };
}

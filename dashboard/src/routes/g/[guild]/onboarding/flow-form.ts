// The flow editor's form and the document PATCH /settings takes as `onboarding`: pickers bind ''
// or undefined for "none", the server wants null and []; an event step always keeps a trigger in
// the form (switching the kind back and forth loses nothing), only event steps send it.
import type { OnboardingFlow, OnboardingFlowInput } from '$api/contract';

export interface OptionForm { key: string; label: string; role_ids: string[] | undefined }
export interface QuestionForm { key: string; prompt: string; style: 'buttons' | 'select'; multiple: boolean; required: boolean; options: OptionForm[] }
export interface StepForm {
  key: string; label: string; description: string; kind: 'event' | 'questionnaire';
  trigger: { type: string; channel_ids: string[] | undefined; when: unknown; count: number | null };
}
export interface FlowForm {
  enabled: boolean;
  welcome: { enabled: boolean; where: 'dm' | 'channel'; channel_id: string; template: string };
  questionnaire: { enabled: boolean; where: 'dm' | 'channel'; channel_id: string; questions: QuestionForm[] };
  steps: StepForm[];
  completion_role_ids: string[] | undefined;
  stuck_after_hours: number | null;
}

export const DEFAULT_TEMPLATE = 'Welcome to {server}, {member}! Here is how to get started:\n{checklist}';
const list = (ids: string[] | undefined) => (ids && ids.length > 0 ? [...ids] : undefined);

export const blankStep = (n: number): StepForm => ({ key: `step-${n}`, label: '', description: '', kind: 'event', trigger: { type: 'message_create', channel_ids: undefined, when: undefined, count: 1 } });
export const blankQuestion = (n: number): QuestionForm => ({ key: `question-${n}`, prompt: '', style: 'buttons', multiple: false, required: true, options: [{ key: 'yes', label: 'Yes', role_ids: undefined }] });

/** The form for a stored flow (or a new one: off, with the default welcome). */
export function toForm(flow: OnboardingFlow | null | undefined): FlowForm {
  if (!flow) {
    return {
      enabled: false, welcome: { enabled: true, where: 'dm', channel_id: '', template: DEFAULT_TEMPLATE },
      questionnaire: { enabled: false, where: 'dm', channel_id: '', questions: [] }, steps: [], completion_role_ids: undefined, stuck_after_hours: 72,
    };
  }
  return {
    enabled: flow.enabled,
    welcome: { ...flow.welcome, channel_id: flow.welcome.channel_id ?? '' },
    questionnaire: {
      enabled: flow.questionnaire.enabled, where: flow.questionnaire.where, channel_id: flow.questionnaire.channel_id ?? '',
      questions: flow.questionnaire.questions.map((q) => ({ key: q.key, prompt: q.prompt, style: q.style, multiple: q.multiple, required: q.required, options: q.options.map((o) => ({ key: o.key, label: o.label, role_ids: list(o.role_ids) })) })),
    },
    steps: flow.steps.map((s) => ({
      key: s.key, label: s.label, description: s.description, kind: s.kind,
      trigger: { type: s.trigger?.type ?? 'message_create', channel_ids: list(s.trigger?.channel_ids), when: s.trigger?.when, count: s.trigger?.count ?? 1 },
    })),
    completion_role_ids: list(flow.completion_role_ids),
    stuck_after_hours: flow.stuck_after_hours,
  };
}

/** The document to save; empty numbers go as null so that the server names the field. */
export function toDocument(f: FlowForm): OnboardingFlowInput {
  return {
    enabled: f.enabled,
    welcome: { ...f.welcome, channel_id: f.welcome.channel_id || null },
    questionnaire: {
      enabled: f.questionnaire.enabled, where: f.questionnaire.where, channel_id: f.questionnaire.channel_id || null,
      questions: f.questionnaire.questions.map((q) => ({ ...q, options: q.options.map((o) => ({ key: o.key, label: o.label, role_ids: o.role_ids ?? [] })) })),
    },
    steps: f.steps.map((s) => ({
      key: s.key.trim(), label: s.label, description: s.description, kind: s.kind,
      ...(s.kind === 'event'
        ? { trigger: { type: s.trigger.type, ...(s.trigger.channel_ids ? { channel_ids: s.trigger.channel_ids } : {}), ...(s.trigger.when === undefined || s.trigger.when === null ? {} : { when: s.trigger.when }), count: s.trigger.count as number } }
        : {}),
    })),
    completion_role_ids: f.completion_role_ids ?? [],
    stuck_after_hours: f.stuck_after_hours as number,
  };
}

/** Moves item i of a list by one place up (-1) or down (+1). */
export function move<T>(items: T[], i: number, by: -1 | 1): void {
  const [item] = items.splice(i, 1);
  items.splice(i + by, 0, item!);
}

/** The welcome as a new member would read it, with sample values. */
export function previewWelcome(template: string, server: string, steps: { label: string; key: string }[]): string {
  const checklist = steps.length === 0 ? '(no steps yet)' : steps.map((s) => `☐ ${s.label || s.key}`).join('\n');
  return template.replaceAll('{member}', '@NewMember').replaceAll('{server}', server).replaceAll('{checklist}', checklist);
}

// A guild's onboarding flow compiled once per settings document: which event types can complete a
// step, each step's channel filter and `when` (JSON Logic compiled by the rules engine's compiler,
// never eval'd). A `when` that does not compile is kept as an error: that step never completes
// and says why, every other step and rule works on.
import type { LakeEvent } from '../events/lake-event.ts';
import { isModuleEnabled } from '../guilds/modules.ts';
import { compileLogic, type Compiled } from '../rules/logic/compile.ts';
import { jsonLogic } from '../rules/logic/operations.ts';
import { checkLogic } from '../rules/logic/validate.ts';
import { onboardingSettings, type OnboardingSettings } from './settings.ts';

export const ONBOARDING_MODULE = 'onboarding';

export interface CompiledStep {
  key: string;
  label: string;
  description: string;
  kind: 'event' | 'questionnaire';
  /** Event steps: what completes them. */
  type?: string;
  channels?: ReadonlySet<string>;
  when?: Compiled;
  /** The `when` could not be compiled: the step is skipped (logged once per flow). */
  whenError?: string;
  count: number;
}

export interface CompiledFlow {
  settings: OnboardingSettings;
  steps: CompiledStep[];
  /** Event types some event step listens to: other events cost one set lookup. */
  eventTypes: ReadonlySet<string>;
  /** The questionnaire is on and has questions. */
  questionnaire: boolean;
}

const compiled = new WeakMap<object, CompiledFlow | null>();

/** The guild's flow when the module is on and the flow enabled; null otherwise (cached per settings object). */
export function onboardingFlow(settings: Record<string, unknown>): CompiledFlow | null {
  const cached = compiled.get(settings);
  if (cached !== undefined) return cached;
  const flow = isModuleEnabled(settings, ONBOARDING_MODULE) ? compileFlow(onboardingSettings(settings)) : null;
  compiled.set(settings, flow);
  return flow;
}

export function compileFlow(settings: OnboardingSettings): CompiledFlow | null {
  if (!settings.enabled) return null;
  const steps = settings.steps.map((s): CompiledStep => {
    const base = { key: s.key, label: s.label, description: s.description, kind: s.kind, count: s.trigger?.count ?? 1 };
    if (s.kind !== 'event' || !s.trigger) return base;
    const step: CompiledStep = { ...base, type: s.trigger.type, ...(s.trigger.channel_ids?.length ? { channels: new Set(s.trigger.channel_ids) } : {}) };
    if (s.trigger.when === undefined) return step;
    const problems = checkLogic(s.trigger.when);
    if (problems.length > 0) return { ...step, whenError: problems.map((p) => `${p.path.join('.') || 'when'}: ${p.message}`).join('; ') };
    try {
      return { ...step, when: compileLogic(s.trigger.when) };
    } catch (error) {
      return { ...step, whenError: error instanceof Error ? error.message : String(error) };
    }
  });
  const questionnaire = settings.questionnaire.enabled && settings.questionnaire.questions.length > 0;
  return { settings, steps, eventTypes: new Set(steps.flatMap((s) => (s.type ? [s.type] : []))), questionnaire };
}

/** What a step's `when` sees: the event, and its time (as rule conditions see them). */
function whenData(event: LakeEvent) {
  const d = new Date(event.occurred_at);
  return {
    event,
    time: { iso: event.occurred_at, unix: Math.floor(d.getTime() / 1000), hour: d.getUTCHours(), minute: d.getUTCMinutes(), weekday: d.getUTCDay(), date: event.occurred_at.slice(0, 10) },
  };
}

export type StepMatch = { matches: boolean } | { matches: false; error: string };

/** Whether an event counts towards an event step: its type, channel (or a thread's parent), then `when`. */
export function matchStep(step: CompiledStep, event: LakeEvent): StepMatch {
  if (step.type !== event.type) return { matches: false };
  if (step.channels) {
    const parent = typeof event.data.parent_channel_id === 'string' ? event.data.parent_channel_id : null;
    if (!(event.channel_id && step.channels.has(event.channel_id)) && !(parent && step.channels.has(parent))) return { matches: false };
  }
  if (step.whenError) return { matches: false, error: step.whenError };
  if (!step.when) return { matches: true };
  try {
    return { matches: jsonLogic.truthy(step.when(whenData(event))) };
  } catch (error) {
    return { matches: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Whether every required question has an answer. */
export function questionnaireAnswered(settings: OnboardingSettings, answers: Record<string, string[]>): boolean {
  return settings.questionnaire.questions.every((q) => !q.required || (answers[q.key]?.length ?? 0) > 0);
}

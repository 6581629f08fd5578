// Checks of an onboarding flow beyond each field's own shape, each reported at the field to fix:
// a repeated key at the repeat, a step's json-logic condition at the operation that is wrong, and
// parts that need each other (a channel welcome needs its channel, a questionnaire step needs a
// questionnaire with questions).
import type { z } from 'zod';
import { checkLogic } from '../rules/logic/validate.ts';

/** Each key once in a list: the second use of a key is reported at its own `key`. */
export const uniqueKeys = (what: string) => (items: { key: string }[], ctx: z.RefinementCtx) => {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const first = seen.get(item.key);
    if (first === undefined) seen.set(item.key, i);
    else ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `${what} key "${item.key}" is already used by ${what} ${first + 1}; ${what} keys must be unique` });
  });
};

/** A step trigger's `when`: a JSON Logic condition as rules take (known operations, context roots, size and depth limits). */
export function checkWhen(when: unknown, ctx: z.RefinementCtx, at: (string | number)[] = []) {
  if (when === undefined || when === null) return;
  if (typeof when !== 'object') {
    ctx.addIssue({ code: 'custom', path: at, message: 'must be a JSON Logic expression (an object such as {">=": [{"var": "event.data.length"}, 50]})' });
    return;
  }
  for (const p of checkLogic(when)) ctx.addIssue({ code: 'custom', path: [...at, ...p.path], message: p.message });
}

interface FlowShape {
  welcome: { enabled: boolean; where: string; channel_id: string | null };
  questionnaire: { enabled: boolean; where: string; channel_id: string | null; questions: unknown[] };
  steps: { kind: string }[];
}

/** Parts of the flow that need each other. */
export function checkFlow(flow: FlowShape, ctx: z.RefinementCtx) {
  if (flow.welcome.enabled && flow.welcome.where === 'channel' && flow.welcome.channel_id === null) {
    ctx.addIssue({ code: 'custom', path: ['welcome', 'channel_id'], message: 'a welcome in a channel needs the channel' });
  }
  if (flow.questionnaire.enabled && flow.questionnaire.where === 'channel' && flow.questionnaire.channel_id === null) {
    ctx.addIssue({ code: 'custom', path: ['questionnaire', 'channel_id'], message: 'a questionnaire in a channel needs the channel' });
  }
  const asked = flow.questionnaire.enabled && flow.questionnaire.questions.length > 0;
  flow.steps.forEach((s, i) => {
    if (s.kind === 'questionnaire' && !asked) ctx.addIssue({ code: 'custom', path: ['steps', i, 'kind'], message: 'a questionnaire step needs the questionnaire switched on with at least one question' });
  });
}

// emit: an internal event for a member, with data computed from the rule's expressions, chained
// after the rule fires (Evaluator#emit applies the depth limit).
import type { Evaluator, RuleRun } from '../engine.ts';
import type { EffectTrace } from '../types.ts';
import type { EffectOf } from './effect.ts';

export function emitEffect(ev: Evaluator, run: RuleRun, effect: EffectOf<'emit'>): EffectTrace | undefined {
  const userId = ev.memberOf(effect.member);
  const data: Record<string, unknown> = {};
  for (const [k, compute] of Object.entries(effect.compiledData ?? {})) data[k] = compute(run.ctx);
  if (userId && run.live) (run.emits ??= []).push([effect.event, userId, data]);
  if (!ev.tracing) return undefined;
  return userId
    ? { type: 'emit', member: userId, event: effect.event, data, status: 'planned' }
    : { type: 'emit', member: null, event: effect.event, data, status: 'skipped', note: 'the event has no target member' };
}

// A rule's trigger filters — channels and zones, self, target, currency, milestone, item, roles —
// checked before its conditions: quickly on the hot path, with the reason in a trace.
import type { LakeEvent } from '../events/lake-event.ts';
import type { CompiledRule } from './compiler.ts';
import type { EngineState } from './state.ts';

/** Whether the trigger's filters match (triggerMismatch without building the reason). */
export function triggerMatches(rule: CompiledRule, event: LakeEvent, state: EngineState): boolean {
  const f = rule.filter;
  if (rule.channels && !(event.channel_id && rule.channels.has(event.channel_id))) return false;
  if (rule.excludeChannels && event.channel_id && rule.excludeChannels.has(event.channel_id)) return false;
  if (f.excludeSelf && event.target_id === event.actor_id) return false;
  if (f.hasTarget === true && !event.target_id) return false;
  if (f.hasTarget === false && event.target_id) return false;
  if (f.currency !== undefined && event.data.currency !== f.currency) return false;
  if (f.milestone !== undefined && event.data.milestone !== f.milestone) return false;
  if (f.item !== undefined && event.data.item !== f.item) return false;
  if (f.roles) return triggerMismatch(rule, event, state) === undefined;
  return true;
}

/** Why the trigger's filters do not match, or undefined if they do. */
export function triggerMismatch(rule: CompiledRule, event: LakeEvent, state: EngineState): string | undefined {
  const t = rule.rule.trigger;
  if (rule.channels && !(event.channel_id && rule.channels.has(event.channel_id))) return `channel ${event.channel_id ?? '(none)'} is not in the trigger's channels or zones`;
  if (rule.excludeChannels && event.channel_id && rule.excludeChannels.has(event.channel_id)) return `channel ${event.channel_id} is excluded`;
  if (t.exclude_self && event.target_id === event.actor_id) return 'the actor is also the target';
  if (t.has_target === true && !event.target_id) return 'the event has no target member';
  if (t.has_target === false && event.target_id) return 'the event has a target member';
  if (t.currency !== undefined && event.data.currency !== t.currency) return `currency is ${String(event.data.currency)}, not ${t.currency}`;
  if (t.milestone !== undefined && event.data.milestone !== t.milestone) return `milestone is ${String(event.data.milestone)}, not ${t.milestone}`;
  if (t.item !== undefined && event.data.item !== t.item) return `item is ${String(event.data.item)}, not ${t.item}`;
  if (t.roles) {
    const roles = state.roles(event.actor_id);
    if (t.roles.any && !t.roles.any.some((r) => roles.includes(r))) return 'the actor has none of the required roles';
    if (t.roles.all && !t.roles.all.every((r) => roles.includes(r))) return 'the actor lacks a required role';
    if (t.roles.none && t.roles.none.some((r) => roles.includes(r))) return 'the actor has an excluded role';
  }
  return undefined;
}

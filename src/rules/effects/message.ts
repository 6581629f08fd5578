// Messages to a channel and direct messages: the template (and embed) rendered with the event's
// members, data, vars and zone, planned as an outbox row.
import type { Evaluator, RuleRun } from '../engine.ts';
import { ANNOUNCED_EVENTS } from '../state.ts';
import { renderTemplate } from '../template.ts';
import type { EffectTrace } from '../types.ts';
import type { EffectOf } from './effect.ts';

export function messageEffect(ev: Evaluator, run: RuleRun, effect: EffectOf<'message' | 'dm'>): EffectTrace | undefined {
  const ctx = run.ctx;
  const values = {
    actor: { id: ctx.actor.id, mention: ctx.actor.mention, balances: ctx.actor.balances, levels: ctx.actor.levels },
    target: ctx.target ? { id: ctx.target.id, mention: ctx.target.mention, balances: ctx.target.balances, levels: ctx.target.levels } : null,
    event: ctx.event,
    data: ctx.event.data,
    vars: ctx.vars,
    zone: ctx.zone,
  };
  const content = renderTemplate(effect.template, values);
  const embed = effect.embed
    ? {
        ...effect.embed,
        ...(effect.embed.title ? { title: renderTemplate(effect.embed.title, values) } : {}),
        ...(effect.embed.description ? { description: renderTemplate(effect.embed.description, values) } : {}),
        ...(effect.embed.fields ? { fields: effect.embed.fields.map((f) => ({ ...f, name: renderTemplate(f.name, values), value: renderTemplate(f.value, values) })) } : {}),
      }
    : undefined;
  if (effect.type === 'message') {
    const channel = effect.channel === 'event_channel' ? ctx.event.channel_id : effect.channel;
    if (!channel) return ev.tracing ? { type: 'message', channel, content, status: 'skipped', note: 'the event has no channel' } : undefined;
    if (ANNOUNCED_EVENTS.has(ctx.event.type) && ev.state.optedOutOfAnnouncements(ctx.event.actor_id)) {
      return ev.tracing ? { type: 'message', channel, content, status: 'skipped', note: 'the member opted out of announcements (/settings announcements off)' } : undefined;
    }
    if (run.live) {
      ev.outbox({ kind: 'message', ruleId: run.rule.id, payload: { channel_id: channel, content, ...(embed ? { embed } : {}) } });
      run.produced = true;
    }
    return ev.tracing ? { type: 'message', channel, content, status: 'planned' } : undefined;
  }
  const userId = ev.memberOf(effect.to);
  if (!userId) return ev.tracing ? { type: 'dm', member: null, content, status: 'skipped', note: 'the event has no target member' } : undefined;
  if (run.live) {
    ev.outbox({ kind: 'dm', ruleId: run.rule.id, payload: { user_id: userId, content, ...(embed ? { embed } : {}) } });
    run.produced = true;
  }
  return ev.tracing ? { type: 'dm', member: userId, content, status: 'planned' } : undefined;
}

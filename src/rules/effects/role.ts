// Roles given and taken by a rule: outbox rows for the bot, and the member's roles in the state
// changed at once (kept in the run, to restore if the rule is undone).
import type { Evaluator, RuleRun } from '../engine.ts';
import type { EffectTrace } from '../types.ts';
import type { EffectOf } from './effect.ts';

export function roleEffect(ev: Evaluator, run: RuleRun, effect: EffectOf<'role_add' | 'role_remove'>): EffectTrace | undefined {
  const userId = ev.memberOf(effect.type === 'role_add' ? effect.to : effect.from);
  if (!userId) return ev.tracing ? { type: effect.type, member: null, role: effect.role, status: 'skipped', note: 'the event has no target member' } : undefined;
  if (run.live) {
    const before = ev.state.roles(userId);
    (run.roles ??= []).push([userId, before]);
    const roles = new Set(before);
    const reason = run.rule.rule.name;
    if (effect.type === 'role_add') {
      for (const other of effect.replace ?? []) {
        if (other !== effect.role && roles.delete(other)) {
          ev.outbox({ kind: 'role_remove', ruleId: run.rule.id, payload: { user_id: userId, role_id: other, reason } });
        }
      }
      roles.add(effect.role);
      ev.outbox({ kind: 'role_add', ruleId: run.rule.id, payload: { user_id: userId, role_id: effect.role, reason } });
      run.produced = true;
    } else {
      run.produced = true;
      roles.delete(effect.role);
      ev.outbox({ kind: 'role_remove', ruleId: run.rule.id, payload: { user_id: userId, role_id: effect.role, reason } });
    }
    ev.state.setRoles(userId, [...roles]);
  }
  return ev.tracing ? { type: effect.type, member: userId, role: effect.role, status: 'planned' } : undefined;
}

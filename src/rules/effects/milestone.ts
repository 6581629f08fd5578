// milestone_check: asks the evaluation's milestone hook which milestones the member(s) now earn,
// plans the awards and their outbox rows, and emits milestone_earned.
import type { Evaluator, RuleRun } from '../engine.ts';
import type { EffectTrace } from '../types.ts';
import type { EffectOf } from './effect.ts';

export function milestoneEffect(ev: Evaluator, run: RuleRun, effect: EffectOf<'milestone_check'>): EffectTrace | undefined {
  const { event } = ev.current;
  const hook = ev.options.milestones;
  if (!hook) return ev.tracing ? { type: 'milestone_check', status: 'skipped', note: 'no milestone checker in this context' } : undefined;
  const members = effect.member === 'both' ? [event.actor_id, event.target_id] : [ev.memberOf(effect.member)];
  const awarded: string[] = [];
  for (const userId of members) {
    if (!userId) continue;
    for (const award of hook.check(userId, event, effect.milestones, run.live)) {
      awarded.push(`${userId}:${award.key}`);
      if (!run.live) continue;
      run.produced = true;
      ev.award({ userId, milestoneId: award.id, key: award.key, seasonId: award.seasonId, ruleId: run.rule.id, at: event.occurred_at });
      (run.emits ??= []).push(['milestone_earned', userId, { milestone: award.key, name: award.name, rarity: award.rarity }]);
      for (const row of award.outbox) ev.outbox({ ...row, ruleId: run.rule.id });
    }
  }
  return ev.tracing ? { type: 'milestone_check', status: 'planned', awarded } : undefined;
}

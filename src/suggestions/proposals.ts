// The documents suggestions propose: a milestone at a percentile of a metric, a rule that pays an
// activity with a daily cap, a rule's next version with a cap. Each one is valid for the real
// schema (src/milestones/schema.ts, src/rules/schema.ts); the repository validates again on apply.
import type { MilestoneInput } from '../milestones/schema.ts';
import type { RuleInput } from '../rules/schema.ts';
import type { Metric } from './statistics.ts';

/** "90", "99.5": a percentile as people write it. */
export const percentLabel = (p: number) => String(Math.round(p * 1000) / 10);

const rarityOf = (p: number): MilestoneInput['rarity'] => (p >= 0.99 ? 'epic' : p >= 0.9 ? 'rare' : p >= 0.75 ? 'uncommon' : 'common');

export function thresholdMilestone(metric: Metric, threshold: number, percentile: number, days: number): MilestoneInput {
  const share = Math.round((1 - percentile) * 1000) / 10;
  return {
    key: `${metric.id.replace(/_/g, '-')}-p${percentLabel(percentile).replace('.', '-')}`,
    name: `${threshold.toLocaleString('en-US')} ${metric.noun}`,
    description: `About ${share}% of active members reach ${threshold.toLocaleString('en-US')} ${metric.noun} in ${days} days (suggested from this server's history).`,
    category: 'activity',
    icon: metric.icon,
    rarity: rarityOf(percentile),
    requirement: { type: 'event_count', events: [metric.event], side: metric.side, min: threshold, measure: metric.measure },
    announce: true,
    scope: 'lifetime',
    enabled: true,
  };
}

/** Event types a reward rule may be suggested for, with who is paid and what counts. */
export const PAYABLE: Record<string, { to: 'actor' | 'target'; noun: string; conditions?: RuleInput['conditions']; trigger?: Partial<RuleInput['trigger']>; cooldown?: number }> = {
  message_create: { to: 'actor', noun: 'messages', cooldown: 60 },
  reaction_add: { to: 'target', noun: 'reactions received', trigger: { exclude_self: true, has_target: true } },
  voice_session_end: { to: 'actor', noun: 'voice sessions (AFK aside)', conditions: [{ name: 'not AFK', if: { '!': { var: 'event.data.is_afk' } } }] },
  thread_create: { to: 'actor', noun: 'threads started' },
  scheduled_event_attend: { to: 'actor', noun: 'server events attended' },
  faq_helpful: { to: 'target', noun: 'FAQ entries found helpful' },
  onboarding_completed: { to: 'actor', noun: 'onboarding completions' },
  command: { to: 'actor', noun: 'commands used', cooldown: 300 },
};

export function rewardRule(event: string, currency: string, amount: number, dailyCap: number): RuleInput {
  const how = PAYABLE[event]!;
  return {
    key: `suggested.${event}`,
    name: `Reward ${how.noun}`,
    description: `Pays ${amount} ${currency} for ${how.noun}, at most ${dailyCap} a day per member (suggested: this server does it a lot and no rule paid for it).`,
    module: 'suggested',
    trigger: { events: [event], ...how.trigger },
    conditions: how.conditions ?? [],
    limits: [
      ...(how.cooldown ? [{ kind: 'cooldown' as const, seconds: how.cooldown, per: 'actor' as const }] : []),
      { kind: 'cap', currency, max: dailyCap, period: 'day', per: how.to },
    ],
    effects: [{ type: 'credit', to: how.to, currency, amount, reason: `suggested: ${how.noun}` }],
  };
}

/** The rule's next version: its document with a daily cap on `currency` per member paid. */
export function cappedRule(document: Record<string, unknown>, currency: string, per: 'actor' | 'target', max: number): Record<string, unknown> {
  const limits = Array.isArray(document.limits) ? (document.limits as Record<string, unknown>[]) : [];
  return { ...document, limits: [...limits.filter((l) => !(l.kind === 'cap' && l.currency === currency && l.period === 'day' && (l.per ?? 'actor') === per)), { kind: 'cap', currency, max, period: 'day', per }] };
}

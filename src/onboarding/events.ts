// The lake events onboarding emits, with deterministic source ids: a step completes, and the flow
// completes, once per member however often what caused it is replayed.
import type { LakeEvent } from '../events/lake-event.ts';

export const stepSourceId = (guildId: string, userId: string, step: string) => `onboarding:${guildId}:${userId}:${step}`;
export const completedSourceId = (guildId: string, userId: string) => `onboarding:${guildId}:${userId}:completed`;

export function stepCompletedEvent(e: { guildId: string; userId: string; step: string; at: string; channelId?: string | null; completed: number; total: number }): LakeEvent {
  return {
    source_id: stepSourceId(e.guildId, e.userId, e.step),
    type: 'onboarding_step_completed',
    guild_id: e.guildId,
    actor_id: e.userId,
    target_id: null,
    channel_id: e.channelId ?? null,
    occurred_at: e.at,
    data: { step: e.step, completed_steps: e.completed, total_steps: e.total },
  };
}

export function onboardingCompletedEvent(e: { guildId: string; userId: string; at: string; total: number; secondsSinceJoin: number }): LakeEvent {
  return {
    source_id: completedSourceId(e.guildId, e.userId),
    type: 'onboarding_completed',
    guild_id: e.guildId,
    actor_id: e.userId,
    target_id: null,
    channel_id: null,
    occurred_at: e.at,
    data: { total_steps: e.total, seconds_since_join: e.secondsSinceJoin },
  };
}

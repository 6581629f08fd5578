// A plausible event of each type, for checking at save time that a rule's conditions and amounts
// evaluate (without throwing, and to numbers) before it can ever meet a real event.
import { EventDataSchemas, type EventType, type LakeEvent } from '../events/lake-event.ts';

const SAMPLE_DATA: Record<EventType, Record<string, unknown>> = {
  message_create: { length: 240, has_code_block: true, has_link: true, emoji_count: 2 },
  reaction_add: { emoji: '👍', message_id: '2', unique_reactor_count: 3, message_age_seconds: 120 },
  reaction_remove: { emoji: '👍', message_id: '2', unique_reactor_count: 2, message_age_seconds: 120 },
  thread_create: { name: 'sample', parent_channel_id: '3' },
  voice_join: {},
  voice_move: { from_channel_id: '3' },
  voice_session_end: { duration_seconds: 1800 },
  presence_session_end: { status: 'online', duration_seconds: 3600 },
  member_join: { joined_at: '2026-01-01T00:00:00.000Z' },
  member_leave: { joined_at: '2026-01-01T00:00:00.000Z' },
  scheduled_event_attend: { scheduled_event_id: '4', minutes_present: 45, joined_on_time: true },
  command: { name: 'daily', options: {} },
  manual_award: { currency: 'sample', amount: 10, reason: 'sample' },
  currency_credited: { currency: 'sample', amount: 10, balance_after: 10 },
  currency_debited: { currency: 'sample', amount: 10, balance_after: 0 },
  level_up: { currency: 'sample', level: 2 },
  milestone_earned: { milestone: 'sample' },
  season_roll: { season: 1 },
  shop_purchase: { item: 'sample', price: 10, currency: 'sample', quantity: 1 },
};

export function sampleEvent(type: EventType, guildId: string, overrides: Record<string, unknown> = {}): LakeEvent {
  const data = EventDataSchemas[type].parse({ ...SAMPLE_DATA[type], ...overrides }) as Record<string, unknown>;
  return {
    source_id: `sample:${type}`,
    type,
    guild_id: guildId,
    actor_id: '100000000000000001',
    target_id: type === 'reaction_add' || type === 'reaction_remove' || type === 'manual_award' ? '100000000000000002' : null,
    channel_id: '100000000000000003',
    occurred_at: '2026-01-01T12:00:00.000Z',
    data,
  };
}

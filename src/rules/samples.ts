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
  ticket_opened: { ticket: 1, category: 'general', mode: 'thread' },
  ticket_claimed: { ticket: 1, category: 'general', seconds_open: 300 },
  ticket_closed: { ticket: 1, category: 'general', by_staff: true, claimed_by: '100000000000000002', resolved: true, first_response_seconds: 300, resolution_seconds: 3600 },
  ticket_reopened: { ticket: 1, category: 'general', seconds_closed: 600 },
  faq_viewed: { entry: 'sample', via: 'search' },
  faq_helpful: { entry: 'sample' },
  onboarding_step_completed: { step: 'introduce', completed_steps: 1, total_steps: 3 },
  onboarding_completed: { total_steps: 3, seconds_since_join: 86400 },
  manual_award: { currency: 'sample', amount: 10, reason: 'sample' },
  currency_credited: { currency: 'sample', amount: 10, balance_after: 10 },
  currency_debited: { currency: 'sample', amount: 10, balance_after: 0 },
  level_up: { currency: 'sample', level: 2 },
  milestone_earned: { milestone: 'sample' },
  season_roll: { season: 1 },
  shop_purchase: { item: 'sample', price: 10, currency: 'sample', quantity: 1 },
};

const TARGETED: ReadonlySet<EventType> = new Set(['reaction_add', 'reaction_remove', 'manual_award', 'ticket_claimed', 'ticket_closed', 'ticket_reopened', 'faq_viewed', 'faq_helpful']);

export function sampleEvent(type: EventType, guildId: string, overrides: Record<string, unknown> = {}): LakeEvent {
  const data = EventDataSchemas[type].parse({ ...SAMPLE_DATA[type], ...overrides }) as Record<string, unknown>;
  return {
    source_id: `sample:${type}`,
    type,
    guild_id: guildId,
    actor_id: '100000000000000001',
    target_id: TARGETED.has(type) ? '100000000000000002' : null,
    channel_id: '100000000000000003',
    occurred_at: '2026-01-01T12:00:00.000Z',
    data,
  };
}

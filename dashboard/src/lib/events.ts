// Event types, their data fields (for condition pickers) and a template of each for the dry run.
export const EVENT_TYPES = [
  'message_create', 'reaction_add', 'reaction_remove', 'thread_create', 'voice_join', 'voice_move', 'voice_session_end',
  'presence_session_end', 'member_join', 'member_leave', 'scheduled_event_attend', 'command',
  'ticket_opened', 'ticket_claimed', 'ticket_closed', 'ticket_reopened', 'faq_viewed', 'faq_helpful',
  'onboarding_step_completed', 'onboarding_completed', 'manual_award',
  'currency_credited', 'currency_debited', 'level_up', 'milestone_earned', 'season_roll', 'shop_purchase',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export const INTERNAL_EVENTS = new Set<string>(['currency_credited', 'currency_debited', 'level_up', 'milestone_earned', 'season_roll', 'shop_purchase']);

export const EVENT_DATA: Record<EventType, Record<string, unknown>> = {
  message_create: { length: 240, has_code_block: false, has_link: false, has_attachment: false, attachment_count: 0, emoji_count: 0, is_reply: false },
  reaction_add: { emoji: '👍', message_id: '1300000000000000001', unique_reactor_count: 1, message_age_seconds: 60 },
  reaction_remove: { emoji: '👍', message_id: '1300000000000000001', unique_reactor_count: 0, message_age_seconds: 60 },
  thread_create: { name: 'A new thread' },
  voice_join: { self_mute: false, self_deaf: false, is_afk: false },
  voice_move: { from_channel_id: '1300000000000000002', self_mute: false, self_deaf: false, is_afk: false },
  voice_session_end: { duration_seconds: 1800, is_afk: false },
  presence_session_end: { status: 'online', duration_seconds: 3600 },
  member_join: { joined_at: '2026-01-01T00:00:00.000Z' },
  member_leave: { joined_at: '2026-01-01T00:00:00.000Z' },
  scheduled_event_attend: { scheduled_event_id: '1300000000000000003', minutes_present: 45, joined_on_time: true },
  command: { name: 'daily', options: {} },
  ticket_opened: { ticket: 1, category: 'general', mode: 'thread' },
  ticket_claimed: { ticket: 1, category: 'general', seconds_open: 300 },
  ticket_closed: { ticket: 1, category: 'general', by_staff: true, claimed_by: '1300000000000000004', resolved: true, first_response_seconds: 300, resolution_seconds: 3600, reopened_count: 0 },
  ticket_reopened: { ticket: 1, category: 'general', seconds_closed: 600 },
  faq_viewed: { entry: 'how-to-verify', via: 'search' },
  faq_helpful: { entry: 'how-to-verify' },
  onboarding_step_completed: { step: 'introduce', completed_steps: 1, total_steps: 3 },
  onboarding_completed: { total_steps: 3, seconds_since_join: 86400 },
  manual_award: { currency: 'gold', amount: 10, reason: 'helping out' },
  currency_credited: { currency: 'xp', amount: 10, balance_after: 110 },
  currency_debited: { currency: 'gold', amount: 10, balance_after: 0 },
  level_up: { currency: 'xp', level: 2 },
  milestone_earned: { milestone: 'first_steps' },
  season_roll: { season: 1 },
  shop_purchase: { item: 'coffee', price: 10, currency: 'gold', quantity: 1 },
};

export const WITH_TARGET = new Set(['reaction_add', 'reaction_remove', 'manual_award', 'ticket_claimed', 'ticket_closed', 'ticket_reopened', 'faq_viewed', 'faq_helpful']);

/** A ready-to-run event of a type, for the dry run page. */
export function eventTemplate(type: EventType, guildId: string, ids: { actor?: string; target?: string; channel?: string } = {}) {
  return {
    source_id: `dry-run-${Date.now().toString(36)}`,
    type,
    guild_id: guildId,
    actor_id: ids.actor ?? '100000000000000001',
    target_id: WITH_TARGET.has(type) ? (ids.target ?? '100000000000000002') : null,
    channel_id: ids.channel ?? '100000000000000003',
    occurred_at: new Date().toISOString(),
    data: EVENT_DATA[type],
  };
}

/** Paths a condition can read, for the condition builder's suggestions. */
export function contextPaths(events: string[], currencies: string[]): string[] {
  const fields = new Set<string>();
  for (const e of events) for (const k of Object.keys(EVENT_DATA[e as EventType] ?? {})) fields.add(`event.data.${k}`);
  return [
    ...fields,
    'event.type', 'event.channel_id', 'event.actor_id', 'event.target_id',
    ...currencies.flatMap((c) => [`actor.balances.${c}`, `actor.lifetime.${c}`, `actor.levels.${c}`, `target.balances.${c}`]),
    'actor.roles', 'target.roles', 'zone.key', 'channel_type', 'time.hour', 'time.weekday', 'time.date', 'chain.depth',
  ];
}

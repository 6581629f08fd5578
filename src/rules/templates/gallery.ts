// The gallery: ready rules with placeholders, each with a plain description and an example dry run
// whose outcome the tests check (test/rules/templates-gallery.test.ts). Data only; see
// rule-template.ts for the shape. Example days: 2026-12-05 is a Saturday, 12-07 a Monday (UTC).
import type { PlaceholderSchema } from './placeholders.ts';
import { RuleTemplateSchema, type RuleTemplate, type RuleTemplateInput } from './rule-template.ts';
import type { z } from 'zod';

type P = z.input<typeof PlaceholderSchema>;
const currency = (name = 'currency', label = 'Currency', def = 'xp'): P => ({ name, kind: 'currency', label, description: 'the currency paid (its key)', default: def });
const amount = (name: string, label: string, def: number, max = 1_000_000): P => ({ name, kind: 'integer', label, min: 1, max, default: def });
const channel = (name: string, label: string, description: string, example: string): P => ({ name, kind: 'channel', label, description, example });
const role = (name: string, label: string, description: string, example: string): P => ({ name, kind: 'role', label, description, example });
const credit = (to: 'actor' | 'target', amountValue: unknown, reason: string, cur = '{{currency}}') => ({ type: 'credit', to, currency: cur, amount: amountValue, reason });
const msg = (length = 120, extra: Record<string, unknown> = {}) => ({ length, ...extra });

const HELP = '200000000000000001';
const AFK = '200000000000000002';
const FORUM = '200000000000000003';
const ART = '200000000000000004';
const ANNOUNCE = '200000000000000005';
const MEMBER_ROLE = '300000000000000001';

const TEMPLATES: RuleTemplateInput[] = [
  {
    key: 'daily-first-message',
    name: 'Daily first-message bonus',
    category: 'activity',
    description: "A member's first message of each day (the guild's calendar day) pays a bonus; later messages that day pay nothing from this rule.",
    placeholders: [currency(), amount('bonus', 'Bonus', 20)],
    rule: {
      key: 'daily_first_message', name: 'Daily first-message bonus', module: 'activity',
      trigger: { events: ['message_create'] },
      limits: [{ kind: 'cap', currency: '{{currency}}', max: '{{bonus}}', period: 'day' }],
      effects: [credit('actor', '{{bonus}}', 'first message of the day')],
    },
    example: {
      events: [
        { type: 'message_create', at: '2026-12-05T09:00:00Z', data: msg() },
        { type: 'message_create', at: '2026-12-05T15:00:00Z', data: msg() },
        { type: 'message_create', at: '2026-12-06T08:00:00Z', data: msg() },
      ],
      outcome: 'Alice posts twice on Saturday and once on Sunday: the first message of each day pays 20, the second on Saturday nothing; she ends with 40.',
      expected: { fired: [true, false, true], balances: { alice: { xp: 40 } } },
    },
  },
  {
    key: 'active-day-streak',
    name: 'Streak of active days',
    category: 'activity',
    description: 'Pays a reward when a member earns a streak milestone (a milestone whose requirement is {"type": "streak", "days": N}: active N days in a row). Cairn counts streaks in milestones; this rule turns the streak into currency.',
    placeholders: [{ name: 'streak_milestone', kind: 'milestone', label: 'Streak milestone', description: 'the key of a milestone with a streak requirement', default: 'streak_7' }, currency(), amount('reward', 'Reward', 100)],
    rule: {
      key: 'streak_reward', name: 'Streak reward', module: 'activity',
      trigger: { events: ['milestone_earned'], milestone: '{{streak_milestone}}' },
      effects: [credit('actor', '{{reward}}', 'active-day streak')],
    },
    example: {
      events: [
        { type: 'milestone_earned', at: '2026-12-05T10:00:00Z', data: { milestone: 'streak_7' } },
        { type: 'milestone_earned', actor: 'bob', at: '2026-12-05T10:00:00Z', data: { milestone: 'first_post' } },
      ],
      outcome: 'Alice earns the 7-day streak milestone and receives 100; Bob earns another milestone and this rule pays him nothing.',
      expected: { fired: [true, false], balances: { alice: { xp: 100 } } },
    },
  },
  {
    key: 'reaction-received-capped',
    name: 'Reaction received, with a daily cap',
    category: 'reactions',
    description: "The author of a message earns for each reaction others put on it, up to a daily cap per author; reacting to one's own message earns nothing.",
    placeholders: [currency(), amount('per_reaction', 'Per reaction', 5), amount('daily_cap', 'Daily cap per author', 12)],
    rule: {
      key: 'reaction_received', name: 'Reaction received (capped)', module: 'reactions',
      trigger: { events: ['reaction_add'], exclude_self: true, has_target: true },
      limits: [{ kind: 'cap', currency: '{{currency}}', max: '{{daily_cap}}', period: 'day', per: 'target' }],
      effects: [credit('target', '{{per_reaction}}', 'reaction received')],
    },
    example: {
      events: [
        { type: 'reaction_add', actor: 'bob', target: 'alice', at: '2026-12-05T10:00:00Z', data: { emoji: '👍', message_id: '1' } },
        { type: 'reaction_add', actor: 'carol', target: 'alice', at: '2026-12-05T10:01:00Z', data: { emoji: '🎉', message_id: '1' } },
        { type: 'reaction_add', actor: 'bob', target: 'alice', at: '2026-12-05T10:02:00Z', data: { emoji: '👍', message_id: '2' } },
        { type: 'reaction_add', actor: 'carol', target: 'alice', at: '2026-12-05T10:03:00Z', data: { emoji: '👍', message_id: '2' } },
        { type: 'reaction_add', actor: 'alice', target: 'alice', at: '2026-12-05T10:04:00Z', data: { emoji: '👍', message_id: '3' } },
      ],
      outcome: 'Alice receives 5, 5, then 2 (the cap of 12 is reached); a fourth reaction that day pays nothing, nor does her own reaction on her message.',
      expected: { fired: [true, true, true, false, false], balances: { alice: { xp: 12 } } },
    },
  },
  {
    key: 'voice-time-no-afk',
    name: 'Voice time, AFK excluded',
    category: 'voice',
    description: 'Pays per whole minute of a voice session of at least a few minutes; sessions in the AFK channel or flagged AFK pay nothing.',
    placeholders: [currency(), amount('per_minute', 'Per minute', 2, 1000), amount('min_minutes', 'Minimum minutes', 5, 1440), channel('afk_channel', 'AFK channel', "the guild's AFK voice channel", AFK)],
    rule: {
      key: 'voice_time', name: 'Voice time (no AFK)', module: 'voice',
      trigger: { events: ['voice_session_end'], exclude_channels: ['{{afk_channel}}'] },
      conditions: [
        { name: 'not AFK', if: { '!': { var: 'event.data.is_afk' } } },
        { name: 'long enough', if: { '>=': [{ var: 'event.data.duration_seconds' }, { '*': ['{{min_minutes}}', 60] }] } },
      ],
      effects: [credit('actor', { '*': [{ floor: { '/': [{ var: 'event.data.duration_seconds' }, 60] } }, '{{per_minute}}'] }, 'voice time')],
    },
    example: {
      events: [
        { type: 'voice_session_end', at: '2026-12-05T20:00:00Z', data: { duration_seconds: 1830 } },
        { type: 'voice_session_end', actor: 'bob', at: '2026-12-05T20:00:00Z', data: { duration_seconds: 3600, is_afk: true } },
        { type: 'voice_session_end', actor: 'bob', channel: AFK, at: '2026-12-05T21:00:00Z', data: { duration_seconds: 3600 } },
        { type: 'voice_session_end', actor: 'carol', at: '2026-12-05T20:00:00Z', data: { duration_seconds: 180 } },
      ],
      outcome: "Alice's 30½-minute session pays 30 minutes × 2 = 60; Bob's AFK-flagged session and his hour in the AFK channel pay nothing; Carol's 3 minutes are under the 5-minute minimum.",
      expected: { fired: [true, false, false, false], balances: { alice: { xp: 60 } } },
    },
  },
  {
    key: 'thread-starter',
    name: 'Thread starter bonus',
    category: 'activity',
    description: 'Starting a thread (or forum post) under a chosen channel pays a bonus, a few times a day at most.',
    placeholders: [currency(), amount('bonus', 'Bonus', 15), channel('parent_channel', 'Channel or forum', 'threads started under this channel count', FORUM), amount('max_per_day', 'Threads paid per day', 2, 100)],
    rule: {
      key: 'thread_starter', name: 'Thread starter bonus', module: 'activity',
      trigger: { events: ['thread_create'] },
      conditions: [{ name: 'under the chosen channel', if: { '==': [{ var: 'event.data.parent_channel_id' }, '{{parent_channel}}'] } }],
      limits: [{ kind: 'rate', max: '{{max_per_day}}', window_seconds: 86400 }],
      effects: [credit('actor', '{{bonus}}', 'started a thread')],
    },
    example: {
      events: [
        { type: 'thread_create', at: '2026-12-05T10:00:00Z', data: { name: 'a', parent_channel_id: FORUM } },
        { type: 'thread_create', at: '2026-12-05T11:00:00Z', data: { name: 'b', parent_channel_id: FORUM } },
        { type: 'thread_create', at: '2026-12-05T12:00:00Z', data: { name: 'c', parent_channel_id: FORUM } },
        { type: 'thread_create', actor: 'bob', at: '2026-12-05T12:00:00Z', data: { name: 'd', parent_channel_id: HELP } },
      ],
      outcome: "Alice's first two threads in the forum pay 15 each and the third nothing (2 a day); Bob's thread elsewhere pays nothing.",
      expected: { fired: [true, true, false, false], balances: { alice: { xp: 30 } } },
    },
  },
  {
    key: 'help-channel-answer',
    name: 'Helper reward in a help channel',
    category: 'support',
    description: 'A reply of some substance in the help channel pays the one who answers, with a cooldown so that quick chatter does not farm it.',
    placeholders: [currency(), amount('reward', 'Reward', 10), channel('help_channel', 'Help channel', 'where questions are asked', HELP), amount('min_length', 'Minimum length (characters)', 80, 4000), amount('cooldown_seconds', 'Cooldown (seconds)', 300, 86400)],
    rule: {
      key: 'help_answer', name: 'Helper reward', module: 'support',
      trigger: { events: ['message_create'], channels: ['{{help_channel}}'] },
      conditions: [
        { name: 'a reply', if: { var: 'event.data.is_reply' } },
        { name: 'long enough', if: { '>=': [{ var: 'event.data.length' }, '{{min_length}}'] } },
      ],
      limits: [{ kind: 'cooldown', seconds: '{{cooldown_seconds}}' }],
      effects: [credit('actor', '{{reward}}', 'helped in the help channel')],
    },
    example: {
      events: [
        { type: 'message_create', channel: HELP, at: '2026-12-05T10:00:00Z', data: msg(200, { is_reply: true }) },
        { type: 'message_create', channel: HELP, at: '2026-12-05T10:02:00Z', data: msg(200, { is_reply: true }) },
        { type: 'message_create', actor: 'bob', channel: HELP, at: '2026-12-05T10:00:00Z', data: msg(20, { is_reply: true }) },
        { type: 'message_create', actor: 'carol', at: '2026-12-05T10:00:00Z', data: msg(200, { is_reply: true }) },
      ],
      outcome: "Alice's answer pays 10, her second two minutes later nothing (5-minute cooldown); Bob's 20-character reply is too short; Carol's reply outside the help channel pays nothing.",
      expected: { fired: [true, false, false, false], balances: { alice: { xp: 10 } } },
    },
  },
  {
    key: 'help-solved-reaction',
    name: 'Solved-reaction in a help channel',
    category: 'support',
    description: "When someone reacts with the chosen emoji (✅ by default) on an answer in the help channel, the answer's author is paid; not for marking one's own message.",
    placeholders: [currency(), amount('reward', 'Reward', 25), channel('help_channel', 'Help channel', 'where questions are asked', HELP), { name: 'emoji', kind: 'emoji', label: 'Emoji', default: '✅' }],
    rule: {
      key: 'help_solved', name: 'Answer marked as solving', module: 'support',
      trigger: { events: ['reaction_add'], channels: ['{{help_channel}}'], exclude_self: true, has_target: true },
      conditions: [{ name: 'the solved emoji', if: { '==': [{ var: 'event.data.emoji' }, '{{emoji}}'] } }],
      limits: [{ kind: 'rate', max: 1, window_seconds: 86400, per: 'actor_target' }],
      effects: [credit('target', '{{reward}}', 'answer marked as solving')],
    },
    example: {
      events: [
        { type: 'reaction_add', actor: 'bob', target: 'alice', channel: HELP, at: '2026-12-05T10:00:00Z', data: { emoji: '✅', message_id: '1' } },
        { type: 'reaction_add', actor: 'bob', target: 'alice', channel: HELP, at: '2026-12-05T10:05:00Z', data: { emoji: '✅', message_id: '2' } },
        { type: 'reaction_add', actor: 'carol', target: 'alice', channel: HELP, at: '2026-12-05T10:06:00Z', data: { emoji: '👍', message_id: '2' } },
      ],
      outcome: "Bob marks Alice's answer with ✅: she receives 25; Bob's second ✅ the same day pays nothing (once a day per pair); Carol's 👍 is not the solved emoji.",
      expected: { fired: [true, false, false], balances: { alice: { xp: 25 } } },
    },
  },
  {
    key: 'event-attendance',
    name: 'Event attendance reward',
    category: 'events',
    description: 'Attending a scheduled event for long enough pays a reward, with a bonus for being there on time.',
    placeholders: [currency(), amount('reward', 'Reward', 50), amount('on_time_bonus', 'On-time bonus', 10), amount('min_minutes', 'Minimum minutes present', 20, 1440)],
    rule: {
      key: 'event_attendance', name: 'Event attendance', module: 'events',
      trigger: { events: ['scheduled_event_attend'] },
      conditions: [{ name: 'present long enough', if: { '>=': [{ var: 'event.data.minutes_present' }, '{{min_minutes}}'] } }],
      effects: [credit('actor', { '+': ['{{reward}}', { if: [{ var: 'event.data.joined_on_time' }, '{{on_time_bonus}}', 0] }] }, 'attended an event')],
    },
    example: {
      events: [
        { type: 'scheduled_event_attend', at: '2026-12-05T20:00:00Z', data: { scheduled_event_id: '9', minutes_present: 45, joined_on_time: true } },
        { type: 'scheduled_event_attend', actor: 'bob', at: '2026-12-05T20:00:00Z', data: { scheduled_event_id: '9', minutes_present: 30, joined_on_time: false } },
        { type: 'scheduled_event_attend', actor: 'carol', at: '2026-12-05T20:00:00Z', data: { scheduled_event_id: '9', minutes_present: 5, joined_on_time: true } },
      ],
      outcome: 'Alice stays 45 minutes and came on time: 50 + 10 = 60; Bob stays 30 minutes but came late: 50; Carol leaves after 5 minutes: nothing.',
      expected: { fired: [true, true, false], balances: { alice: { xp: 60 }, bob: { xp: 50 } } },
    },
  },
  {
    key: 'invite-reward',
    name: 'Invite reward',
    category: 'growth',
    description: "Pays the member who invited a newcomer. Cairn's invite tracking (it needs the Manage Server permission) names the inviter in the join's data.inviter_id and as the join's target; joins through the vanity URL or an invite Cairn could not tell pay nobody. Add a condition on event.data.account_age_days to leave out young accounts, and a member_leave rule on event.data.member_days to take the reward back from quick leavers.",
    placeholders: [currency(), amount('reward', 'Reward per invite', 100)],
    rule: {
      key: 'invite_reward', name: 'Invite reward', module: 'growth',
      trigger: { events: ['member_join'], exclude_self: true, has_target: true },
      conditions: [{ name: 'the inviter is known and is the target', if: { '==': [{ var: 'event.data.inviter_id' }, { var: 'event.target_id' }] } }],
      effects: [credit('target', '{{reward}}', 'invited a member')],
    },
    example: {
      events: [
        { type: 'member_join', actor: 'carol', target: 'alice', at: '2026-12-05T10:00:00Z', data: { inviter_id: '100000000000000011' } },
        { type: 'member_join', actor: 'bob', at: '2026-12-05T11:00:00Z', data: {} },
      ],
      outcome: 'Carol joins with an invite of Alice: Alice receives 100. Bob joins through an unknown invite: nobody is paid.',
      expected: { fired: [true, false], balances: { alice: { xp: 100 } } },
    },
  },
  {
    key: 'onboarding-completion',
    name: 'Onboarding completion',
    category: 'onboarding',
    description: 'A member who finishes the onboarding checklist receives a welcome bonus and the member role.',
    placeholders: [currency(), amount('bonus', 'Welcome bonus', 25), role('member_role', 'Member role', 'given when the checklist is done', MEMBER_ROLE)],
    rule: {
      key: 'onboarding_done', name: 'Onboarding completed', module: 'onboarding',
      trigger: { events: ['onboarding_completed'] },
      effects: [credit('actor', '{{bonus}}', 'finished onboarding'), { type: 'role_add', to: 'actor', role: '{{member_role}}' }],
    },
    example: {
      events: [{ type: 'onboarding_completed', at: '2026-12-05T10:00:00Z', data: { total_steps: 3, seconds_since_join: 600 } }],
      outcome: 'Alice completes the checklist: she receives 25 and the member role.',
      expected: { fired: [true], balances: { alice: { xp: 25 } }, roles_added: { alice: [MEMBER_ROLE] } },
    },
  },
  {
    key: 'onboarding-step',
    name: 'Onboarding step reward',
    category: 'onboarding',
    description: 'Each completed onboarding step pays a small reward, so new members feel progress before the end of the checklist.',
    placeholders: [currency(), amount('per_step', 'Per step', 5)],
    rule: {
      key: 'onboarding_step', name: 'Onboarding step', module: 'onboarding',
      trigger: { events: ['onboarding_step_completed'] },
      effects: [credit('actor', '{{per_step}}', 'onboarding step')],
    },
    example: {
      events: [
        { type: 'onboarding_step_completed', at: '2026-12-05T10:00:00Z', data: { step: 'rules', completed_steps: 1, total_steps: 3 } },
        { type: 'onboarding_step_completed', at: '2026-12-05T10:05:00Z', data: { step: 'intro', completed_steps: 2, total_steps: 3 } },
      ],
      outcome: 'Alice completes two steps: 5 each, 10 in all.',
      expected: { fired: [true, true], balances: { alice: { xp: 10 } } },
    },
  },
  {
    key: 'weekend-multiplier',
    name: 'Weekend multiplier',
    category: 'activity',
    description: 'A message reward that pays a multiple on Saturdays and Sundays (UTC), with a cooldown between paid messages.',
    placeholders: [currency(), amount('base', 'Base per message', 10), { name: 'multiplier', kind: 'number', label: 'Weekend multiplier', min: 1, max: 10, default: 2 }, amount('cooldown_seconds', 'Cooldown (seconds)', 60, 86400)],
    rule: {
      key: 'weekend_messages', name: 'Messages (weekend multiplier)', module: 'activity',
      trigger: { events: ['message_create'] },
      limits: [{ kind: 'cooldown', seconds: '{{cooldown_seconds}}' }],
      effects: [credit('actor', { if: [{ in: [{ var: 'time.weekday' }, [0, 6]] }, { '*': ['{{base}}', '{{multiplier}}'] }, '{{base}}'] }, 'message')],
    },
    example: {
      events: [
        { type: 'message_create', at: '2026-12-05T10:00:00Z', data: msg() },
        { type: 'message_create', at: '2026-12-05T10:00:30Z', data: msg() },
        { type: 'message_create', at: '2026-12-07T10:00:00Z', data: msg() },
      ],
      outcome: 'On Saturday Alice earns 10 × 2 = 20; her message 30 seconds later is inside the cooldown; on Monday a message earns 10. She ends with 30.',
      expected: { fired: [true, false, true], balances: { alice: { xp: 30 } } },
    },
  },
  {
    key: 'happy-hour',
    name: 'Happy hour',
    category: 'activity',
    description: 'Messages during chosen hours of the day (UTC, from the start hour up to but not including the end hour) pay a bonus.',
    placeholders: [currency(), amount('bonus', 'Bonus', 5), { name: 'from_hour', kind: 'integer', label: 'From hour (UTC)', min: 0, max: 23, default: 18 }, { name: 'to_hour', kind: 'integer', label: 'To hour (UTC)', min: 1, max: 24, default: 20 }],
    rule: {
      key: 'happy_hour', name: 'Happy hour', module: 'activity',
      trigger: { events: ['message_create'] },
      conditions: [{ name: 'within the hours', if: { and: [{ '>=': [{ var: 'time.hour' }, '{{from_hour}}'] }, { '<': [{ var: 'time.hour' }, '{{to_hour}}'] }] } }],
      limits: [{ kind: 'cooldown', seconds: 60 }],
      effects: [credit('actor', '{{bonus}}', 'happy hour')],
    },
    example: {
      events: [
        { type: 'message_create', at: '2026-12-05T18:30:00Z', data: msg() },
        { type: 'message_create', actor: 'bob', at: '2026-12-05T20:00:00Z', data: msg() },
      ],
      outcome: 'Alice posts at 18:30: 5. Bob posts at 20:00, the end of happy hour: nothing.',
      expected: { fired: [true, false], balances: { alice: { xp: 5 } } },
    },
  },
  {
    key: 'long-message-bonus',
    name: 'Thoughtful message bonus',
    category: 'activity',
    description: 'Messages of at least a chosen length pay a bonus, at most a few times an hour.',
    placeholders: [currency(), amount('bonus', 'Bonus', 5), amount('min_length', 'Minimum length (characters)', 300, 4000), amount('max_per_hour', 'Paid per hour', 3, 100)],
    rule: {
      key: 'long_message', name: 'Thoughtful message', module: 'activity',
      trigger: { events: ['message_create'] },
      conditions: [{ name: 'long enough', if: { '>=': [{ var: 'event.data.length' }, '{{min_length}}'] } }],
      limits: [{ kind: 'rate', max: '{{max_per_hour}}', window_seconds: 3600 }],
      effects: [credit('actor', '{{bonus}}', 'thoughtful message')],
    },
    example: {
      events: [
        { type: 'message_create', at: '2026-12-05T10:00:00Z', data: msg(450) },
        { type: 'message_create', at: '2026-12-05T10:01:00Z', data: msg(40) },
      ],
      outcome: 'A 450-character message pays 5; a 40-character one nothing.',
      expected: { fired: [true, false], balances: { alice: { xp: 5 } } },
    },
  },
  {
    key: 'code-share',
    name: 'Code sharing bonus',
    category: 'activity',
    description: 'A message with a code block in the chosen channel pays a bonus, up to a daily cap.',
    placeholders: [currency(), amount('bonus', 'Bonus', 8), channel('code_channel', 'Channel', 'where code is shared', HELP), amount('daily_cap', 'Daily cap', 24)],
    rule: {
      key: 'code_share', name: 'Code sharing', module: 'activity',
      trigger: { events: ['message_create'], channels: ['{{code_channel}}'] },
      conditions: [{ name: 'has a code block', if: { var: 'event.data.has_code_block' } }],
      limits: [{ kind: 'cap', currency: '{{currency}}', max: '{{daily_cap}}', period: 'day' }],
      effects: [credit('actor', '{{bonus}}', 'shared code')],
    },
    example: {
      events: [
        { type: 'message_create', channel: HELP, at: '2026-12-05T10:00:00Z', data: msg(300, { has_code_block: true }) },
        { type: 'message_create', channel: HELP, at: '2026-12-05T10:10:00Z', data: msg(300) },
      ],
      outcome: 'A message with a code block pays 8; one without pays nothing.',
      expected: { fired: [true, false], balances: { alice: { xp: 8 } } },
    },
  },
  {
    key: 'art-showcase',
    name: 'Showcase post',
    category: 'activity',
    description: 'A post with an attachment (art, screenshots, photos) in the showcase channel pays a reward, a few times a day at most.',
    placeholders: [currency(), amount('reward', 'Reward', 10), channel('showcase_channel', 'Showcase channel', 'where members share their work', ART), amount('max_per_day', 'Posts paid per day', 3, 100)],
    rule: {
      key: 'showcase_post', name: 'Showcase post', module: 'activity',
      trigger: { events: ['message_create'], channels: ['{{showcase_channel}}'] },
      conditions: [{ name: 'has an attachment', if: { var: 'event.data.has_attachment' } }],
      limits: [{ kind: 'rate', max: '{{max_per_day}}', window_seconds: 86400 }],
      effects: [credit('actor', '{{reward}}', 'showcase post')],
    },
    example: {
      events: [
        { type: 'message_create', channel: ART, at: '2026-12-05T10:00:00Z', data: msg(10, { has_attachment: true, attachment_count: 1 }) },
        { type: 'message_create', channel: ART, at: '2026-12-05T10:05:00Z', data: msg(100) },
      ],
      outcome: 'A post with an image in the showcase pays 10; a text-only message there pays nothing.',
      expected: { fired: [true, false], balances: { alice: { xp: 10 } } },
    },
  },
  {
    key: 'daily-command',
    name: 'Daily check-in command',
    category: 'activity',
    description: 'Running a chosen slash command (e.g. /daily) pays a reward once per calendar day.',
    placeholders: [currency('currency', 'Currency', 'coins'), amount('reward', 'Reward', 50), { name: 'command_name', kind: 'text', label: 'Command name', max_length: 64, default: 'daily' }],
    rule: {
      key: 'daily_checkin', name: 'Daily check-in', module: 'economy',
      trigger: { events: ['command'] },
      conditions: [{ name: 'the check-in command', if: { '==': [{ var: 'event.data.name' }, '{{command_name}}'] } }],
      limits: [{ kind: 'cap', currency: '{{currency}}', max: '{{reward}}', period: 'day' }],
      effects: [credit('actor', '{{reward}}', 'daily check-in')],
    },
    example: {
      events: [
        { type: 'command', at: '2026-12-05T10:00:00Z', data: { name: 'daily' } },
        { type: 'command', at: '2026-12-05T22:00:00Z', data: { name: 'daily' } },
        { type: 'command', at: '2026-12-06T07:00:00Z', data: { name: 'daily' } },
        { type: 'command', actor: 'bob', at: '2026-12-06T07:00:00Z', data: { name: 'rank' } },
      ],
      outcome: "Alice checks in on Saturday (50), again that evening (nothing) and on Sunday (50): 100. Bob's /rank pays nothing.",
      expected: { fired: [true, false, true, false], balances: { alice: { coins: 100 } } },
    },
  },
  {
    key: 'level-up-reward',
    name: 'Level-up reward',
    category: 'progression',
    description: "Reaching a level in one currency pays another currency: the new level times a chosen amount (level 5 pays 5 × the amount).",
    placeholders: [currency('level_currency', 'Levelled currency', 'xp'), currency('reward_currency', 'Reward currency', 'coins'), amount('per_level', 'Per level', 10)],
    rule: {
      key: 'level_up_reward', name: 'Level-up reward', module: 'progression',
      trigger: { events: ['level_up'], currency: '{{level_currency}}' },
      effects: [credit('actor', { '*': [{ var: 'event.data.level' }, '{{per_level}}'] }, 'level up', '{{reward_currency}}')],
    },
    example: {
      events: [
        { type: 'level_up', at: '2026-12-05T10:00:00Z', data: { currency: 'xp', level: 5 } },
        { type: 'level_up', actor: 'bob', at: '2026-12-05T10:00:00Z', data: { currency: 'karma', level: 3 } },
      ],
      outcome: 'Alice reaches xp level 5: 5 × 10 = 50 coins. Bob levels up in another currency: nothing.',
      expected: { fired: [true, false], balances: { alice: { coins: 50 } } },
    },
  },
  {
    key: 'milestone-celebration',
    name: 'Milestone celebration',
    category: 'progression',
    description: 'When a member earns a chosen milestone, they receive a bonus and the announcement channel congratulates them.',
    placeholders: [{ name: 'milestone_key', kind: 'milestone', label: 'Milestone', example: 'veteran' }, currency(), amount('bonus', 'Bonus', 200), channel('announce_channel', 'Announcement channel', 'where the congratulation is posted', ANNOUNCE), { name: 'message', kind: 'text', label: 'Message', max_length: 1500, default: '🎉 Congratulations {{actor.mention}}!' }],
    rule: {
      key: 'milestone_celebration', name: 'Milestone celebration', module: 'progression',
      trigger: { events: ['milestone_earned'], milestone: '{{milestone_key}}' },
      effects: [credit('actor', '{{bonus}}', 'milestone bonus'), { type: 'message', channel: '{{announce_channel}}', template: '{{message}}' }],
    },
    example: {
      events: [{ type: 'milestone_earned', at: '2026-12-05T10:00:00Z', data: { milestone: 'veteran' } }],
      outcome: 'Alice earns "veteran": 200 and a congratulation in the announcement channel.',
      expected: { fired: [true], balances: { alice: { xp: 200 } } },
    },
  },
  {
    key: 'faq-helpful-author',
    name: 'Helpful FAQ author',
    category: 'support',
    description: "When a reader marks an FAQ entry as helpful, its author is paid, up to a daily cap; marking one's own entry pays nothing.",
    placeholders: [currency(), amount('reward', 'Reward', 3), amount('daily_cap', 'Daily cap per author', 30)],
    rule: {
      key: 'faq_helpful', name: 'Helpful FAQ entry', module: 'support',
      trigger: { events: ['faq_helpful'], exclude_self: true, has_target: true },
      limits: [{ kind: 'cap', currency: '{{currency}}', max: '{{daily_cap}}', period: 'day', per: 'target' }],
      effects: [credit('target', '{{reward}}', 'FAQ entry found helpful')],
    },
    example: {
      events: [
        { type: 'faq_helpful', actor: 'bob', target: 'alice', at: '2026-12-05T10:00:00Z', data: { entry: 'reset-password' } },
        { type: 'faq_helpful', actor: 'alice', target: 'alice', at: '2026-12-05T10:01:00Z', data: { entry: 'reset-password' } },
      ],
      outcome: "Bob finds Alice's entry helpful: she receives 3; her own vote pays nothing.",
      expected: { fired: [true, false], balances: { alice: { xp: 3 } } },
    },
  },
  {
    key: 'ticket-resolved',
    name: 'Ticket resolved by staff',
    category: 'support',
    description: 'A staff member who closes a ticket as resolved is paid, with a bonus when the first response came quickly.',
    placeholders: [currency(), amount('reward', 'Reward', 20), amount('fast_bonus', 'Quick-response bonus', 10), amount('fast_seconds', 'Quick response within (seconds)', 900, 604800)],
    rule: {
      key: 'ticket_resolved', name: 'Ticket resolved', module: 'support',
      trigger: { events: ['ticket_closed'] },
      conditions: [
        { name: 'closed by staff', if: { var: 'event.data.by_staff' } },
        { name: 'resolved', if: { var: 'event.data.resolved' } },
      ],
      effects: [credit('actor', { '+': ['{{reward}}', { if: [{ '<=': [{ var: ['event.data.first_response_seconds', 999999999] }, '{{fast_seconds}}'] }, '{{fast_bonus}}', 0] }] }, 'resolved a ticket')],
    },
    example: {
      events: [
        { type: 'ticket_closed', actor: 'bob', target: 'carol', at: '2026-12-05T10:00:00Z', data: { ticket: 1, by_staff: true, resolved: true, first_response_seconds: 300, resolution_seconds: 3600 } },
        { type: 'ticket_closed', actor: 'bob', target: 'carol', at: '2026-12-05T12:00:00Z', data: { ticket: 2, by_staff: true, resolved: true, first_response_seconds: 7200, resolution_seconds: 9000 } },
        { type: 'ticket_closed', actor: 'carol', target: 'carol', at: '2026-12-05T13:00:00Z', data: { ticket: 3, by_staff: false, resolved: true } },
      ],
      outcome: 'Bob resolves a ticket answered within 5 minutes: 20 + 10 = 30; another answered after 2 hours: 20. Carol closing her own ticket pays nothing. Bob ends with 50.',
      expected: { fired: [true, true, false], balances: { bob: { xp: 50 } } },
    },
  },
  {
    key: 'shop-cashback',
    name: 'Shop cashback',
    category: 'economy',
    description: 'A purchase in the shop gives back a percentage of its price (rounded down) in another currency; purchases too cheap to give back a whole unit give nothing.',
    placeholders: [currency('cashback_currency', 'Cashback currency', 'xp'), { name: 'percent', kind: 'integer', label: 'Percent', min: 1, max: 100, default: 10 }],
    rule: {
      key: 'shop_cashback', name: 'Shop cashback', module: 'economy',
      trigger: { events: ['shop_purchase'] },
      vars: { cashback: { floor: { '/': [{ '*': [{ var: 'event.data.price' }, { var: 'event.data.quantity' }, '{{percent}}'] }, 100] } } },
      conditions: [{ name: 'at least 1 back', if: { '>=': [{ var: 'vars.cashback' }, 1] } }],
      effects: [credit('actor', { var: 'vars.cashback' }, 'shop cashback', '{{cashback_currency}}')],
    },
    example: {
      events: [
        { type: 'shop_purchase', at: '2026-12-05T10:00:00Z', data: { item: 'hat', price: 250, currency: 'coins', quantity: 2 } },
        { type: 'shop_purchase', actor: 'bob', at: '2026-12-05T10:00:00Z', data: { item: 'sticker', price: 5, currency: 'coins', quantity: 1 } },
      ],
      outcome: 'Alice buys two hats at 250: 10% of 500 = 50 back. Bob buys a sticker at 5: 0.5 rounds down to nothing.',
      expected: { fired: [true, false], balances: { alice: { xp: 50 } } },
    },
  },
  {
    key: 'reaction-giver',
    name: 'Reacting to others',
    category: 'reactions',
    description: "Reacting to other members' messages pays the one who reacts a little, a few times an hour at most; reacting to one's own message pays nothing.",
    placeholders: [currency(), amount('per_reaction', 'Per reaction', 1), amount('max_per_hour', 'Paid per hour', 10, 1000)],
    rule: {
      key: 'reaction_giver', name: 'Reacting to others', module: 'reactions',
      trigger: { events: ['reaction_add'], exclude_self: true },
      limits: [{ kind: 'rate', max: '{{max_per_hour}}', window_seconds: 3600 }],
      effects: [credit('actor', '{{per_reaction}}', 'reacted')],
    },
    example: {
      values: { max_per_hour: 2 },
      events: [
        { type: 'reaction_add', target: 'bob', at: '2026-12-05T10:00:00Z', data: { emoji: '👍', message_id: '1' } },
        { type: 'reaction_add', target: 'bob', at: '2026-12-05T10:01:00Z', data: { emoji: '👍', message_id: '2' } },
        { type: 'reaction_add', target: 'bob', at: '2026-12-05T10:02:00Z', data: { emoji: '👍', message_id: '3' } },
      ],
      outcome: 'With 2 paid an hour, Alice’s first two reactions pay 1 each and the third nothing: she ends with 2.',
      expected: { fired: [true, true, false], balances: { alice: { xp: 2 } } },
    },
  },
  {
    key: 'veteran-role',
    name: 'Role at a balance',
    category: 'progression',
    description: 'When a member’s balance of a currency reaches a threshold, they receive a role (once: members who have it are skipped).',
    placeholders: [currency(), amount('threshold', 'Threshold', 1000), role('reward_role', 'Role', 'given at the threshold', MEMBER_ROLE)],
    rule: {
      key: 'role_at_balance', name: 'Role at a balance', module: 'progression',
      trigger: { events: ['currency_credited'], currency: '{{currency}}', roles: { none: ['{{reward_role}}'] } },
      conditions: [{ name: 'reached the threshold', if: { '>=': [{ var: 'event.data.balance_after' }, '{{threshold}}'] } }],
      effects: [{ type: 'role_add', to: 'actor', role: '{{reward_role}}' }],
    },
    example: {
      events: [
        { type: 'currency_credited', at: '2026-12-05T10:00:00Z', data: { currency: 'xp', amount: 10, balance_after: 990 } },
        { type: 'currency_credited', at: '2026-12-05T10:05:00Z', data: { currency: 'xp', amount: 20, balance_after: 1010 } },
      ],
      outcome: 'At 990 Alice is below the threshold; at 1010 she receives the role.',
      expected: { fired: [false, true], balances: {}, roles_added: { alice: [MEMBER_ROLE] } },
    },
  },
];

/** The gallery, validated when first read (a broken template is a bug: the tests load it). */
let parsed: RuleTemplate[] | undefined;
export function galleryTemplates(): RuleTemplate[] {
  return (parsed ??= TEMPLATES.map((t) => RuleTemplateSchema.parse(t)));
}

export function galleryTemplate(key: string): RuleTemplate | undefined {
  return galleryTemplates().find((t) => t.key === key);
}

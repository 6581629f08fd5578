// LakeEvent: the one envelope every event takes, from Discord, HTTP, a file or the engine itself.
import { z } from 'zod';
import { Amount, boundedNumber, Count, Level, MAX_BALANCE, MAX_COUNT, MAX_DURATION_MINUTES, MAX_DURATION_SECONDS, MAX_MESSAGE_AGE_SECONDS, SignedAmount, wholeNumber } from '../config/ranges.ts';
import { isSnowflake } from '../db/snowflake.ts';
import { unstorableStrings, valueDepthExceeds } from '../db/storable.ts';

export const Snowflake = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string of digits (a Discord snowflake), not a number') })
  .refine(isSnowflake, { message: 'must be a decimal snowflake string within 64-bit range' });

const NullableSnowflake = Snowflake.nullable();
const MAX_OPTIONS_DEPTH = 4;
const MAX_OPTIONS_BYTES = 4096;
const count = Count();
const durationSeconds = wholeNumber(0, MAX_DURATION_SECONDS);
const messageAge = boundedNumber(0, MAX_MESSAGE_AGE_SECONDS);
const balance = wholeNumber(-MAX_BALANCE, MAX_BALANCE);

export const MESSAGE_TYPES = ['message_create'] as const;

/** Event data per type. Unknown keys are dropped: content text never reaches the lake. */
export const EventDataSchemas = {
  message_create: z.object({
    length: count,
    has_code_block: z.boolean().default(false),
    has_link: z.boolean().default(false),
    has_attachment: z.boolean().default(false),
    attachment_count: count.default(0),
    emoji_count: count.default(0),
    is_reply: z.boolean().default(false),
    thread_id: Snowflake.optional(),
  }),
  reaction_add: z.object({
    emoji: z.string().min(1).max(100),
    message_id: Snowflake,
    unique_reactor_count: wholeNumber(1, MAX_COUNT).default(1),
    message_age_seconds: messageAge.default(0),
  }),
  reaction_remove: z.object({
    emoji: z.string().min(1).max(100),
    message_id: Snowflake,
    unique_reactor_count: count.default(0),
    message_age_seconds: messageAge.default(0),
  }),
  thread_create: z.object({
    name: z.string().max(100).default(''),
    parent_channel_id: Snowflake.optional(),
  }),
  voice_join: z.object({
    self_mute: z.boolean().default(false),
    self_deaf: z.boolean().default(false),
    is_afk: z.boolean().default(false),
  }),
  voice_move: z.object({
    from_channel_id: Snowflake.optional(),
    self_mute: z.boolean().default(false),
    self_deaf: z.boolean().default(false),
    is_afk: z.boolean().default(false),
  }),
  voice_session_end: z.object({
    duration_seconds: durationSeconds,
    is_afk: z.boolean().default(false),
    started_at: z.iso.datetime({ offset: true }).optional(),
  }),
  /** Optional (the presence intent): a member's time in one status, online, idle or do-not-disturb. */
  presence_session_end: z.object({
    status: z.enum(['online', 'idle', 'dnd']),
    duration_seconds: durationSeconds,
    started_at: z.iso.datetime({ offset: true }).optional(),
  }),
  member_join: z.object({
    joined_at: z.iso.datetime({ offset: true }).optional(),
    /** How they joined: an invite (`invite_code`, its creator `inviter_id`), the vanity URL, or not known (no Manage Server permission, an invite Cairn did not see). */
    invite: z.enum(['code', 'vanity', 'unknown']).optional(),
    invite_code: z.string().min(1).max(32).nullable().optional(),
    inviter_id: Snowflake.nullable().optional(),
    /** Days since the account was created (from its id): a young account is how a fake invite usually looks. */
    account_age_days: z.number().int().min(0).max(100_000).optional(),
  }),
  member_leave: z.object({
    joined_at: z.iso.datetime({ offset: true }).optional(),
    /** Whole days between the join and the leave, when the join is known. */
    member_days: z.number().int().min(0).max(100_000).optional(),
    /** Who invited them, as their join said: a rule may take an invite reward back. */
    inviter_id: Snowflake.nullable().optional(),
  }),
  scheduled_event_attend: z.object({
    scheduled_event_id: Snowflake,
    minutes_present: boundedNumber(0, MAX_DURATION_MINUTES),
    joined_on_time: z.boolean().default(false),
  }),
  command: z.object({
    name: z.string().min(1).max(64),
    /** A slash command's options (sub-commands nest a few levels): small, shallow JSON. */
    options: z
      .record(z.string().max(100), z.unknown())
      .default({})
      .refine((o) => !valueDepthExceeds(o, MAX_OPTIONS_DEPTH), { error: `must not nest deeper than ${MAX_OPTIONS_DEPTH} levels`, abort: true })
      .refine((o) => JSON.stringify(o).length <= MAX_OPTIONS_BYTES, { error: `must be at most ${MAX_OPTIONS_BYTES} characters as JSON` }),
  }),
  // Support desk (tickets). The ticket's id is Cairn's per-guild number; times let rules and
  // service metrics tell a quick answer from a slow one.
  /** actor: the member who opened it; channel: the ticket's thread or channel. */
  ticket_opened: z.object({
    ticket: wholeNumber(1, MAX_COUNT),
    category: z.string().min(1).max(48).default('general'),
    mode: z.enum(['thread', 'channel']).default('thread'),
  }),
  /** actor: the staff member who claimed it; target: who opened it. */
  ticket_claimed: z.object({
    ticket: wholeNumber(1, MAX_COUNT),
    category: z.string().min(1).max(48).default('general'),
    seconds_open: durationSeconds.default(0),
  }),
  /** actor: who closed it; target: who opened it. `by_staff` tells a staff close from the member's own. */
  ticket_closed: z.object({
    ticket: wholeNumber(1, MAX_COUNT),
    category: z.string().min(1).max(48).default('general'),
    by_staff: z.boolean().default(false),
    claimed_by: Snowflake.optional(),
    resolved: z.boolean().default(true),
    first_response_seconds: durationSeconds.optional(),
    resolution_seconds: durationSeconds.default(0),
    reopened_count: count.default(0),
  }),
  /** actor: who reopened it; target: who opened it. */
  ticket_reopened: z.object({
    ticket: wholeNumber(1, MAX_COUNT),
    category: z.string().min(1).max(48).default('general'),
    seconds_closed: durationSeconds.default(0),
  }),
  // FAQ. actor: the reader or voter; target: the entry's author (so rules can reward helpful authors).
  faq_viewed: z.object({
    entry: z.string().min(1).max(64),
    via: z.enum(['search', 'show', 'autocomplete', 'panel', 'suggestion']).default('show'),
  }),
  faq_helpful: z.object({ entry: z.string().min(1).max(64) }),
  // Onboarding. actor: the new member.
  onboarding_step_completed: z.object({
    step: z.string().min(1).max(48),
    completed_steps: count.default(0),
    total_steps: count.default(0),
  }),
  onboarding_completed: z.object({
    total_steps: count.default(0),
    seconds_since_join: durationSeconds.optional(),
  }),
  manual_award: z.object({
    currency: z.string().min(1).max(32),
    amount: SignedAmount(),
    reason: z.string().max(500).default(''),
  }),
  currency_credited: z.object({ currency: z.string(), amount: Amount(), balance_after: balance }),
  currency_debited: z.object({ currency: z.string(), amount: Amount(), balance_after: balance }),
  level_up: z.object({ currency: z.string(), level: Level() }),
  milestone_earned: z.object({ milestone: z.string() }).catchall(z.unknown()),
  season_roll: z.object({ season: wholeNumber(1, MAX_COUNT) }).catchall(z.unknown()),
  shop_purchase: z.object({ item: z.string(), price: Amount(), currency: z.string(), quantity: wholeNumber(1, MAX_COUNT) }),
} as const;

export type EventType = keyof typeof EventDataSchemas;

/** Before Discord existed, no event can have happened; after 2100, none has yet. */
export const EARLIEST_EVENT_TIME = '2015-01-01T00:00:00.000Z';
export const LATEST_EVENT_TIME = '2100-01-01T00:00:00.000Z';
export const EVENT_TYPES = Object.keys(EventDataSchemas) as EventType[];
/** Emitted by the engine only; never accepted from outside. */
export const INTERNAL_EVENT_TYPES = [
  'currency_credited',
  'currency_debited',
  'level_up',
  'milestone_earned',
  'season_roll',
  'shop_purchase',
] as const satisfies readonly EventType[];
export const EXTERNAL_EVENT_TYPES = EVENT_TYPES.filter(
  (t) => !(INTERNAL_EVENT_TYPES as readonly string[]).includes(t),
);

const Envelope = z.object({
  source_id: z
    .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9:_.-]+$/, 'may hold only letters, digits and : _ . -'),
  type: z.string({ error: 'is required' }),
  guild_id: Snowflake,
  actor_id: Snowflake,
  target_id: NullableSnowflake.default(null),
  channel_id: NullableSnowflake.default(null),
  occurred_at: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' })
    .refine((t) => !(Date.parse(t) < Date.parse(EARLIEST_EVENT_TIME)), { error: 'must not be before 2015-01-01 (Discord did not exist yet)' })
    .refine((t) => !(Date.parse(t) >= Date.parse(LATEST_EVENT_TIME)), { error: 'must be before 2100-01-01' }),
  data: z.record(z.string(), z.unknown()).default({}),
});

export interface LakeEvent {
  source_id: string;
  type: EventType;
  guild_id: string;
  actor_id: string;
  target_id: string | null;
  channel_id: string | null;
  /** ISO 8601, normalised to UTC with milliseconds. */
  occurred_at: string;
  data: Record<string, unknown>;
}

export interface FieldError {
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

function toFieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)',
    message: issue.message,
  }));
}

export interface ParseOptions {
  /** Accept engine-internal types (the engine's own chain); false at every outside boundary. */
  allowInternal?: boolean;
}

/** Validates one event from outside Cairn, with an error per bad field. */
export function parseLakeEvent(input: unknown, options: ParseOptions = {}): ParseResult<LakeEvent> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ path: '(root)', message: 'must be a JSON object' }] };
  }
  const envelope = Envelope.safeParse(input);
  const errors: FieldError[] = envelope.success ? [] : toFieldErrors(envelope.error);
  const type = (input as { type?: unknown }).type;
  const known = typeof type === 'string' && type in EventDataSchemas;
  const allowed = options.allowInternal ? EVENT_TYPES : EXTERNAL_EVENT_TYPES;
  if (typeof type === 'string' && !allowed.includes(type as EventType)) {
    errors.push({
      path: 'type',
      message: known
        ? `"${type}" is an internal event type emitted by the engine; it cannot be ingested`
        : `unknown event type "${type}"; expected one of ${allowed.join(', ')}`,
    });
  }
  let data: Record<string, unknown> = {};
  if (known && allowed.includes(type as EventType)) {
    const schema = EventDataSchemas[type as EventType];
    const parsed = schema.safeParse((input as { data?: unknown }).data ?? {});
    if (parsed.success) data = parsed.data as Record<string, unknown>;
    else errors.push(...toFieldErrors(parsed.error, 'data'));
  }
  if (envelope.success && type === 'manual_award' && envelope.data.target_id === null) {
    errors.push({ path: 'target_id', message: 'is required: the member who receives the award' });
  }
  if (errors.length > 0 || !envelope.success) return { ok: false, errors: dedupe(errors) };
  const e = envelope.data;
  const value: LakeEvent = {
    source_id: e.source_id,
    type: type as EventType,
    guild_id: e.guild_id,
    actor_id: e.actor_id,
    target_id: e.target_id,
    channel_id: e.channel_id,
    occurred_at: new Date(e.occurred_at).toISOString(),
    data,
  };
  // Text Postgres cannot store (NUL, lone surrogates) is refused here, with its path, not at insert.
  const unstorable = unstorableStrings(value);
  return unstorable.length > 0 ? { ok: false, errors: unstorable } : { ok: true, value };
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

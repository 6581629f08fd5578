// Milestone templates: what a member must reach (a requirement over wallets and the lake's
// counters), how it looks, and whether earning it is announced. Validated by zod; the schema is the
// documentation.
import { z } from 'zod';
import { boundedNumber, Level, MAX_BALANCE, Order, wholeNumber } from '../config/ranges.ts';
import { DisplayName } from '../config/text.ts';
import { EVENT_TYPES } from '../events/lake-event.ts';
import { IdOrPlaceholder } from '../rules/schema.ts';

const CurrencyKey = z.string().min(1).max(32);
const EventTypeList = z.array(z.enum(EVENT_TYPES as [string, ...string[]])).min(1);

export type Requirement =
  | { type: 'wallet'; currency: string; min: number }
  | { type: 'lifetime'; currency: string; min: number }
  | { type: 'level'; currency: string; min: number }
  | {
      type: 'event_count';
      events: string[];
      side: 'actor' | 'target';
      min: number;
      measure: 'count' | 'value_sum' | 'voice_minutes';
      channels?: string[] | undefined;
      zones?: string[] | undefined;
    }
  | { type: 'streak'; days: number; events?: string[] | undefined }
  | { type: 'all'; of: Requirement[] }
  | { type: 'any'; of: Requirement[] }
  | { type: 'custom' };

export const RequirementSchema: z.ZodType<Requirement> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('wallet'), currency: CurrencyKey, min: wholeNumber(-MAX_BALANCE, MAX_BALANCE) }).strict()
      .meta({ description: 'current balance of a currency at least `min`' }),
    z.object({ type: z.literal('lifetime'), currency: CurrencyKey, min: wholeNumber(1, MAX_BALANCE) }).strict()
      .meta({ description: 'lifetime earnings of a currency at least `min`' }),
    z.object({ type: z.literal('level'), currency: CurrencyKey, min: Level() }).strict()
      .meta({ description: "level on a currency's level curve at least `min`" }),
    z
      .object({
        type: z.literal('event_count'),
        events: EventTypeList,
        side: z.enum(['actor', 'target']).default('actor').meta({ description: 'actor: events the member did; target: events done to them (e.g. reactions received)' }),
        min: boundedNumber(0, MAX_BALANCE, { exclusiveMin: true }),
        measure: z.enum(['count', 'value_sum', 'voice_minutes']).default('count').meta({
          description: 'count of events, or the sum of their value (message characters, voice seconds outside AFK, minutes at a scheduled event); voice_minutes = voice seconds / 60',
        }),
        channels: z.array(IdOrPlaceholder).optional(),
        zones: z.array(z.string()).optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('streak'),
        days: wholeNumber(2, 366),
        events: EventTypeList.optional().meta({ description: 'which events make a day active (default: any)' }),
      })
      .strict()
      .meta({ description: 'active on `days` consecutive days (the guild\'s time zone), up to the day of the event' }),
    z.object({ type: z.literal('all'), of: z.array(RequirementSchema).min(1).max(20) }).strict(),
    z.object({ type: z.literal('any'), of: z.array(RequirementSchema).min(1).max(20) }).strict(),
    z.object({ type: z.literal('custom') }).strict().meta({ description: 'never earned automatically: awarded by an admin' }),
  ]),
);

export const RARITIES = ['common', 'uncommon', 'rare', 'epic', 'legendary'] as const;

export const MilestoneSchema = z
  .object({
    key: z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9_.-]*$/),
    name: DisplayName(100),
    description: z.string().max(500).default(''),
    category: z.string().max(48).default('general'),
    icon: z.string().max(64).default('🏅'),
    rarity: z.enum(RARITIES).default('common'),
    requirement: RequirementSchema,
    announce: z.boolean().default(true),
    /** Where to announce; default: the guild's announcement channel setting. */
    announce_channel: IdOrPlaceholder.optional(),
    scope: z.enum(['lifetime', 'season']).default('lifetime'),
    enabled: z.boolean().default(true),
    order: Order().default(0),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.scope !== 'season') return;
    const walk = (r: Requirement, path: (string | number)[]) => {
      if (r.type === 'event_count' && (r.channels || r.zones)) {
        ctx.addIssue({ code: 'custom', path: [...path], message: 'channel and zone filters need lifetime scope (season counts come from daily counters)' });
      }
      if (r.type === 'all' || r.type === 'any') r.of.forEach((x, i) => walk(x, [...path, 'of', i]));
    };
    walk(m.requirement, ['requirement']);
  });

export type MilestoneInput = z.input<typeof MilestoneSchema>;
export type Milestone = z.output<typeof MilestoneSchema>;

/** Currencies and zones a requirement names (to check they exist). */
export function requirementReferences(r: Requirement): { currencies: string[]; zones: string[] } {
  switch (r.type) {
    case 'wallet':
    case 'lifetime':
    case 'level':
      return { currencies: [r.currency], zones: [] };
    case 'event_count':
      return { currencies: [], zones: r.zones ?? [] };
    case 'all':
    case 'any': {
      const parts = r.of.map(requirementReferences);
      return { currencies: parts.flatMap((p) => p.currencies), zones: parts.flatMap((p) => p.zones) };
    }
    default:
      return { currencies: [], zones: [] };
  }
}

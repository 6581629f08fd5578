// Zones: named groups of channels with multipliers per currency and event-type key. A zone may
// also be the default for a channel type, for channels that no zone names.
import { z } from 'zod';
import { DisplayName } from '../config/text.ts';
import { IdOrPlaceholder } from './schema.ts';

export const ZoneSchema = z
  .object({
    key: z.string().min(1).max(48).regex(/^[a-z0-9][a-z0-9_.-]*$/),
    name: DisplayName(100),
    channels: z.array(IdOrPlaceholder).default([]),
    /** Channel types this zone is the default for (channels in no zone): text, voice, forum, thread… */
    default_for: z.array(z.string().min(1).max(24)).default([]),
    /** { currency: { eventTypeKey | "*": multiplier } } */
    multipliers: z.record(z.string(), z.record(z.string(), z.number().min(0).max(1000))).default({}),
  })
  .strict();

export type ZoneInput = z.input<typeof ZoneSchema>;
export type Zone = z.output<typeof ZoneSchema>;

/** Channel type of an event's channel: given in data.channel_type, else inferred from the event. */
export function channelTypeOf(eventType: string, data: Record<string, unknown>): string {
  if (typeof data.channel_type === 'string') return data.channel_type;
  if (eventType.startsWith('voice_')) return 'voice';
  return 'text';
}

/**
 * Resolves multipliers in Synapse's order: the channel's zone for the exact type key, the channel's
 * zone for any type ("*"), the channel type's default zone for the exact key, its "*", else 1.
 */
export class ZoneIndex {
  readonly #byChannel = new Map<string, Zone>();
  readonly #defaults = new Map<string, Zone>();
  readonly byKey = new Map<string, Zone>();

  constructor(zones: Zone[]) {
    for (const zone of zones) {
      this.byKey.set(zone.key, zone);
      for (const channel of zone.channels) if (!this.#byChannel.has(channel)) this.#byChannel.set(channel, zone);
      for (const type of zone.default_for) if (!this.#defaults.has(type)) this.#defaults.set(type, zone);
    }
  }

  /** No zones at all: every multiplier is 1, every zone null. */
  get empty(): boolean {
    return this.byKey.size === 0;
  }

  zoneOf(channelId: string | null): Zone | undefined {
    return channelId ? this.#byChannel.get(channelId) : undefined;
  }

  defaultFor(channelType: string): Zone | undefined {
    return this.#defaults.get(channelType);
  }

  multiplier(channelId: string | null, channelType: string, currency: string, typeKey: string): number {
    if (this.byKey.size === 0) return 1;
    const zone = this.zoneOf(channelId);
    const own = zone?.multipliers[currency];
    if (own?.[typeKey] !== undefined) return own[typeKey]!;
    if (own?.['*'] !== undefined) return own['*']!;
    const fallback = this.defaultFor(channelType)?.multipliers[currency];
    if (fallback?.[typeKey] !== undefined) return fallback[typeKey]!;
    if (fallback?.['*'] !== undefined) return fallback['*']!;
    return 1;
  }
}

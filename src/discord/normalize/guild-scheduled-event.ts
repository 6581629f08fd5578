// Scheduled events as objects: GUILD_SCHEDULED_EVENT_CREATE / UPDATE / DELETE, GUILD_CREATE's
// guild_scheduled_events, and USER_ADD / USER_REMOVE (who is interested). Pure: a payload in, a
// record (or its problems) out. The name must be storable as sent; description and location are
// cleaned instead (a stray NUL is not worth losing the event).
import { z } from 'zod';
import { parseEntries, type EntryList, type EntryParse } from './entries.ts';
import { isoTime, Snowflake } from './gateway-schemas.ts';
import { DirectoryName, storableName } from './names.ts';
import { parsePayload } from './result.ts';
import type { ScheduledStatus } from './scheduled-event.ts';

export type ScheduledEntityType = 'stage' | 'voice' | 'external';

export interface ScheduledEventRecord {
  guildId: string;
  scheduledEventId: string;
  name: string;
  description: string | null;
  entityType: ScheduledEntityType;
  channelId: string | null;
  location: string | null;
  creatorId: string | null;
  /** ISO */
  scheduledStart: string;
  scheduledEnd: string | null;
  status: ScheduledStatus;
  /** Discord's count of interested members, when the payload carries one. */
  userCount: number | null;
}

const ENTITY_TYPES: Record<number, ScheduledEntityType> = { 1: 'stage', 2: 'voice', 3: 'external' };
const STATUSES: Record<number, ScheduledStatus> = { 1: 'scheduled', 2: 'active', 3: 'completed', 4: 'canceled' };
/** Discord allows 1,000 characters in a description. */
const MAX_DESCRIPTION = 1000;
const Time = z.string().refine((s) => isoTime(s) !== undefined, 'must be an ISO timestamp');

const GatewayScheduledEvent = z.object({
  id: Snowflake,
  guild_id: Snowflake,
  name: DirectoryName,
  description: z.string().nullable().optional(),
  channel_id: Snowflake.nullable().optional(),
  creator_id: Snowflake.nullable().optional(),
  scheduled_start_time: Time,
  scheduled_end_time: Time.nullable().optional(),
  status: z.number().int().refine((n) => n in STATUSES, 'must be 1 (scheduled), 2 (active), 3 (completed) or 4 (canceled)'),
  entity_type: z.number().int().refine((n) => n in ENTITY_TYPES, 'must be 1 (stage), 2 (voice) or 3 (external)'),
  entity_metadata: z.object({ location: z.string().optional() }).nullable().optional(),
  // A count past 32 bits is a hostile payload, not a crowd.
  user_count: z.number().int().min(0).max(2_147_483_647).optional(),
});

export function parseScheduledEvent(data: unknown, guildId?: string): EntryParse<ScheduledEventRecord> {
  const withGuild = guildId && typeof data === 'object' && data !== null && !('guild_id' in data) ? { ...data, guild_id: guildId } : data;
  const parsed = parsePayload(GatewayScheduledEvent, withGuild);
  if (!parsed.ok) return parsed;
  const e = parsed.value;
  return {
    ok: true,
    record: {
      guildId: e.guild_id,
      scheduledEventId: e.id,
      name: e.name,
      description: storableName(e.description, MAX_DESCRIPTION),
      entityType: ENTITY_TYPES[e.entity_type]!,
      channelId: e.channel_id ?? null,
      location: storableName(e.entity_metadata?.location),
      creatorId: e.creator_id ?? null,
      scheduledStart: isoTime(e.scheduled_start_time)!,
      scheduledEnd: isoTime(e.scheduled_end_time) ?? null,
      status: STATUSES[e.status]!,
      userCount: e.user_count ?? null,
    },
  };
}

/** GUILD_CREATE's guild_scheduled_events (undefined when the payload has no such list). */
export function parseScheduledEventList(guildId: string, data: unknown): EntryList<ScheduledEventRecord> | undefined {
  return parseEntries(data, 'guild_scheduled_events', (raw) => parseScheduledEvent(raw, guildId));
}

export interface ScheduledEventInterest {
  guildId: string;
  scheduledEventId: string;
  userId: string;
}

const InterestPayload = z.object({ guild_scheduled_event_id: Snowflake, user_id: Snowflake, guild_id: Snowflake });

/** GUILD_SCHEDULED_EVENT_USER_ADD / USER_REMOVE. */
export function parseScheduledEventInterest(data: unknown): EntryParse<ScheduledEventInterest> {
  const parsed = parsePayload(InterestPayload, data);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  return { ok: true, record: { guildId: p.guild_id, scheduledEventId: p.guild_scheduled_event_id, userId: p.user_id } };
}

// PRESENCE_UPDATE (only with the presence intent) → presence sessions: one member's time in one
// status. Online, idle and do-not-disturb are tracked; offline (and invisible, which others see as
// offline) ends the session. Each closed session becomes presence_session_end with its duration.
import { z } from 'zod';
import type { LakeEvent } from '../../events/lake-event.ts';
import { GatewayUser, Snowflake } from './gateway-schemas.ts';
import { parsePayload } from './result.ts';

export const TRACKED_STATUSES = ['online', 'idle', 'dnd'] as const;
export type TrackedStatus = (typeof TRACKED_STATUSES)[number];

const PresencePayload = z.object({
  user: GatewayUser.partial().extend({ id: Snowflake }),
  guild_id: Snowflake.optional(),
  status: z.string().min(1),
});

export interface PresenceState {
  guildId: string;
  userId: string;
  /** null: offline or invisible (not tracked). */
  status: TrackedStatus | null;
  isBot: boolean;
}

export interface PresenceSession {
  guildId: string;
  userId: string;
  status: TrackedStatus;
  startedAt: Date;
  lastSeenAt: Date;
}

/** Parses a presence; GUILD_CREATE's presences omit guild_id, so it may be given. */
export function parsePresence(data: unknown, guildId?: string): { ok: true; state: PresenceState } | { ok: false; problems: string[] } {
  const parsed = parsePayload(PresencePayload, data);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  const guild = p.guild_id ?? guildId;
  if (!guild) return { ok: false, problems: ['guild_id: is required'] };
  const status = (TRACKED_STATUSES as readonly string[]).includes(p.status) ? (p.status as TrackedStatus) : null;
  return { ok: true, state: { guildId: guild, userId: p.user.id, status, isBot: p.user.bot === true } };
}

/** The end of a presence session; its source id is fixed by its start, so closing it twice is one event. */
export function presenceSessionEndEvent(session: PresenceSession, endedAt: Date): LakeEvent {
  const end = Math.max(endedAt.getTime(), session.startedAt.getTime());
  return {
    source_id: `presence:${session.guildId}:${session.userId}:${session.startedAt.getTime()}`,
    type: 'presence_session_end',
    guild_id: session.guildId,
    actor_id: session.userId,
    target_id: null,
    channel_id: null,
    occurred_at: new Date(end).toISOString(),
    data: { status: session.status, duration_seconds: Math.floor((end - session.startedAt.getTime()) / 1000), started_at: session.startedAt.toISOString() },
  };
}

// Scheduled-event attendance, from voice presence: a voice session in the channel of a stage or
// voice scheduled event that is running (or has run) counts the minutes it overlapped the event.
// (Discord's GUILD_SCHEDULED_EVENT_USER_ADD/REMOVE say who is *interested*, not who attended.)
import type { LakeEvent } from '../../events/lake-event.ts';
import type { VoiceSession } from './voice.ts';

export type ScheduledStatus = 'scheduled' | 'active' | 'completed' | 'canceled';

export interface ScheduledWindow {
  id: string;
  channelId: string | null;
  /** ms since epoch */
  scheduledStart: number;
  scheduledEnd: number | null;
  status: ScheduledStatus;
}

/** Joining at most this long after the scheduled start is on time. */
export const ON_TIME_MS = 5 * 60_000;

export function scheduledAttendance(session: VoiceSession, endedAt: Date, windows: readonly ScheduledWindow[]): LakeEvent[] {
  const start = session.startedAt.getTime();
  const end = endedAt.getTime();
  const events: LakeEvent[] = [];
  for (const w of windows) {
    if (w.channelId !== session.channelId || (w.status !== 'active' && w.status !== 'completed')) continue;
    const from = Math.max(start, w.scheduledStart);
    const to = Math.min(end, w.scheduledEnd ?? end);
    if (to <= from) continue;
    events.push({
      source_id: `attend:${w.id}:${session.userId}:${start}`,
      type: 'scheduled_event_attend',
      guild_id: session.guildId,
      actor_id: session.userId,
      target_id: null,
      channel_id: session.channelId,
      occurred_at: new Date(to).toISOString(),
      data: {
        scheduled_event_id: w.id,
        minutes_present: Math.round((to - from) / 6_000) / 10,
        joined_on_time: start <= w.scheduledStart + ON_TIME_MS,
      },
    });
  }
  return events;
}

// The demo guild's scheduled events: a paint-and-chat night that took place three days ago (with
// its attendance), a showcase coming up, and a meetup that was canceled, so the Community page and
// an event's page have something to show.
import type { Db } from '../db/client.ts';
import type { LakeEvent } from '../events/lake-event.ts';
import { ScheduledEventSync } from '../discord/scheduled-event-sync.ts';
import type { ScheduledEventRecord } from '../discord/normalize/guild-scheduled-event.ts';
import { DEMO_CHANNELS, DEMO_GUILD_ID, DEMO_MEMBER_IDS } from './demo-directory.ts';

const DAY = 86_400_000;
const PAINT_AND_CHAT = '1000000000000000107';
export const DEMO_EVENT_IDS = { paintNight: '1000000000000002001', showcase: '1000000000000002002', meetup: '1000000000000002003' } as const;

/** `hour`:00 UTC of the day `days` from now (negative: in the past). */
const at = (now: Date, days: number, hour = 19) => new Date(Math.floor(now.getTime() / DAY) * DAY + days * DAY + hour * 3_600_000).toISOString();

export function demoScheduledEvents(now: Date): ScheduledEventRecord[] {
  const base = { guildId: DEMO_GUILD_ID, description: null, location: null, userCount: null } as const;
  return [
    { ...base, scheduledEventId: DEMO_EVENT_IDS.paintNight, name: 'Paint & Chat night', description: 'Bring a canvas, any medium.', entityType: 'voice', channelId: PAINT_AND_CHAT,
      creatorId: DEMO_MEMBER_IDS[1]!, scheduledStart: at(now, -3), scheduledEnd: at(now, -3, 21), status: 'completed', userCount: 9 },
    { ...base, scheduledEventId: DEMO_EVENT_IDS.showcase, name: 'Showcase Friday', description: 'Show what you made this month.', entityType: 'voice', channelId: DEMO_CHANNELS.lounge,
      creatorId: DEMO_MEMBER_IDS[3]!, scheduledStart: at(now, 2), scheduledEnd: at(now, 2, 20), status: 'scheduled', userCount: 6 },
    { ...base, scheduledEventId: DEMO_EVENT_IDS.meetup, name: 'Museum meetup', entityType: 'external', channelId: null, location: 'City art museum, main hall',
      creatorId: DEMO_MEMBER_IDS[0]!, scheduledStart: at(now, -1, 14), scheduledEnd: at(now, -1, 17), status: 'canceled', userCount: 4 },
  ];
}

/** Who came to the paint night: minutes present and whether they joined within 5 minutes of the start. */
export function demoAttendance(now: Date): LakeEvent[] {
  const came: [number, number, boolean][] = [[1, 120, true], [0, 115, true], [3, 95, true], [5, 80, false], [2, 60, false], [9, 45, true]];
  return came.map(([member, minutes, onTime]) => ({
    source_id: `demo-attend-${member}`, type: 'scheduled_event_attend', guild_id: DEMO_GUILD_ID, actor_id: DEMO_MEMBER_IDS[member]!, target_id: null,
    channel_id: PAINT_AND_CHAT, occurred_at: at(now, -3, 21), data: { scheduled_event_id: DEMO_EVENT_IDS.paintNight, minutes_present: minutes, joined_on_time: onTime },
  }));
}

export async function seedDemoScheduledEvents(db: Db, now: Date): Promise<void> {
  const sync = new ScheduledEventSync(db);
  for (const event of demoScheduledEvents(now)) await sync.upsert(event);
}

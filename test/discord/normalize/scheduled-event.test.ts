// scheduled_event_attend from a voice session overlapping a running scheduled event.
import { describe, expect, it } from 'vitest';
import { scheduledAttendance, type ScheduledWindow } from '../../../src/discord/normalize/scheduled-event.ts';
import type { VoiceSession } from '../../../src/discord/normalize/voice.ts';
import { ALICE, GUILD, STAGE_CHANNEL, VOICE_CHANNEL } from '../support/payloads.ts';

const at = (hhmm: string) => new Date(`2026-11-22T${hhmm}:00.000Z`);
const session = (from: string, channelId = STAGE_CHANNEL): VoiceSession => ({
  guildId: GUILD, userId: ALICE, channelId, sessionId: null, startedAt: at(from), lastSeenAt: at(from), idleWholeSession: false, inAfkChannel: false,
});
const window = (overrides: Partial<ScheduledWindow> = {}): ScheduledWindow => ({
  id: '1400000000000000001', channelId: STAGE_CHANNEL, scheduledStart: at('18:00').getTime(), scheduledEnd: at('19:00').getTime(), status: 'active', ...overrides,
});

describe('scheduledAttendance', () => {
  it('counts the minutes a session overlapped the event, on time when joined within 5 minutes of the start', () => {
    expect(scheduledAttendance(session('18:04'), at('19:30'), [window()])).toEqual([
      {
        source_id: `attend:1400000000000000001:${ALICE}:${at('18:04').getTime()}`,
        type: 'scheduled_event_attend',
        guild_id: GUILD,
        actor_id: ALICE,
        target_id: null,
        channel_id: STAGE_CHANNEL,
        occurred_at: at('19:00').toISOString(),
        data: { scheduled_event_id: '1400000000000000001', minutes_present: 56, joined_on_time: true },
      },
    ]);
    expect(scheduledAttendance(session('18:06'), at('18:30'), [window()])[0]!.data).toMatchObject({ minutes_present: 24, joined_on_time: false });
  });

  it('counts an event with no end time until the session ends', () => {
    expect(scheduledAttendance(session('17:50'), at('18:45'), [window({ scheduledEnd: null })])[0]!.data).toMatchObject({ minutes_present: 45, joined_on_time: true });
  });

  it('ignores other channels, events not started or cancelled, and sessions outside the event', () => {
    expect(scheduledAttendance(session('18:10', VOICE_CHANNEL), at('18:40'), [window()])).toEqual([]);
    expect(scheduledAttendance(session('18:10'), at('18:40'), [window({ status: 'scheduled' }), window({ status: 'canceled' })])).toEqual([]);
    expect(scheduledAttendance(session('19:10'), at('19:40'), [window({ status: 'completed' })])).toEqual([]);
  });
});

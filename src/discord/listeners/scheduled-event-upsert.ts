// GUILD_SCHEDULED_EVENT_CREATE and UPDATE → the event in scheduled_events (name, host, times, status).
import type { DispatchListener } from '../listener.ts';
import { reportMalformed } from '../listener.ts';
import { parseScheduledEvent } from '../normalize/guild-scheduled-event.ts';

const scheduledEventUpsert = (dispatch: 'GUILD_SCHEDULED_EVENT_CREATE' | 'GUILD_SCHEDULED_EVENT_UPDATE'): DispatchListener => ({
  name: dispatch === 'GUILD_SCHEDULED_EVENT_CREATE' ? 'scheduled-event-create' : 'scheduled-event-update',
  dispatch,
  async run(context, data) {
    const parsed = parseScheduledEvent(data);
    if (!parsed.ok) return reportMalformed(context, dispatch, parsed.problems);
    if (parsed.record) await context.scheduledEvents.upsert(parsed.record);
  },
});

export const scheduledEventCreate = scheduledEventUpsert('GUILD_SCHEDULED_EVENT_CREATE');
export const scheduledEventUpdate = scheduledEventUpsert('GUILD_SCHEDULED_EVENT_UPDATE');

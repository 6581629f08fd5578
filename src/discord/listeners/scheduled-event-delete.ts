// GUILD_SCHEDULED_EVENT_DELETE → the event marked deleted (canceled if it never started); its name stays.
import type { DispatchListener } from '../listener.ts';
import { reportMalformed } from '../listener.ts';
import { parseScheduledEvent } from '../normalize/guild-scheduled-event.ts';

export const scheduledEventDelete: DispatchListener = {
  name: 'scheduled-event-delete',
  dispatch: 'GUILD_SCHEDULED_EVENT_DELETE',
  async run(context, data) {
    const parsed = parseScheduledEvent(data);
    if (!parsed.ok) return reportMalformed(context, 'GUILD_SCHEDULED_EVENT_DELETE', parsed.problems);
    if (parsed.record) await context.scheduledEvents.delete(parsed.record, context.clock.now());
  },
};

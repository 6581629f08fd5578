// GUILD_SCHEDULED_EVENT_USER_ADD and USER_REMOVE → who is interested, and so the interested count.
import type { DispatchListener } from '../listener.ts';
import { reportMalformed } from '../listener.ts';
import { parseScheduledEventInterest } from '../normalize/guild-scheduled-event.ts';

const interest = (dispatch: 'GUILD_SCHEDULED_EVENT_USER_ADD' | 'GUILD_SCHEDULED_EVENT_USER_REMOVE'): DispatchListener => ({
  name: dispatch === 'GUILD_SCHEDULED_EVENT_USER_ADD' ? 'scheduled-event-user-add' : 'scheduled-event-user-remove',
  dispatch,
  async run(context, data) {
    const parsed = parseScheduledEventInterest(data);
    if (!parsed.ok) return reportMalformed(context, dispatch, parsed.problems);
    if (parsed.record) await context.scheduledEvents.interest(parsed.record, dispatch === 'GUILD_SCHEDULED_EVENT_USER_ADD');
  },
});

export const scheduledEventUserAdd = interest('GUILD_SCHEDULED_EVENT_USER_ADD');
export const scheduledEventUserRemove = interest('GUILD_SCHEDULED_EVENT_USER_REMOVE');

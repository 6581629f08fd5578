// The support desk's lake events. Each has a deterministic source id (`ticket:<guild>:<number>:
// <kind>:<n>`, n counting that kind on the ticket) so a replayed interaction or a double click
// writes the same event again, which the lake drops as a duplicate: nothing is paid twice.
import { MAX_DURATION_SECONDS } from '../config/ranges.ts';
import type { LakeEvent } from '../events/lake-event.ts';
import type { Ticket } from './repository.ts';

export type TicketLakeKind = 'opened' | 'claimed' | 'closed' | 'reopened';

export const ticketSourceId = (ticket: Pick<Ticket, 'guildId' | 'number'>, kind: TicketLakeKind, n: number) => `ticket:${ticket.guildId}:${ticket.number}:${kind}:${n}`;

const seconds = (from: Date | null, to: Date) => (from ? Math.min(MAX_DURATION_SECONDS, Math.max(0, Math.floor((to.getTime() - from.getTime()) / 1000))) : undefined);

/** The lake event for a transition just made (`ticket` as it is after it), the `n`th of its kind. */
export function ticketLakeEvent(ticket: Ticket, kind: TicketLakeKind, n: number, context: { actorId: string; at: Date; byStaff?: boolean; closedBefore?: Date | null }): LakeEvent {
  const base = { ticket: ticket.number, category: ticket.category };
  const data: Record<string, unknown> =
    kind === 'opened'
      ? { ...base, mode: ticket.mode }
      : kind === 'claimed'
        ? { ...base, seconds_open: seconds(ticket.openedAt, context.at) ?? 0 }
        : kind === 'reopened'
          ? { ...base, seconds_closed: seconds(context.closedBefore ?? null, context.at) ?? 0 }
          : {
              ...base,
              by_staff: context.byStaff ?? false,
              ...(ticket.claimedBy ? { claimed_by: ticket.claimedBy } : {}),
              resolved: !ticket.channelGone,
              ...(ticket.firstResponseAt ? { first_response_seconds: seconds(ticket.openedAt, ticket.firstResponseAt) } : {}),
              resolution_seconds: seconds(ticket.openedAt, context.at) ?? 0,
              reopened_count: ticket.reopenedCount,
            };
  return {
    source_id: ticketSourceId(ticket, kind, n),
    type: `ticket_${kind}`,
    guild_id: ticket.guildId,
    actor_id: context.actorId,
    target_id: kind === 'opened' ? null : ticket.openerId,
    channel_id: ticket.channelId,
    occurred_at: context.at.toISOString(),
    data,
  };
}

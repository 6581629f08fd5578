// The FAQ's lake events. actor: the reader or voter; target: the entry's author, so rules can
// reward authors whose answers help. Source ids are deterministic: a view is its interaction, a
// vote is the member and the entry, so a replayed interaction or a second click counts once.
import type { LakeEvent } from '../events/lake-event.ts';

export type ViewVia = 'search' | 'show' | 'autocomplete' | 'panel' | 'suggestion';

interface Common {
  guildId: string;
  entry: string;
  /** The entry's author, when it has one. */
  authorId: string | null;
  memberId: string;
  channelId: string | null;
  occurredAt: string;
}

export function viewedEvent(e: Common & { via: ViewVia; sourceId: string }): LakeEvent {
  return { source_id: `faq_viewed:${e.sourceId}`, type: 'faq_viewed', guild_id: e.guildId, actor_id: e.memberId, target_id: e.authorId, channel_id: e.channelId, occurred_at: e.occurredAt, data: { entry: e.entry, via: e.via } };
}

export function helpfulEvent(e: Common): LakeEvent {
  return { source_id: `faq_helpful:${e.guildId}:${e.entry}:${e.memberId}`, type: 'faq_helpful', guild_id: e.guildId, actor_id: e.memberId, target_id: e.authorId, channel_id: e.channelId, occurred_at: e.occurredAt, data: { entry: e.entry } };
}

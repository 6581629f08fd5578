// The member's side of the FAQ in Discord, shared by /faq and the `faq` components: answering a
// search (recording what found nothing), showing an entry, and counting the view.
import type { Db } from '../../db/client.ts';
import { recordView } from '../../faq/engagement.ts';
import type { ViewVia } from '../../faq/events.ts';
import { getFaqEntry, type StoredFaqEntry } from '../../faq/repository.ts';
import { isGoodHit, searchFaq } from '../../faq/search.ts';
import { recordUnanswered } from '../../faq/unanswered.ts';
import type { IngestPipeline } from '../../pipeline/ingest.ts';
import type { CommandReply } from '../commands/command.ts';
import { refuse } from '../commands/replies.ts';
import { snowflakeIso } from '../normalize/snowflake.ts';
import { entryEmbed, helpfulRow, noAnswerEmbed, othersRow } from './view.ts';

export interface FaqReader {
  db: Db;
  pipeline: IngestPipeline;
  guildId: string;
  userId: string;
  channelId: string | null;
  /** The interaction: its id makes the view one event, its time the event's. */
  interactionId: string;
}

async function view(r: FaqReader, entry: Pick<StoredFaqEntry, 'key' | 'author_id'>, via: ViewVia): Promise<void> {
  await recordView(r.db, r.pipeline, entry, { guildId: r.guildId, memberId: r.userId, channelId: r.channelId, occurredAt: snowflakeIso(r.interactionId), via, sourceId: r.interactionId });
}

export async function answerSearch(r: FaqReader, query: string): Promise<CommandReply> {
  const hits = await searchFaq(r.db, r.guildId, query, { limit: 6 });
  const [best, ...others] = hits;
  if (!isGoodHit(best)) {
    await recordUnanswered(r.db, r.guildId, query, r.userId, new Date(snowflakeIso(r.interactionId)));
    return { embeds: [noAnswerEmbed(query)], ...(hits.length > 0 ? { components: [othersRow(hits)] } : {}) };
  }
  await view(r, best, 'search');
  return { embeds: [entryEmbed(best)], components: [helpfulRow(best.key), ...(others.length > 0 ? [othersRow(others)] : [])] };
}

/** A typed key as it can be echoed back: no control characters, not too long. */
export const printable = (key: string) => key.replace(/\p{Cc}/gu, '').slice(0, 64);

export async function showEntry(r: FaqReader, key: string, via: ViewVia, options: { public?: boolean } = {}): Promise<CommandReply> {
  const entry = await getFaqEntry(r.db, r.guildId, key);
  if (!entry) return refuse('unknown_entry', `There is no FAQ entry “${printable(key)}”. Try \`/faq search\` instead.`, { entry: printable(key) });
  await view(r, entry, via);
  return { embeds: [entryEmbed(entry)], components: [helpfulRow(entry.key)], ephemeral: !options.public };
}

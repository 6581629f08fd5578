// How the support desk asks the FAQ for entries matching a ticket: a swappable lookup (tests pass
// their own through createApp's `faq` option), wired here to the guild's FAQ search.
import type { Db } from '../db/client.ts';
import { searchFaq, type FaqHit as FaqSearchHit } from '../faq/search.ts';

/** An FAQ entry matching the ticket, best first (higher rank is a better match). */
export type FaqHit = Pick<FaqSearchHit, 'key' | 'question' | 'answer' | 'tags' | 'rank'>;

export type FaqLookup = (guildId: string, query: string, limit: number) => Promise<FaqHit[]>;

/** The guild's FAQ search (ranked full-text and trigram match, see src/faq/search.ts). */
export function faqLookupFor(db: Db): FaqLookup {
  return (guildId, query, limit) => searchFaq(db, guildId, query, { limit });
}

// How the support desk asks the FAQ for entries matching a ticket: a swappable lookup, so the
// desk's AI does not depend on how the FAQ is searched. `faqLookupFor` is the one line that
// wires the guild's FAQ search in (src/faq/search.ts: `searchFaq(db, guildId, query, { limit })`).
import type { Db } from '../db/client.ts';

export interface FaqHit {
  key: string;
  question: string;
  /** Markdown. */
  answer: string;
  tags: string[];
  /** Higher is a better match. */
  rank: number;
}

export type FaqLookup = (guildId: string, query: string, limit: number) => Promise<FaqHit[]>;

/** The FAQ search of this Cairn. Until the FAQ module is wired in here, no entry matches. */
export function faqLookupFor(_db: Db): FaqLookup {
  return async () => [];
}

// Autocomplete for /faq: what is typed so far matched against questions and tags (the same ranked
// search), or the most viewed entries before anything is typed. Fast enough for Discord's 3 s.
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { faqEntries } from '../db/schema.ts';
import { searchFaq } from './search.ts';

export interface Suggestion {
  key: string;
  question: string;
}

export async function suggestFaq(db: Db, guildId: string, typed: string, limit = 25): Promise<Suggestion[]> {
  if (typed.trim() === '') {
    return db.select({ key: faqEntries.key, question: faqEntries.question }).from(faqEntries).where(eq(faqEntries.guildId, guildId)).orderBy(desc(faqEntries.views), faqEntries.key).limit(limit);
  }
  const hits = await searchFaq(db, guildId, typed, { limit });
  return hits.map((h) => ({ key: h.key, question: h.question }));
}

// What members type, made comparable: one normal form for the unanswered list, and the words a
// search looks for (letters and digits only, so nothing reaches to_tsquery as an operator).
const CONTROL = /\p{Cc}/gu;

export const MAX_QUERY = 200;
const MAX_WORDS = 12;
const MAX_WORD = 40;

/** Lower-cased, single-spaced, without control characters, at most 200 characters. */
export function normalizeQuery(query: string): string {
  return query.replace(CONTROL, ' ').toLowerCase().replace(/\s+/gu, ' ').trim().slice(0, MAX_QUERY).trim();
}

// Words that say how a question is asked, not what it is about. They help ranking ("how do I open
// a ticket" is closer to "How do I open a support ticket?"), but a query matching an entry only
// through them ("how do I bake bread") has no answer; trigrams and coverage use the other words.
const STOP_WORDS = new Set(
  'a an and are as at be but by can could do does did for from get got has have how i im in is it its me my of on or so the their them there they this to was we what when where which who why will with would you your'.split(' '),
);

export interface QueryTerms {
  /** Every word, at most 12 of at most 40 characters: what ranking uses. */
  all: string[];
  /** The words that carry the meaning (all of them when every word is a stop word). */
  meaningful: string[];
}

export function queryTerms(query: string): QueryTerms {
  const all = normalizeQuery(query)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, MAX_WORDS)
    .map((w) => w.slice(0, MAX_WORD));
  const meaningful = all.filter((w) => !STOP_WORDS.has(w));
  return { all, meaningful: meaningful.length > 0 ? meaningful : all };
}

/** One word for to_tsquery: as a prefix from three letters on ("rol" finds "roles"). */
export const tsWord = (w: string) => (w.length >= 3 ? `${w}:*` : w);

/** Any of the words, for to_tsquery. */
export const anyWordTsQuery = (words: readonly string[]) => words.map(tsWord).join(' | ');

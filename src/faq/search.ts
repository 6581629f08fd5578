// FAQ search: Postgres full-text search over a weighted tsvector (question A, alternatives and
// tags B, answer C; ts_rank_cd) plus trigram word similarity of the query to the question,
// alternatives and tags, which forgives typos and partial words. Same SQL on PGlite and Postgres.
// Weights and thresholds were chosen on test/faq/fixtures/quality-pairs.json (`npm run bench -- faq`).
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';
import { anyWordTsQuery, queryTerms } from './query.ts';

/** How much trigram similarity (0–1) weighs against ts_rank_cd. */
export const TRIGRAM_WEIGHT = 3;
/** A word "matches" an entry by trigrams from this word similarity on (also the candidate filter). */
export const TRIGRAM_THRESHOLD = 0.4;
/** A best hit is a good answer when it matches at least this share of the query's meaningful words. */
export const GOOD_COVERAGE = 0.5;

export interface FaqHit {
  key: string;
  question: string;
  answer: string;
  tags: string[];
  author_id: string | null;
  /** Higher is better: ts_rank_cd plus weighted trigram similarity. */
  rank: number;
  /** The share (0–1) of the query's meaningful words this entry matches, by prefix or trigrams. */
  coverage: number;
}

export interface SearchOptions {
  /** At most this many results (1–25, default 5). */
  limit?: number;
}

interface HitRow {
  key: string;
  question: string;
  answer: string;
  tags: string[];
  author_id: string | null;
  rank: number | string;
  matched: number | string;
}

/** The guild's entries that match `query`, best first, each with its rank. */
export async function searchFaq(db: Db, guildId: string, query: string, options: SearchOptions = {}): Promise<FaqHit[]> {
  const { all, meaningful } = queryTerms(query);
  if (all.length === 0) return [];
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 5), 1), 25);
  const text = meaningful.join(' ');
  // The trigram operator's threshold is a setting: set for this transaction only.
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT set_config('pg_trgm.word_similarity_threshold', ${String(TRIGRAM_THRESHOLD)}, true)`);
    const rows = await queryRows<HitRow>(
      tx,
      // Candidates match a meaningful word by prefix (tsvector index) or by trigrams (trigram index),
      // found as two index scans: with an OR, the planner read every row. "how do I" alone selects
      // nothing. Candidates are ranked with every word; only the best few get their coverage counted.
      sql`WITH candidates AS (
            SELECT id FROM faq_entries WHERE guild_id = ${guildId} AND search @@ to_tsquery('simple', ${anyWordTsQuery(meaningful)})
            UNION
            SELECT id FROM faq_entries WHERE guild_id = ${guildId} AND ${text} <% search_text
          ), best AS (
            SELECT e.key, e.question, e.answer, e.tags, e.author_id::text AS author_id, e.search, e.search_text,
                   coalesce(ts_rank_cd(e.search, q), 0) + ${TRIGRAM_WEIGHT} * word_similarity(${text}, e.search_text) AS rank
            FROM candidates JOIN faq_entries e USING (id), to_tsquery('simple', ${anyWordTsQuery(all)}) q
            ORDER BY rank DESC, e.key
            LIMIT ${limit}
          )
          SELECT b.key, b.question, b.answer, b.tags, b.author_id, b.rank,
                 (SELECT count(*) FROM regexp_split_to_table(${text}, ' ') w
                   WHERE b.search @@ to_tsquery('simple', CASE WHEN length(w) >= 3 THEN w || ':*' ELSE w END) OR w <% b.search_text) AS matched
          FROM best b
          ORDER BY b.rank DESC, b.key`,
    );
    return rows.map((r) => ({
      key: r.key,
      question: r.question,
      answer: r.answer,
      tags: r.tags,
      author_id: r.author_id,
      rank: Number(r.rank),
      coverage: Number(r.matched) / meaningful.length,
    }));
  });
}

/** Whether a search's best hit is a good answer (else the search is recorded as unanswered). */
export const isGoodHit = (hit: FaqHit | undefined): hit is FaqHit => hit !== undefined && hit.coverage >= GOOD_COVERAGE;

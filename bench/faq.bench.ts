// FAQ search over 10,000 entries: p50/p99 of searchFaq() for the quality pairs' queries (full-text
// and trigram candidates, ranked), and the quality report (top-1, top-3, MRR, misses) on the support
// entries with distractors, then again with the 10,000 generated entries around them.
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { guilds, faqEntries } from '../src/db/schema.ts';
import { formatQualityReport, measureSearchQuality, type QualityPair } from '../src/faq/quality.ts';
import type { FaqEntry } from '../src/faq/schema.ts';
import { searchFaq } from '../src/faq/search.ts';
import { freshDatabase, percentile, record } from './support.ts';

const GUILD = '1160511689263947796';
const ENTRIES = Number(process.env.BENCH_FAQ_ENTRIES ?? 10_000);
const SEARCHES = Number(process.env.BENCH_FAQ_SEARCHES ?? 500);
const read = <T>(path: string): T => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as T;

// Generated entries: mostly a large vocabulary of made-up words (as a real 10,000-entry FAQ covers
// many topics), with one of the community words the real entries use in each, so every query has
// hundreds of generated candidates to rank. BENCH_FAQ_VOCABULARY=66 draws every word from the
// community words instead: a worst case where each query matches thousands of entries.
const COMMUNITY = 'account server channel role ticket event voice bot command level stars shop rules report moderator game night stream music art project invite boost partner language nickname profile badge giveaway quiz poll schedule reminder calendar verify link password settings notification mobile desktop upload emoji sticker thread forum clip photo contest team league tournament raid guild quest map build mod plugin patch update bug crash lag ping region'.split(' ');
const SYLLABLES = 'ka lo mi nu pe ra so ti vu za be do fi gu ho ja ke li mo ne'.split(' ');
const VOCABULARY = Number(process.env.BENCH_FAQ_VOCABULARY ?? 4000);
const made = (n: number) => SYLLABLES[n % 20]! + SYLLABLES[Math.floor(n / 20) % 20]! + SYLLABLES[Math.floor(n / 400) % 20]!;
const word = (n: number) => (VOCABULARY <= COMMUNITY.length ? COMMUNITY[n % COMMUNITY.length]! : made(n % VOCABULARY));

function generated(i: number): FaqEntry {
  // A deterministic spread of word numbers (a multiplicative hash), so entries differ.
  const pick = (count: number, salt: number) => Array.from({ length: count }, (_, j) => word(Math.imul(i * 31 + j * 7 + salt, 2654435761) >>> 8));
  const topic = pick(3, 1);
  const community = COMMUNITY[i % COMMUNITY.length]!;
  return {
    key: `gen-${i}`,
    question: `How does ${topic[0]} ${community} work with ${topic[1]}?`,
    answer: `For ${topic.join(', ')} and the ${community}: ${pick(30, 2).join(' ')}.`,
    tags: pick(2, 3),
    alternatives: [`${topic[2]} ${community} question`],
  };
}

export async function benchFaq(kind: 'pglite' | 'postgres'): Promise<void> {
  const { database, dispose } = await freshDatabase(kind, 4);
  try {
    const { db } = database;
    await db.insert(guilds).values({ id: GUILD, name: 'Bench guild' });
    const real = [...read<{ faq: FaqEntry[] }>('../presets/support.json').faq, ...read<FaqEntry[]>('../test/faq/fixtures/distractors.json')];
    const pairs = read<QualityPair[]>('../test/faq/fixtures/quality-pairs.json');
    await db.insert(faqEntries).values(real.map((e) => ({ guildId: GUILD, ...e })));
    const small = await measureSearchQuality(db, GUILD, pairs);
    console.log(`[${kind}] ${real.length} entries: ${formatQualityReport(small)}`);
    for (let from = 0; from < ENTRIES; from += 500) {
      await db.insert(faqEntries).values(Array.from({ length: Math.min(500, ENTRIES - from) }, (_, j) => ({ guildId: GUILD, ...generated(from + j) })));
    }
    // What autovacuum does on Postgres after a bulk insert; PGlite has no autovacuum.
    await db.execute(sql`ANALYZE faq_entries`);
    const large = await measureSearchQuality(db, GUILD, pairs);
    console.log(`[${kind}] ${real.length + ENTRIES} entries: ${formatQualityReport(large).split('\n')[0]}`);
    for (let i = 0; i < 20; i++) await searchFaq(db, GUILD, pairs[i % pairs.length]!.query);
    const times: number[] = [];
    for (let i = 0; i < SEARCHES; i++) {
      const started = performance.now();
      await searchFaq(db, GUILD, pairs[i % pairs.length]!.query, { limit: 5 });
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const note = `${ENTRIES + real.length} entries, vocabulary ${VOCABULARY}, ${SEARCHES} searches of the ${pairs.length} quality queries`;
    record({ bench: 'faq', database: kind, case: 'FAQ search p50', value: percentile(times, 50), unit: 'ms', note });
    record({ bench: 'faq', database: kind, case: 'FAQ search p99', value: percentile(times, 99), unit: 'ms' });
    record({ bench: 'faq', database: kind, case: 'FAQ top-1 (support entries + distractors)', value: small.top1 * 100, unit: '%' });
    record({ bench: 'faq', database: kind, case: `FAQ top-1 among ${ENTRIES} more entries`, value: large.top1 * 100, unit: '%' });
  } finally {
    await dispose();
  }
}

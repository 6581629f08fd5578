// FAQ search quality on the pairs in fixtures/quality-pairs.json, over the support preset's entries
// and distractor entries: the floors are what was measured when the search was tuned (top-1 96%,
// top-3 100%), less a margin, on both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatQualityReport, measureSearchQuality } from '../../src/faq/quality.ts';
import { searchFaq, isGoodHit } from '../../src/faq/search.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD } from '../support/factories.ts';
import { DISTRACTORS, QUALITY_PAIRS, SUPPORT_ENTRIES, seedFaq } from './support.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await seedFaq(database);
});
afterAll(() => database.close());

describe('FAQ search quality', () => {
  it('has at least 30 pairs over at least 15 entries plus distractors, each expecting an entry that exists', () => {
    expect(QUALITY_PAIRS.length).toBeGreaterThanOrEqual(30);
    expect(SUPPORT_ENTRIES.length).toBeGreaterThanOrEqual(15);
    expect(DISTRACTORS.length).toBeGreaterThan(0);
    const keys = new Set(SUPPORT_ENTRIES.map((e) => e.key));
    for (const pair of QUALITY_PAIRS) expect(keys, pair.query).toContain(pair.expected);
  });

  it('finds the expected entry first for at least 90% of the pairs and in the top 3 for at least 98%', async () => {
    const report = await measureSearchQuality(database.db, GUILD, QUALITY_PAIRS);
    console.log(formatQualityReport(report));
    expect(report.top1).toBeGreaterThanOrEqual(0.9);
    expect(report.top3).toBeGreaterThanOrEqual(0.98);
    expect(report.mrr).toBeGreaterThanOrEqual(0.93);
  });

  it('judges every pair\'s expected hit a good answer, and questions the FAQ does not cover not', async () => {
    for (const pair of QUALITY_PAIRS) {
      const [best] = await searchFaq(database.db, GUILD, pair.query);
      expect(isGoodHit(best), `${pair.query} → ${best?.key} ${best?.rank}`).toBe(true);
    }
    for (const query of ['how do i bake sourdough bread', 'minecraft server ip address', 'quantum physics homework', 'zzzz', 'what is the wifi password', 'recommend me a good movie']) {
      const [best] = await searchFaq(database.db, GUILD, query);
      expect(isGoodHit(best), `${query} → ${best?.key} ${best?.rank}`).toBe(false);
    }
  });

  it('ranks results best first with their rank, and answers nothing for a query without words', async () => {
    const hits = await searchFaq(database.db, GUILD, 'reopen my ticket', { limit: 5 });
    expect(hits[0]!.key).toBe('ticket-closed');
    expect(hits.map((h) => h.rank)).toEqual([...hits.map((h) => h.rank)].sort((a, b) => b - a));
    expect(await searchFaq(database.db, GUILD, '  ?!  ')).toEqual([]);
    expect(await searchFaq(database.db, GUILD, "'):* & | !(")).toEqual([]);
  });

  it('searches only the guild asked about', async () => {
    expect(await searchFaq(database.db, '1160511689263947797', 'ticket')).toEqual([]);
  });
});

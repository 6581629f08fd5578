// How well FAQ search finds the entry a question means: top-1, top-3 and mean reciprocal rank over
// question/expected-entry pairs, with the misses, for the quality test and the benchmark's report.
import type { Db } from '../db/client.ts';
import { searchFaq } from './search.ts';

export interface QualityPair {
  query: string;
  expected: string;
}

export interface QualityReport {
  pairs: number;
  top1: number;
  top3: number;
  mrr: number;
  misses: { query: string; expected: string; got: string[] }[];
}

export async function measureSearchQuality(db: Db, guildId: string, pairs: readonly QualityPair[]): Promise<QualityReport> {
  let top1 = 0;
  let top3 = 0;
  let reciprocal = 0;
  const misses: QualityReport['misses'] = [];
  for (const pair of pairs) {
    const got = (await searchFaq(db, guildId, pair.query, { limit: 10 })).map((h) => h.key);
    const at = got.indexOf(pair.expected);
    if (at === 0) top1++;
    else misses.push({ ...pair, got: got.slice(0, 3) });
    if (at >= 0 && at < 3) top3++;
    if (at >= 0) reciprocal += 1 / (at + 1);
  }
  return { pairs: pairs.length, top1: top1 / pairs.length, top3: top3 / pairs.length, mrr: reciprocal / pairs.length, misses };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatQualityReport(r: QualityReport): string {
  const lines = [`FAQ search quality over ${r.pairs} pairs: top-1 ${pct(r.top1)}, top-3 ${pct(r.top3)}, MRR ${r.mrr.toFixed(3)}`];
  for (const m of r.misses) lines.push(`  miss: "${m.query}" → ${m.got.join(', ') || '(nothing)'} (expected ${m.expected})`);
  return lines.join('\n');
}

// FAQ test data: the support preset's entries plus distractors in one guild, and the quality pairs.
import { readFileSync } from 'node:fs';
import type { Database } from '../../src/db/client.ts';
import type { FaqEntry } from '../../src/faq/schema.ts';
import type { QualityPair } from '../../src/faq/quality.ts';
import { saveFaqEntry } from '../../src/faq/repository.ts';
import { guilds } from '../../src/db/schema.ts';
import { GUILD } from '../support/factories.ts';

const read = <T>(path: string): T => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as T;

/** The support preset's FAQ entries. */
export const SUPPORT_ENTRIES = read<{ faq: FaqEntry[] }>('../../presets/support.json').faq;
export const DISTRACTORS = read<FaqEntry[]>('./fixtures/distractors.json');
export const QUALITY_PAIRS = read<QualityPair[]>('./fixtures/quality-pairs.json');

/** A guild holding these entries (default: the support entries and the distractors), saved as admins would. */
export async function seedFaq(database: Database, entries: readonly FaqEntry[] = [...SUPPORT_ENTRIES, ...DISTRACTORS], guildId = GUILD): Promise<void> {
  await database.db.insert(guilds).values({ id: guildId, name: `Guild ${guildId}` }).onConflictDoNothing();
  await database.db.transaction(async (tx) => {
    for (const entry of entries) {
      const saved = await saveFaqEntry(tx, guildId, entry, 'test');
      if (!saved.ok) throw new Error(`${entry.key}: ${JSON.stringify(saved.problems)}`);
    }
  });
}

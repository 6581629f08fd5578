// FAQ entries in presets: imported through the entry's save (versions, audit), reviewed in the
// import's diff, exported back identically, replaced through the entry's delete, and a bad entry
// refused by path with nothing imported.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configVersions, faqEntries } from '../../src/db/schema.ts';
import { exportGuild } from '../../src/presets/export.ts';
import { importRecipe, parseRecipe } from '../../src/presets/import.ts';
import type { Recipe } from '../../src/presets/recipe.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD } from '../support/factories.ts';
import { SUPPORT_ENTRIES } from '../faq/support.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());
beforeEach(() => resetDatabase(database));

function recipe(faq: unknown[]): Recipe {
  const parsed = parseRecipe({ cairn_recipe: 1, key: 'support', name: 'Support', faq });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.recipe;
}
const run = (faq: unknown[], options: { mode?: 'merge' | 'replace'; dryRun?: boolean } = {}) => importRecipe(database.db, GUILD, recipe(faq), { actor: 'test', ...options });

describe('FAQ entries in presets', () => {
  it('imports the support entries with a version each, shows them in the diff, and exports them back identically', async () => {
    const dry = await run(SUPPORT_ENTRIES, { dryRun: true });
    expect(dry.ok && dry.diff.faq.added).toEqual(SUPPORT_ENTRIES.map((e) => e.key).sort());
    expect(await database.db.select().from(faqEntries)).toEqual([]);
    const done = await run(SUPPORT_ENTRIES);
    expect(done.ok && done.summary.faq).toBe(SUPPORT_ENTRIES.length);
    const versions = await database.db.select().from(configVersions).where(eq(configVersions.kind, 'faq'));
    expect(versions).toHaveLength(SUPPORT_ENTRIES.length);
    const exported = await exportGuild(database.db, GUILD);
    expect(exported.faq).toEqual([...SUPPORT_ENTRIES].sort((a, b) => (a.key < b.key ? -1 : 1)));
    const again = await importRecipe(database.db, GUILD, exported, { actor: 'test' });
    expect(again.ok && again.applied).toBe(false);
  });

  it('lists a changed entry in the diff, and replace mode deletes entries the preset lacks through their delete', async () => {
    await run(SUPPORT_ENTRIES);
    const [first, second] = SUPPORT_ENTRIES;
    const edited = { ...first!, answer: 'A new answer.' };
    const merge = await run([edited], { dryRun: true });
    expect(merge.ok && merge.diff.faq.changed.map((c) => c.key)).toEqual([first!.key]);
    expect(merge.ok && merge.diff.faq.removed).toEqual([]);
    const replaced = await run([edited, second!], { mode: 'replace' });
    expect(replaced.ok && replaced.diff.faq.removed.length).toBe(SUPPORT_ENTRIES.length - 2);
    expect((await database.db.select().from(faqEntries)).map((e) => e.key).sort()).toEqual([first!.key, second!.key].sort());
    const gone = SUPPORT_ENTRIES[2]!.key;
    const [deletion] = await database.db.select().from(configVersions).where(and(eq(configVersions.kind, 'faq'), eq(configVersions.key, gone), eq(configVersions.action, 'delete')));
    expect(deletion).toBeDefined();
  });

  it('refuses a recipe with a bad entry by its path and imports nothing', async () => {
    const result = await run([SUPPORT_ENTRIES[0], { ...SUPPORT_ENTRIES[1], answer: 'x'.repeat(4001) }]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => p.path)).toContain('faq[1].answer');
    expect(await database.db.select().from(faqEntries)).toEqual([]);
  });
});

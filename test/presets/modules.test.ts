// A module's state travels with presets: a recipe's disabled_modules is imported (diffed first),
// exported, and imports back to the same state; a recipe without it keeps the guild's in merge mode
// and switches every module on in replace mode; bad module names are refused with their paths.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { guilds } from '../../src/db/schema.ts';
import { diffText } from '../../src/presets/diff-text.ts';
import { exportGuild, recipeText } from '../../src/presets/export.ts';
import { importRecipe, parseRecipe } from '../../src/presets/import.ts';
import type { Recipe } from '../../src/presets/recipe.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, OTHER_GUILD } from '../support/factories.ts';

const raw = JSON.parse(readFileSync(join(import.meta.dirname, '../../presets/study-group.json'), 'utf8')) as Record<string, unknown>;
const recipe = (extra: Record<string, unknown> = {}): Recipe => {
  const parsed = parseRecipe({ ...raw, ...extra });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.recipe;
};
const bindings = { channels: { deep_work: '700000000000000001' }, roles: { tutor: '800000000000000001' } };
const offIn = async (guildId: string) => (await database.db.select().from(guilds).where(eq(guilds.id, guildId)))[0]?.settings.disabled_modules;
const importInto = (guildId: string, r: Recipe, mode: 'merge' | 'replace' = 'merge', dryRun = false) =>
  importRecipe(database.db, guildId, r, { bindings, actor: 'test', allowUnbound: true, mode, dryRun });

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
});

describe('module state in presets', () => {
  it('imports disabled_modules, exports them, and the export imports back to the same state', async () => {
    const dry = await importInto(GUILD, recipe({ disabled_modules: ['habits', 'focus'] }), 'merge', true);
    expect(dry).toMatchObject({ ok: true, applied: false, diff: { modules: [{ path: 'disabled_modules', before: [], after: ['focus', 'habits'] }] } });
    if (dry.ok) expect(diffText(dry.diff)).toContain('modules switched off: disabled_modules: [] → ["focus","habits"]');
    expect(await offIn(GUILD)).toBeUndefined();

    expect(await importInto(GUILD, recipe({ disabled_modules: ['habits', 'focus'] }))).toMatchObject({ ok: true, applied: true });
    expect(await offIn(GUILD)).toEqual(['focus', 'habits']);
    const exported = await exportGuild(database.db, GUILD);
    expect(exported.disabled_modules).toEqual(['focus', 'habits']);

    const again = parseRecipe(JSON.parse(recipeText(exported)));
    if (!again.ok) throw new Error(JSON.stringify(again.problems));
    expect(await importRecipe(database.db, OTHER_GUILD, again.recipe, { actor: 'test' })).toMatchObject({ ok: true, applied: true });
    expect(await offIn(OTHER_GUILD)).toEqual(['focus', 'habits']);
    expect(recipeText(await exportGuild(database.db, OTHER_GUILD))).toBe(recipeText(exported));
    // Importing the same state again writes nothing.
    expect(await importRecipe(database.db, OTHER_GUILD, again.recipe, { actor: 'test' })).toMatchObject({ ok: true, applied: false, diff: { identical: true, modules: [] } });
  });

  it('a recipe without the field keeps the guild’s modules in merge mode and switches all on in replace mode', async () => {
    await importInto(GUILD, recipe({ disabled_modules: ['habits'] }));
    expect(await importInto(GUILD, recipe())).toMatchObject({ ok: true, diff: { modules: [] } });
    expect(await offIn(GUILD)).toEqual(['habits']);
    const replaced = await importInto(GUILD, recipe(), 'replace');
    expect(replaced).toMatchObject({ ok: true, applied: true, diff: { modules: [{ before: ['habits'], after: [] }] } });
    expect(await offIn(GUILD)).toEqual([]);
    expect((await exportGuild(database.db, GUILD)).disabled_modules).toEqual([]);
  });

  it('refuses bad module names with their paths and changes nothing', async () => {
    for (const bad of [['Habits'], ['a\u0000b'], ['x'.repeat(49)], [''], [2 ** 53], 'habits', Array.from({ length: 101 }, (_, i) => `m${i}`), [{ deep: [[[]]] }]]) {
      const parsed = parseRecipe({ ...raw, disabled_modules: bad });
      expect(parsed.ok, JSON.stringify(bad).slice(0, 40)).toBe(false);
      if (!parsed.ok) expect(parsed.problems[0]!.path).toMatch(/^disabled_modules/);
    }
    expect(await offIn(GUILD)).toBeUndefined();
  });
});

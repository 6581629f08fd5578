// The preset library: every recipe imports, exports and re-imports to the identical bytes; diffs
// are exact; bad or hostile recipes change nothing; re-importing is a no-op.
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, rules, ruleVersions } from '../../src/db/schema.ts';
import { exportGuild, recipeText } from '../../src/presets/export.ts';
import { importRecipe, parseRecipe } from '../../src/presets/import.ts';
import { loadRecipeFile } from '../../src/presets/load.ts';
import { placeholdersOf, type Bindings, type Recipe } from '../../src/presets/recipe.ts';
import { saveRule } from '../../src/rules/repository.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, OTHER_GUILD } from '../support/factories.ts';

const PRESETS = join(import.meta.dirname, '../../presets');
// support-faq.json is a fragment (an array of FAQ entries) that goes into the support preset, not a recipe.
const files = readdirSync(PRESETS).filter((f) => f.endsWith('.json') && f !== 'support-faq.json').sort();
const load = (file: string): Recipe => {
  const parsed = parseRecipe(JSON.parse(readFileSync(join(PRESETS, file), 'utf8')));
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.problems)}`);
  return parsed.recipe;
};

/** Binds every placeholder of a recipe to made-up ids. */
export function bindAll(recipe: Recipe): Bindings {
  const found = placeholdersOf(recipe);
  let n = 100n;
  return {
    channels: Object.fromEntries([...found.channels].map((name) => [name, String(700000000000000000n + ++n)])),
    roles: Object.fromEntries([...found.roles].map((name) => [name, String(800000000000000000n + ++n)])),
  };
}

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

describe('the preset library', () => {
  it('holds the presets of PRODUCT.md §4 and two of our own, each with a description', () => {
    expect(files).toEqual(['analytics-only.json', 'classic.json', 'community-engagement.json', 'leveling-classic-bots.json', 'minimal-karma.json', 'nonprofit-volunteers.json', 'study-group.json', 'voice-and-events.json']);
    for (const f of files) expect(load(f).description.length).toBeGreaterThan(40);
  });

  it.each(files)('%s: export → import → export is byte-identical', async (file) => {
    const recipe = load(file);
    const first = await importRecipe(database.db, GUILD, recipe, { bindings: bindAll(recipe), actor: 'test' });
    expect(first).toMatchObject({ ok: true, applied: true });
    const exported = recipeText(await exportGuild(database.db, GUILD));
    const again = parseRecipe(JSON.parse(exported));
    if (!again.ok) throw new Error(JSON.stringify(again.problems));
    expect(await importRecipe(database.db, OTHER_GUILD, again.recipe, { actor: 'test' })).toMatchObject({ ok: true });
    expect(recipeText(await exportGuild(database.db, OTHER_GUILD))).toBe(exported);
  });

  it('re-importing the same recipe is a no-op: no new versions, no audit entries', async () => {
    const recipe = load('classic.json');
    await importRecipe(database.db, GUILD, recipe, { actor: 'test' });
    const versions = (await database.db.select().from(ruleVersions)).length;
    const audits = (await database.db.select().from(auditLog)).length;
    const second = await importRecipe(database.db, GUILD, recipe, { actor: 'test' });
    expect(second).toMatchObject({ ok: true, applied: false, diff: { identical: true } });
    expect((await database.db.select().from(ruleVersions)).length).toBe(versions);
    expect((await database.db.select().from(auditLog)).length).toBe(audits);
  });
});

describe('diffs', () => {
  it('shows, key by key, what an import adds, changes and removes', async () => {
    const recipe = load('minimal-karma.json');
    const fresh = await importRecipe(database.db, GUILD, recipe, { actor: 'test', dryRun: true });
    expect(fresh).toMatchObject({ ok: true, applied: false, diff: { currencies: { added: ['karma'] }, rules: { added: ['karma.message', 'karma.voice'] } } });
    await importRecipe(database.db, GUILD, recipe, { actor: 'test' });
    // An admin edits a rule and adds one of their own.
    await saveRule(database.db, GUILD, { ...recipe.rules[0], effects: [{ ...(recipe.rules[0]!.effects as object[])[0], amount: 3 }] }, 'admin');
    await saveRule(database.db, GUILD, { key: 'custom', name: 'Custom', trigger: { events: ['thread_create'] }, effects: [{ type: 'credit', currency: 'karma', amount: 5 }] }, 'admin');
    const diff = await importRecipe(database.db, GUILD, recipe, { actor: 'test', dryRun: true });
    if (!diff.ok) throw new Error('diff failed');
    const changed = [{ key: 'karma.message', changes: [{ path: 'effects[0].amount', before: 3, after: 1 }], summary: ['changes effects'] }];
    // merge keeps the admin's own rule (and says so); replace removes it (and says so).
    expect(diff.diff.rules).toEqual({ added: [], changed, removed: [], kept: ['custom'], unchanged: 1 });
    const replacing = await importRecipe(database.db, GUILD, recipe, { actor: 'test', dryRun: true, mode: 'replace' });
    expect(replacing.ok && replacing.diff.rules).toEqual({ added: [], changed, removed: ['custom'], kept: [], unchanged: 1 });
    await importRecipe(database.db, GUILD, recipe, { actor: 'test' });
    expect((await database.db.select().from(rules)).map((r) => r.key).sort()).toEqual(['custom', 'karma.message', 'karma.voice']);
    await importRecipe(database.db, GUILD, recipe, { actor: 'test', mode: 'replace' });
    expect((await database.db.select().from(rules)).map((r) => r.key).sort()).toEqual(['karma.message', 'karma.voice']);
  });

  it('a merge lists nothing as removed, and says which existing entries it overwrites, a level curve included', async () => {
    await importRecipe(database.db, GUILD, load('classic.json'), { actor: 'test' });
    const leveling = load('leveling-classic-bots.json');
    const merge = await importRecipe(database.db, GUILD, leveling, { actor: 'test', dryRun: true, bindings: bindAll(leveling) });
    if (!merge.ok) throw new Error(JSON.stringify(merge.problems));
    for (const s of ['currencies', 'zones', 'rules', 'milestones', 'shop'] as const) expect(merge.diff[s].removed, s).toEqual([]);
    expect(merge.diff.currencies.kept).toEqual(['gold', 'stars']);
    expect(merge.diff.rules.kept).toContain('classic.message');
    const xp = merge.diff.currencies.changed.find((c) => c.key === 'xp');
    expect(xp?.summary).toContainEqual(
      'replaces the level curve: exponential 100 × 1.25^level from level 1, on the balance → polynomial (100, 50, 5) from level 0, on the lifetime total, 3 role reward(s)',
    );
    const replace = await importRecipe(database.db, GUILD, leveling, { actor: 'test', dryRun: true, mode: 'replace', bindings: bindAll(leveling) });
    expect(replace.ok && replace.diff.currencies).toMatchObject({ removed: ['gold', 'stars'], kept: [] });
    // What the merge review promised is what it does: nothing removed, the curve replaced.
    await importRecipe(database.db, GUILD, leveling, { actor: 'test', bindings: bindAll(leveling) });
    const after = await exportGuild(database.db, GUILD);
    expect(after.currencies.map((c) => c.key).sort()).toEqual(['gold', 'stars', 'xp']);
    expect(after.currencies.find((c) => c.key === 'xp')?.level_curve).toMatchObject({ kind: 'polynomial' });
  });
});

describe('bad and hostile recipes change nothing', () => {
  const expectRefused = async (input: unknown, path: RegExp) => {
    const parsed = parseRecipe(input);
    const result = parsed.ok ? await importRecipe(database.db, GUILD, parsed.recipe, { actor: 'test' }) : parsed;
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.path).join(' ')).toMatch(path);
    expect(await database.db.select().from(rules)).toHaveLength(0);
  };

  it('refuses missing bindings, naming the placeholder', async () => {
    const recipe = load('community-engagement.json');
    const result = await importRecipe(database.db, GUILD, recipe, { actor: 'test' });
    expect(result).toMatchObject({ ok: false, problems: expect.arrayContaining([{ path: 'placeholders.roles.rising_star', message: expect.stringContaining('{{role:rising_star}}') }]) });
    expect(await database.db.select().from(rules)).toHaveLength(0);
  });

  it('refuses a wrong version, an unknown effect, a duplicate key', async () => {
    const base = load('minimal-karma.json');
    await expectRefused({ ...base, cairn_recipe: 2 }, /cairn_recipe/);
    await expectRefused({ ...base, rules: [{ ...base.rules[0], effects: [{ type: 'explode' }] }] }, /rules\[0\]\.effects\[0\]/);
    await expectRefused({ ...base, rules: [base.rules[0], base.rules[0]] }, /rules\[1\]\.key/);
  });

  it('refuses prototype-pollution keys anywhere', async () => {
    const base = load('minimal-karma.json');
    await expectRefused(JSON.parse(JSON.stringify(base).replace('"labels":{', '"labels":{"__proto__":{"polluted":true},')), /labels\.__proto__/);
    await expectRefused(JSON.parse(JSON.stringify(base).replace('"name":"Karma"', '"name":"Karma","constructor":{"prototype":{}}')), /constructor/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses 10 MB of rules (too large a file, and too many rules)', async () => {
    const base = load('minimal-karma.json');
    const huge = { ...base, rules: Array.from({ length: 40_000 }, (_, i) => ({ ...base.rules[0], key: `r${i}`, description: 'x'.repeat(200) })) };
    const dir = mkdtempSync(join(tmpdir(), 'cairn-huge-'));
    const file = join(dir, 'huge.json');
    writeFileSync(file, JSON.stringify(huge));
    await expect(loadRecipeFile(file)).rejects.toThrow(/bytes; the limit is/);
    await expectRefused(huge, /rules/);
  });
});

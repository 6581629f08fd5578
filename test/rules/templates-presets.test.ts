// Templates travel in presets: a recipe's `templates` become the guild's own on import (recipe
// placeholders bound), a second import changes nothing, export carries them back, replace removes
// those the recipe no longer has, and an invalid one fails the import with its path.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exportGuild } from '../../src/presets/export.ts';
import { importRecipe, parseRecipe } from '../../src/presets/import.ts';
import type { Recipe } from '../../src/presets/recipe.ts';
import { listGuildTemplates } from '../../src/rules/templates/repository.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD } from '../support/factories.ts';

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

const helpBonus = {
  key: 'help-bonus',
  name: 'Help bonus',
  description: 'Replies in the help channel pay a chosen amount.',
  placeholders: [{ name: 'amount', kind: 'integer', label: 'Amount', min: 1, max: 50, default: 5 }],
  rule: { key: 'help_bonus', name: 'Help bonus', trigger: { events: ['message_create'], channels: ['{{channel:help}}'] }, effects: [{ type: 'credit', currency: 'xp', amount: '{{amount}}' }] },
};
const recipe = (templates: unknown[]): Recipe => {
  const parsed = parseRecipe({ cairn_recipe: 1, key: 'with-templates', name: 'With templates', placeholders: { channels: { help: { description: 'help' } } }, currencies: [{ key: 'xp', name: 'XP' }], templates });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.recipe;
};
const bindings = { channels: { help: '555' }, roles: {} };

describe('templates in presets', () => {
  it('imports a recipe\'s templates with its placeholders bound, once, and exports them back', async () => {
    const first = await importRecipe(database.db, GUILD, recipe([helpBonus]), { actor: 'test', bindings });
    expect(first).toMatchObject({ ok: true, applied: true, summary: { templates: 1 } });
    const rows = await listGuildTemplates(database.db, GUILD);
    expect(rows.map((r) => [r.key, r.version])).toEqual([['help-bonus', 1]]);
    expect(rows[0]!.document).toMatchObject({ rule: { trigger: { channels: ['555'] }, effects: [{ amount: '{{amount}}' }] } });

    const again = await importRecipe(database.db, GUILD, recipe([helpBonus]), { actor: 'test', bindings });
    expect(again).toMatchObject({ ok: true, applied: false });
    expect((await listGuildTemplates(database.db, GUILD))[0]!.version).toBe(1);

    const exported = await exportGuild(database.db, GUILD);
    expect(exported.templates).toEqual([rows[0]!.document]);
    const back = await importRecipe(database.db, GUILD, exported, { actor: 'test' });
    expect(back).toMatchObject({ ok: true, applied: false });
  });

  it('replace removes templates the recipe no longer carries; merge keeps them', async () => {
    await importRecipe(database.db, GUILD, recipe([helpBonus]), { actor: 'test', bindings });
    await importRecipe(database.db, GUILD, recipe([]), { actor: 'test', bindings });
    expect(await listGuildTemplates(database.db, GUILD)).toHaveLength(1);
    const replaced = await importRecipe(database.db, GUILD, recipe([]), { actor: 'test', bindings, mode: 'replace' });
    expect(replaced).toMatchObject({ ok: true, applied: true });
    expect(await listGuildTemplates(database.db, GUILD)).toHaveLength(0);
  });

  it('refuses an invalid template with its path, and imports nothing', async () => {
    const bad = { ...helpBonus, placeholders: [{ name: 'amount', kind: 'integer', label: 'Amount', min: 1, max: 50 }] };
    const result = await importRecipe(database.db, GUILD, recipe([bad]), { actor: 'test', bindings });
    expect(result).toMatchObject({ ok: false, problems: [{ path: 'templates[0].placeholders[0]' }] });
    expect(await listGuildTemplates(database.db, GUILD)).toHaveLength(0);
    const gallery = await importRecipe(database.db, GUILD, recipe([{ ...helpBonus, key: 'weekend-multiplier' }]), { actor: 'test', bindings });
    expect(gallery).toMatchObject({ ok: false, problems: [{ path: 'templates[0].key' }] });
  });
});

// POST /presets/import with dryRun: the review an admin reads before applying must say what that
// mode will do — a merge removes nothing (it lists what it keeps and what it overwrites, in words),
// a replace lists what it removes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
});
afterAll(async () => {
  await api.services.close();
});

const G = `/api/guilds/${GUILD}`;
const roles = { level_5: '800000000000000005', level_10: '800000000000000010', level_20: '800000000000000020' };
const channels = { level_ups: '700000000000000001' };
const importing = async (body: Record<string, unknown>) => {
  const res = await api.request(`${G}/presets/import`, { method: 'POST', json: body });
  const answer = await json(res);
  expect(res.status, JSON.stringify(answer)).toBe(200);
  return answer;
};

describe('the import review per mode', () => {
  it('differs between merge and replace, and the merge names the level curve it replaces', async () => {
    const classic = await importing({ preset: 'classic' });
    expect(classic.applied).toBe(true);
    const merge = await importing({ preset: 'leveling-classic-bots', bindings: { channels, roles }, dryRun: true, mode: 'merge' });
    const replace = await importing({ preset: 'leveling-classic-bots', bindings: { channels, roles }, dryRun: true, mode: 'replace' });
    expect(merge.diff.mode).toBe('merge');
    expect(merge.diff.currencies).toMatchObject({ removed: [], kept: ['gold', 'stars'] });
    expect(merge.diff.rules.removed).toEqual([]);
    expect(merge.diff.currencies.changed.find((c: { key: string }) => c.key === 'xp').summary[0]).toMatch(/^replaces the level curve: exponential .* → polynomial/);
    expect(replace.diff.mode).toBe('replace');
    expect(replace.diff.currencies).toMatchObject({ removed: ['gold', 'stars'], kept: [] });
    expect(replace.diff.rules.removed).toEqual(merge.diff.rules.kept);
  });
});

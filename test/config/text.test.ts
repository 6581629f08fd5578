// Display names (rules, currencies, zones, milestones, shop items): trimmed, never blank, no control
// characters, with messages a person can read — in the schema and through the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DisplayName } from '../../src/config/text.ts';
import { creditRule } from '../rules/support.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, seedGuild } from '../support/factories.ts';

const messages = (value: unknown) => {
  const r = DisplayName(10).safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe('DisplayName', () => {
  it('trims the name it keeps', () => {
    expect(DisplayName(10).parse('  Gold  ')).toBe('Gold');
  });

  it('refuses blank names, control characters and long names in plain words', () => {
    expect(messages('   ')).toEqual(['must not be empty']);
    expect(messages('')).toEqual(['must not be empty']);
    expect(messages('Go\nld')).toEqual(['must not contain line breaks, tabs or other control characters']);
    expect(messages('Gold\u0007')).toEqual(['must not contain line breaks, tabs or other control characters']);
    expect(messages('x'.repeat(11))).toEqual(['must be at most 10 characters']);
    expect(messages(12)).toEqual(['must be text']);
    expect(messages(undefined)).toEqual(['is required']);
  });
});

describe('names through the API', () => {
  let database: TestDatabase;
  let api: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    database = await createTestDatabase();
    api = await createTestApp(database);
    await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'gold', spendable: true }] });
  });
  afterAll(async () => {
    await api.services.close();
  });
  const G = `/api/guilds/${GUILD}`;
  const put = async (path: string, body: unknown) => {
    const res = await api.request(`${G}${path}`, { method: 'PUT', json: body });
    return { status: res.status, body: await json(res) };
  };
  const documents = (name: string): [string, unknown][] => [
    ['/rules/named', { ...creditRule('named'), name }],
    ['/currencies/gems', { name }],
    ['/zones/help', { name }],
    ['/milestones/first', { name, requirement: { type: 'custom' } }],
    ['/shop/sticker', { name, currency: 'gold', price: 5 }],
  ];

  it('refuses a name of three spaces on every kind of document, naming the field', async () => {
    for (const [path, doc] of documents('   ')) {
      const res = await put(path, doc);
      expect(res.status, path).toBe(422);
      expect(res.body.error.details, path).toContainEqual({ path: 'name', message: 'must not be empty' });
    }
  });

  it('saves names trimmed', async () => {
    for (const [path, doc] of documents('  Fine name ')) {
      const res = await put(path, doc);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(JSON.stringify(res.body), path).toContain('"name":"Fine name"');
    }
  });
});

// /api/guilds/:g/faq: CRUD through saveFaqEntry (audit-logged, versioned, restorable), ranked
// search, the unanswered list, and bad input refused with field paths while nothing changes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordUnanswered } from '../../src/faq/unanswered.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';
import { SUPPORT_ENTRIES, seedFaq } from '../faq/support.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
});
afterAll(() => api.services.close());
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database);
  await seedGuild(database, { guildId: OTHER_GUILD });
});

const G = `/api/guilds/${GUILD}/faq`;
const entry = (over: Record<string, unknown> = {}) => ({ question: 'How do I reset my password?', answer: 'Use **Forgot password** on the login page.', tags: ['account'], alternatives: ['I forgot my password'], ...over });
const put = (key: string, body: unknown) => api.request(`${G}/${key}`, { method: 'PUT', json: body });

describe('FAQ entries over the API', () => {
  it('creates, reads, edits and deletes an entry, each change audit-logged and a version', async () => {
    const created = await put('reset-password', entry());
    expect(created.status).toBe(200);
    expect(await json(created)).toMatchObject({ key: 'reset-password', views: 0, helpful: 0, tags: ['account'] });
    const edited = await put('reset-password', entry({ answer: 'Press **Forgot password**.', tags: ['account', 'login'] }));
    expect(await json(edited)).toMatchObject({ answer: 'Press **Forgot password**.', tags: ['account', 'login'] });
    const read = await json(await api.request(`${G}/reset-password`));
    expect(read.answer).toBe('Press **Forgot password**.');
    expect((await json(await api.request(G))).map((e: { key: string }) => e.key)).toEqual(['reset-password']);
    expect((await api.request(`${G}/reset-password`, { method: 'DELETE' })).status).toBe(200);
    expect((await api.request(`${G}/reset-password`)).status).toBe(404);
    const log = await json(await api.request(`/api/guilds/${GUILD}/audit-log?entity=faq`));
    expect(log.map((e: { action: string }) => e.action)).toEqual(['faq.delete', 'faq.update', 'faq.create']);
    const history = await json(await api.request(`/api/guilds/${GUILD}/history/faq/reset-password`));
    expect(history.versions.map((v: { action: string }) => v.action)).toEqual(['delete', 'update', 'create']);
  });

  it('restores a deleted entry from its history', async () => {
    await put('reset-password', entry());
    await api.request(`${G}/reset-password`, { method: 'DELETE' });
    const restored = await api.request(`/api/guilds/${GUILD}/history/faq/reset-password/restore`, { method: 'POST', json: { version: 1 } });
    expect(restored.status, JSON.stringify(await json(restored.clone()))).toBe(200);
    expect((await json(await api.request(`${G}/reset-password`))).question).toBe('How do I reset my password?');
  });

  it('searches ranked, with the rank, and says when nothing answers the query', async () => {
    await seedFaq(database, SUPPORT_ENTRIES);
    const found = await json(await api.request(`${G}/search?q=${encodeURIComponent('how do i reopen my ticket')}`));
    expect(found.good).toBe(true);
    expect(found.results[0]).toMatchObject({ key: 'ticket-closed' });
    expect(found.results[0].rank).toBeGreaterThan(found.results[1].rank);
    const nothing = await json(await api.request(`${G}/search?q=sourdough+bread`));
    expect(nothing.good).toBe(false);
  });

  it('lists unanswered searches most asked first and dismisses one', async () => {
    const at = new Date('2026-11-30T12:00:00Z');
    await recordUnanswered(database.db, GUILD, 'Wifi password?', '987654321098765432', at);
    await recordUnanswered(database.db, GUILD, 'wifi   PASSWORD?', '987654321098765433', at);
    await recordUnanswered(database.db, GUILD, 'parking', null, at);
    await recordUnanswered(database.db, OTHER_GUILD, 'elsewhere', null, at);
    const list = await json(await api.request(`${G}/unanswered`));
    expect(list.map((u: { query: string; count: number }) => [u.query, u.count])).toEqual([['wifi password?', 2], ['parking', 1]]);
    expect(list[0].last_asked_by).toBe('987654321098765433');
    expect((await api.request(`${G}/unanswered/${list[0].id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await json(await api.request(`${G}/unanswered`))).length).toBe(1);
    const log = await json(await api.request(`/api/guilds/${GUILD}/audit-log?entity=faq`));
    expect(log[0].action).toBe('faq.unanswered.dismiss');
  });
});

describe('bad input and other guilds', () => {
  it('refuses hostile entries with field paths and changes nothing', async () => {
    let nested: unknown = 'x';
    for (let i = 0; i < 300; i++) nested = [nested];
    const cases: [unknown, string][] = [
      [entry({ question: 'a\u0000b' }), 'question'],
      [entry({ answer: 'x'.repeat(4001) }), 'answer'],
      [entry({ answer: '' }), 'answer'],
      [entry({ tags: 2 ** 53 }), 'tags'],
      [entry({ tags: ['ok', 'OK'] }), 'tags'],
      [entry({ alternatives: Array.from({ length: 11 }, (_, i) => `way ${i}`) }), 'alternatives'],
      [entry({ question: 2 ** 53 }), 'question'],
      [entry({ extra: true }), '(root)'],
      [entry({ tags: nested }), '(root)'],
    ];
    for (const [body, path] of cases) {
      const res = await put('reset-password', body);
      const answer = await json(res);
      expect([400, 422], JSON.stringify(answer).slice(0, 300)).toContain(res.status);
      if (path !== '(root)') expect(answer.error.details.map((d: { path: string }) => d.path.split(/[.[]/)[0])).toContain(path);
    }
    expect((await put('Not A Slug', entry())).status).toBe(422);
    expect((await put('x'.repeat(65), entry())).status).toBe(422);
    expect(await json(await api.request(G))).toEqual([]);
  });

  it('refuses a bad search query and a bad unanswered id', async () => {
    expect((await api.request(`${G}/search`)).status).toBe(422);
    expect((await api.request(`${G}/search?q=${'x'.repeat(201)}`)).status).toBe(422);
    expect((await api.request(`${G}/search?q=ok&limit=${2 ** 53}`)).status).toBe(422);
    const bad = await api.request(`${G}/unanswered/${2 ** 53}`, { method: 'DELETE' });
    expect(bad.status).toBe(422);
    expect((await json(bad)).error.details[0].path).toBe('id');
    expect((await api.request(`${G}/unanswered/99`, { method: 'DELETE' })).status).toBe(404);
  });

  it('does not show, change or dismiss another guild\'s entries', async () => {
    await put('reset-password', entry());
    const other = `/api/guilds/${OTHER_GUILD}/faq`;
    expect((await api.request(`${other}/reset-password`)).status).toBe(404);
    expect((await api.request(`${other}/reset-password`, { method: 'DELETE' })).status).toBe(404);
    expect((await json(await api.request(`${other}/search?q=password`))).results).toEqual([]);
    await recordUnanswered(database.db, GUILD, 'wifi', null, new Date());
    const [mine] = await json(await api.request(`${G}/unanswered`));
    expect((await api.request(`${other}/unanswered/${mine.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await api.request(`${G}/reset-password`)).status).toBe(200);
  });
});

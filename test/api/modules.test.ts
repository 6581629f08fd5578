// Modules through the API: a module switched off runs none of its rules (other modules still pay,
// a dry run says why), switching it back on pays again; the list counts rules per module; bad
// names and bodies are refused with field paths and change nothing.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, guilds, transactions } from '../../src/db/schema.ts';
import { creditRule, event } from '../rules/support.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
});
afterAll(async () => {
  await api.services.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'gold' }] });
  for (const rule of [
    creditRule('habits.talk', { module: 'habits', amount: 5 }),
    creditRule('habits.off', { module: 'habits', enabled: false }),
    creditRule('classic.talk', { module: 'classic', currency: 'gold', amount: 1 }),
  ]) expect((await call('POST', '/rules', rule)).status).toBe(201);
});

const G = `/api/guilds/${GUILD}`;
const call = async (method: string, path: string, body?: unknown) => {
  const res = await api.request(`${G}${path}`, { method, ...(body === undefined ? {} : { json: body }) });
  return { status: res.status, body: await json(res) };
};
const paid = async () => {
  const rows = await database.db.select().from(transactions).where(eq(transactions.guildId, GUILD));
  return rows.reduce<Record<string, number>>((out, t) => ({ ...out, [t.currencyId]: (out[t.currencyId] ?? 0) + Number(t.delta) }), {});
};
const balances = async () => {
  const member = await call('GET', `/members/${ALICE}`);
  return Object.fromEntries((member.body.currencies as { key: string; balance: number }[]).map((c) => [c.key, c.balance]));
};
const send = async () => expect((await call('POST', '/events', event('message_create'))).body).toMatchObject({ accepted: 1 });

describe('modules', () => {
  it('lists each module with its rule counts, on by default', async () => {
    const list = await call('GET', '/modules');
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      { name: 'classic', enabled: true, rules: 1, enabledRules: 1, commands: [] },
      { name: 'habits', enabled: true, rules: 2, enabledRules: 1, commands: [] },
      { name: 'onboarding', enabled: true, rules: 0, enabledRules: 0, commands: ['onboarding'] },
      // The support desk owns /ticket (a built-in command of a module).
      { name: 'support', enabled: true, rules: 0, enabledRules: 0, commands: ['faq', 'ticket'] },
    ]);
  });

  it('a module off pays nothing for an event, other modules still pay; back on it pays again', async () => {
    await send();
    expect(await balances()).toMatchObject({ xp: 5, gold: 1 });

    const off = await call('PUT', '/modules/habits', { enabled: false });
    expect(off).toMatchObject({ status: 200, body: { name: 'habits', enabled: false, rules: 2 } });
    await send();
    expect(await balances()).toMatchObject({ xp: 5, gold: 2 });

    const dry = await call('POST', '/dry-run', { event: event('message_create') });
    expect(dry.body.notes).toContain('module habits is off: its rules for message_create did not run');
    expect(dry.body.rules.find((r: { rule: string }) => r.rule === 'habits.talk')).toMatchObject({ fired: false, trigger: { matched: false, reason: 'module habits is off' } });
    expect(dry.body.balances[ALICE].xp).toEqual({ before: 5, after: 5 });

    expect((await call('PUT', '/modules/habits', { enabled: true })).body.enabled).toBe(true);
    await send();
    expect(await balances()).toMatchObject({ xp: 10, gold: 3 });
    expect(Object.keys(await paid())).toHaveLength(2);
  });

  it('one switch is one audit entry and one settings change; switching to the same state writes nothing', async () => {
    await call('PUT', '/modules/classic', { enabled: false });
    await call('PUT', '/modules/classic', { enabled: false });
    const entries = await database.db.select().from(auditLog).where(eq(auditLog.action, 'guild.settings'));
    expect(entries).toHaveLength(1);
    expect(entries[0]!.after).toMatchObject({ disabled_modules: ['classic'] });
    const [g] = await database.db.select().from(guilds).where(eq(guilds.id, GUILD));
    expect(g!.settings.disabled_modules).toEqual(['classic']);
    // Still listed while off, even with no rule left in it, so it can be switched back on.
    await call('DELETE', '/rules/classic.talk');
    expect((await call('GET', '/modules')).body.find((m: { name: string }) => m.name === 'classic')).toEqual({ name: 'classic', enabled: false, rules: 0, enabledRules: 0, commands: [] });
    expect((await call('PUT', '/modules/classic', { enabled: true })).status).toBe(200);
  });

  it('refuses unknown modules (404), bad names and bodies (field paths), and changes nothing', async () => {
    const unknown = await call('PUT', '/modules/nope', { enabled: false });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'not_found', details: [{ path: 'name' }] } } });
    for (const body of [{}, { enabled: 'no' }, { enabled: 1 }, { enabled: null }, { enabled: false, extra: 1 }, [], 'off']) {
      const r = await call('PUT', '/modules/habits', body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.error.details.length).toBeGreaterThan(0);
    }
    expect((await call('PUT', '/modules/habits', { enabled: false })).status).toBe(200);
    for (const name of ['Habits', 'a%00b', 'x'.repeat(49), '%E2%80%AE', '..', String(2 ** 53)]) {
      const r = await call('PUT', `/modules/${name}`, { enabled: false });
      // A NUL in the URL is refused before routing (400); the rest by the name's schema or as unknown.
      expect([400, 404, 422], name).toContain(r.status);
    }
    const bad = await call('PUT', '/modules/Has%20Space', { enabled: false });
    expect(bad).toMatchObject({ status: 422, body: { error: { details: [{ path: 'name' }] } } });
    const [g] = await database.db.select().from(guilds).where(eq(guilds.id, GUILD));
    expect(g!.settings.disabled_modules).toEqual(['habits']);
    expect(await database.db.select().from(auditLog).where(eq(auditLog.action, 'guild.settings'))).toHaveLength(1);
  });

  it('answers 404 for a guild Cairn does not know', async () => {
    const res = await api.request('/api/guilds/1160511689263947000/modules');
    expect(res.status).toBe(404);
  });
});

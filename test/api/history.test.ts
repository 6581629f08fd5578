// Configuration history through the API: every change of a currency, zone, milestone, shop item or
// the guild's settings is a version with its diff; restoring one is a new version, audit-logged and
// in force at once (the ledger, the engine, a second process's configuration); a deleted entity
// comes back; a version that is no longer valid is refused and nothing changes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigStore } from '../../src/rules/config-store.ts';
import { creditRule, event } from '../rules/support.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';

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
  await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'gold', spendable: true }] });
  await seedGuild(database, { guildId: OTHER_GUILD, currencies: [{ key: 'xp' }] });
});

const call = async (method: string, path: string, body?: unknown, guild = GUILD) => {
  const res = await api.request(`/api/guilds/${guild}${path}`, { method, ...(body === undefined ? {} : { json: body }) });
  return { status: res.status, body: await json(res) };
};
const history = (kind: string, key: string, guild = GUILD) => call('GET', `/history/${kind}/${key}`, undefined, guild);
const restore = (kind: string, key: string, version: unknown, guild = GUILD) => call('POST', `/history/${kind}/${key}/restore`, { version }, guild);
const balance = async (currency: string) => (await call('GET', `/members/${ALICE}`)).body.currencies.find((c: { key: string }) => c.key === currency)?.balance ?? 0;
const put = async (path: string, body: unknown) => {
  const res = await call('PUT', path, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

describe('currency history', () => {
  it('lists each edit with its diff, restores v1 as a new audit-logged version, and the ledger applies it', async () => {
    await put('/currencies/gems', { name: 'Gems', allow_negative: true });
    await put('/currencies/gems', { name: 'Gems', allow_negative: false });
    await put('/currencies/gems', { name: 'Shiny gems', allow_negative: false });
    const listed = (await history('currency', 'gems')).body;
    expect(listed).toMatchObject({ kind: 'currency', key: 'gems', exists: true });
    expect(listed.versions.map((v: { version: number; action: string; current: boolean }) => [v.version, v.action, v.current])).toEqual([
      [3, 'update', true],
      [2, 'update', false],
      [1, 'create', false],
    ]);
    expect(listed.versions[0]).toMatchObject({ actor: 'operator', restoredFrom: null, diff: [{ path: 'name', before: 'Gems', after: 'Shiny gems' }] });
    expect(listed.versions[1].diff).toEqual([{ path: 'allow_negative', before: true, after: false }]);
    expect(listed.versions[2].diff).toContainEqual({ path: 'name', before: null, after: 'Gems' });
    // Not allowed below zero now: a fine is refused.
    expect((await call('POST', `/members/${ALICE}/award`, { currency: 'gems', amount: -5 })).status).toBe(409);

    const restored = await restore('currency', 'gems', 1);
    expect(restored).toMatchObject({ status: 200, body: { kind: 'currency', key: 'gems', version: 4, restoredFrom: 1, changed: true, document: { name: 'Gems', allow_negative: true } } });
    expect((await call('GET', '/currencies/gems')).body).toMatchObject({ name: 'Gems', allow_negative: true });
    expect((await call('POST', `/members/${ALICE}/award`, { currency: 'gems', amount: -5 })).status).toBe(200);
    expect(await balance('gems')).toBe(-5);

    const [entry] = (await call('GET', '/audit-log?entity=currency&key=gems')).body;
    expect(entry).toMatchObject({ action: 'currency.restore', actor: 'operator (restore of v1)', revertible: true });
    const after = (await history('currency', 'gems')).body.versions;
    expect(after[0]).toMatchObject({ version: 4, action: 'restore', restoredFrom: 1, current: true });
    expect(after[0].diff).toEqual([
      { path: 'allow_negative', before: false, after: true },
      { path: 'name', before: 'Shiny gems', after: 'Gems' },
    ]);
    // Restoring what is already in force writes nothing.
    expect((await restore('currency', 'gems', 4)).body).toMatchObject({ version: 4, changed: false });
    expect((await history('currency', 'gems')).body.versions).toHaveLength(4);
    // The restore is itself undone from the audit log.
    expect((await call('POST', `/audit-log/${entry.id}/rollback`)).body).toMatchObject({ version: 5, restoredFrom: 3, document: { name: 'Shiny gems' } });
  });

  it('starts the history of a currency created before it with a baseline version, which can be restored', async () => {
    await put('/currencies/gold', { name: 'Gold coins', spendable: true });
    const versions = (await history('currency', 'gold')).body.versions;
    expect(versions.map((v: { action: string }) => v.action)).toEqual(['update', 'baseline']);
    expect(versions[1].document).toMatchObject({ key: 'gold', name: 'gold', spendable: true });
    expect((await restore('currency', 'gold', 1)).body.document.name).toBe('gold');
  });
});

describe('zone, milestone and shop item history', () => {
  it('a restored zone multiplier pays at once', async () => {
    await put('/zones/help', { name: 'Help', channels: ['42'], multipliers: { xp: { '*': 2 } } });
    await put('/zones/help', { name: 'Help', channels: ['42'], multipliers: { xp: { '*': 3 } } });
    await put('/rules/msg', creditRule('msg', { amount: { '*': [10, { multiplier: ['xp'] }] } }));
    await call('POST', '/events', event('message_create', { channel_id: '42' }));
    expect(await balance('xp')).toBe(30);
    expect((await restore('zone', 'help', 1)).body).toMatchObject({ version: 3, document: { multipliers: { xp: { '*': 2 } } } });
    await call('POST', '/events', event('message_create', { channel_id: '42' }));
    expect(await balance('xp')).toBe(50);
  });

  it('a restored milestone requirement is the one the engine compiles', async () => {
    await put('/milestones/rich', { name: 'Rich', requirement: { type: 'wallet', currency: 'xp', min: 5 } });
    await put('/milestones/rich', { name: 'Wealthy', requirement: { type: 'wallet', currency: 'xp', min: 500 } });
    expect((await restore('milestone', 'rich', 1)).status).toBe(200);
    const compiled = (await api.services.configs.get(GUILD)).milestones.find((m) => m.key === 'rich');
    expect(compiled).toMatchObject({ name: 'Rich', requirement: { min: 5 } });
    await put('/rules/msg', { ...creditRule('msg'), effects: [{ type: 'credit', to: 'actor', currency: 'xp', amount: 10 }, { type: 'milestone_check' }] });
    await call('POST', '/events', event('message_create'));
    expect((await call('GET', `/members/${ALICE}`)).body.milestones.map((m: { key: string }) => m.key)).toEqual(['rich']);
  });

  it('a restored shop item sells at its old price and keeps the stock left after purchases', async () => {
    await put('/shop/coffee', { name: 'Coffee', currency: 'gold', price: 5, stock: 10 });
    await put('/shop/coffee', { name: 'Coffee', currency: 'gold', price: 50, stock: 10 });
    await call('POST', `/members/${ALICE}/award`, { currency: 'gold', amount: 100 });
    expect((await call('POST', '/shop/coffee/purchase', { member: ALICE })).body).toMatchObject({ ok: true, price: 50, stockLeft: 9 });
    expect((await restore('shop_item', 'coffee', 1)).body.document).toMatchObject({ price: 5, stock: 9 });
    expect((await call('POST', '/shop/coffee/purchase', { member: ALICE })).body).toMatchObject({ ok: true, price: 5, balance: 45, stockLeft: 8 });
  });
});

describe('custom command history', () => {
  const command = (description: string) => ({ name: 'hello', description, reply: { template: 'Hello {member}!' } });
  it('restores an earlier command as a new version, and brings a deleted command back', async () => {
    await put('/commands/hello', command('Say hello'));
    await put('/commands/hello', command('Greet someone'));
    const listed = (await history('command', 'hello')).body;
    expect(listed.versions.map((v: { version: number; action: string }) => [v.version, v.action])).toEqual([
      [2, 'update'],
      [1, 'create'],
    ]);
    expect(listed.versions[0].diff).toEqual([{ path: 'description', before: 'Say hello', after: 'Greet someone' }]);
    expect((await restore('command', 'hello', 1)).body).toMatchObject({ version: 3, restoredFrom: 1, changed: true });
    expect((await call('GET', '/commands/hello')).body.description).toBe('Say hello');

    expect((await call('DELETE', '/commands/hello')).status).toBeLessThan(300);
    expect((await call('GET', '/commands/hello')).status).toBe(404);
    expect((await restore('command', 'hello', 4)).status).toBe(409);
    expect((await restore('command', 'hello', 2)).body).toMatchObject({ version: 5, restoredFrom: 2 });
    expect((await call('GET', '/commands/hello')).body.description).toBe('Greet someone');
    // The audit log undoes the first restore; the second brought back a deletion, which is not undone there.
    const entries = (await call('GET', '/audit-log?entity=command&key=hello')).body;
    expect(entries.map((e: { action: string; revertible: boolean }) => [e.action, e.revertible])).toEqual([
      ['command.restore', false],
      ['command.delete', true],
      ['command.restore', true],
      ['command.update', true],
      ['command.create', false],
    ]);
  });
});

describe('settings history', () => {
  it('restores an earlier version (fields it lacked are removed) and a second configuration store reloads it', async () => {
    const other = new ConfigStore(database);
    await other.start();
    try {
      await call('PATCH', '/settings', { timezone: 'Europe/Paris' });
      await call('PATCH', '/settings', { timezone: 'Asia/Tokyo', retention_days: 30 });
      expect((await other.get(GUILD)).timezone).toBe('Asia/Tokyo');
      const versions = (await history('settings', GUILD)).body.versions;
      expect(versions.map((v: { version: number; action: string }) => [v.version, v.action])).toEqual([[3, 'update'], [2, 'update'], [1, 'baseline']]);
      expect(versions[0].diff).toEqual([
        { path: 'retention_days', before: null, after: 30 },
        { path: 'timezone', before: 'Europe/Paris', after: 'Asia/Tokyo' },
      ]);
      const seen = other.reloadCount;
      expect((await restore('settings', GUILD, 2)).body).toMatchObject({ version: 4, restoredFrom: 2, document: { timezone: 'Europe/Paris' } });
      const settings = (await call('GET', '/settings')).body;
      expect(settings).toMatchObject({ timezone: 'Europe/Paris', retention_days: 3650 });
      const deadline = Date.now() + 2000;
      while (other.reloadCount === seen && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect((await other.get(GUILD)).timezone).toBe('Europe/Paris');
      expect((await api.services.configs.get(GUILD)).timezone).toBe('Europe/Paris');
      const [entry] = (await call('GET', '/audit-log?entity=guild')).body;
      expect(entry).toMatchObject({ action: 'guild.settings.restore', revertible: true });
    } finally {
      await other.stop();
    }
  });

  it('rolls a settings change back from the audit log', async () => {
    await call('PATCH', '/settings', { retention_days: 30 });
    const [change] = (await call('GET', '/audit-log?entity=guild')).body;
    expect(change.revertible).toBe(true);
    expect((await call('POST', `/audit-log/${change.id}/rollback`)).status).toBe(200);
    expect((await call('GET', '/settings')).body.retention_days).toBe(3650);
  });
});

describe('deleted entities come back', () => {
  it('a deleted currency keeps its history; its deletion cannot be restored, the version before it can', async () => {
    await put('/currencies/gems', { name: 'Gems' });
    expect((await call('DELETE', '/currencies/gems')).status).toBe(200);
    const listed = (await history('currency', 'gems')).body;
    expect(listed).toMatchObject({ exists: false, versions: [{ version: 2, action: 'delete', document: null, current: false }, { version: 1 }] });
    expect(listed.versions[0].diff).toContainEqual({ path: 'name', before: 'Gems', after: null });
    expect(await restore('currency', 'gems', 2)).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('is its deletion') } } });
    expect((await restore('currency', 'gems', 1)).body).toMatchObject({ version: 3, changed: true });
    expect((await call('GET', '/currencies/gems')).body.name).toBe('Gems');
  });

  it('the audit log brings back a deleted zone, milestone and shop item', async () => {
    await put('/zones/help', { name: 'Help', channels: ['42'] });
    await put('/milestones/helper', { name: 'Helper', requirement: { type: 'custom' } });
    await put('/shop/coffee', { name: 'Coffee', currency: 'gold', price: 5, stock: 3 });
    for (const path of ['/zones/help', '/milestones/helper', '/shop/coffee']) expect((await call('DELETE', path)).status).toBe(200);
    const deletions = (await call('GET', '/audit-log')).body.filter((e: { action: string }) => e.action.endsWith('.delete'));
    expect(deletions.map((e: { action: string; revertible: boolean }) => [e.action, e.revertible])).toEqual([
      ['shop.delete', true],
      ['milestone.delete', true],
      ['zone.delete', true],
    ]);
    for (const d of deletions) expect((await call('POST', `/audit-log/${d.id}/rollback`)).status).toBe(200);
    expect((await call('GET', '/zones/help')).body).toMatchObject({ channels: ['42'] });
    expect((await call('GET', '/milestones/helper')).body).toMatchObject({ key: 'helper' });
    expect((await call('GET', '/shop/coffee')).body).toMatchObject({ price: 5, stock: 3 });
    // A creation has nothing before it.
    const [created] = (await call('GET', '/audit-log?entity=zone')).body.filter((e: { action: string }) => e.action === 'zone.create');
    expect(created.revertible).toBe(false);
    expect(await call('POST', `/audit-log/${created.id}/rollback`)).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('created zone "help"') } } });
  });
});

describe('a preset import that replaces the configuration', () => {
  it('deletes through each entity\'s own delete, so what it removed is in the history and comes back', async () => {
    await put('/zones/lounge', { name: 'Lounge', channels: ['700000000000000001'], multipliers: { xp: { '*': 2 } } });
    const imported = await call('POST', '/presets/import', { preset: 'minimal-karma', mode: 'replace' });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body.diff.zones.removed).toEqual(['lounge']);
    expect(imported.body.diff.currencies.removed).toEqual(expect.arrayContaining(['gold', 'xp']));
    expect((await call('GET', '/zones/lounge')).status).toBe(404);

    const zone = (await history('zone', 'lounge')).body;
    expect(zone).toMatchObject({ exists: false });
    expect(zone.versions[0]).toMatchObject({ action: 'delete', actor: 'operator' });
    expect((await history('currency', 'gold')).body.versions[0]).toMatchObject({ action: 'delete' });
    // The labels the recipe brought are a settings version too.
    const settings = (await history('settings', GUILD)).body.versions;
    expect(settings[0].diff.some((d: { path: string }) => d.path.startsWith('labels'))).toBe(true);

    // The currency first (the zone's multiplier names it), then the zone.
    const xp = (await history('currency', 'xp')).body.versions;
    expect((await restore('currency', 'xp', xp[1].version)).status).toBe(200);
    expect((await restore('zone', 'lounge', zone.versions[1].version)).body).toMatchObject({ changed: true, document: { name: 'Lounge', multipliers: { xp: { '*': 2 } } } });
    expect((await call('GET', '/zones/lounge')).body).toMatchObject({ name: 'Lounge' });
  });
});

describe('refusals change nothing', () => {
  it('a zone version naming a currency since deleted is refused with the reason at its field', async () => {
    await put('/currencies/gems', { name: 'Gems' });
    await put('/zones/shiny', { name: 'Shiny', multipliers: { gems: { '*': 2 } } });
    await put('/zones/shiny', { name: 'Shiny', multipliers: {} });
    expect((await call('DELETE', '/currencies/gems')).status).toBe(200);
    const log = (await call('GET', '/audit-log')).body.length;
    const refused = await restore('zone', 'shiny', 1);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('version 1 of zone "shiny" can no longer be restored');
    expect(refused.body.error.details).toEqual([{ path: 'multipliers.gems', message: 'unknown currency "gems"' }]);
    expect((await call('GET', '/zones/shiny')).body.multipliers).toEqual({});
    expect((await history('zone', 'shiny')).body.versions).toHaveLength(2);
    expect((await call('GET', '/audit-log')).body).toHaveLength(log);
  });

  it("another guild's entities are not found, and nothing of theirs changes", async () => {
    await put('/currencies/gems', { name: 'Gems' });
    await put('/currencies/gems', { name: 'Rubies' });
    expect((await history('currency', 'gems', OTHER_GUILD)).status).toBe(404);
    expect((await restore('currency', 'gems', 1, OTHER_GUILD)).status).toBe(404);
    expect((await call('GET', '/currencies/gems', undefined, OTHER_GUILD)).status).toBe(404);
    expect((await history('settings', OTHER_GUILD)).status).toBe(404);
    const [entry] = (await call('GET', '/audit-log?entity=currency')).body;
    expect((await call('POST', `/audit-log/${entry.id}/rollback`, undefined, OTHER_GUILD)).status).toBe(404);
    expect((await call('GET', '/currencies/gems')).body.name).toBe('Rubies');
    // A token of the other guild may not ask at all.
    const token = (await json(await api.request('/api/tokens', { method: 'POST', json: { name: 'other admin', guildIds: [OTHER_GUILD] } }))).token;
    expect((await api.request(`/api/guilds/${GUILD}/history/currency/gems`, { token })).status).toBe(403);
  });

  it('hostile version numbers and targets are refused with the field named', async () => {
    await put('/currencies/gems', { name: 'Gems' });
    for (const version of [0, -1, 2 ** 53, 'abc', 1.5, null, '1']) {
      const res = await restore('currency', 'gems', version);
      expect(res.status, JSON.stringify(version)).toBe(422);
      expect(res.body.error.details[0].path).toBe('version');
    }
    expect((await call('POST', '/history/currency/gems/restore', { version: 1, extra: true })).status).toBe(422);
    expect((await restore('currency', 'gems', 2_147_483_647)).body.error).toMatchObject({ code: 'not_found', message: 'currency "gems" has no version 2147483647' });
    expect((await history('nonsense', 'gems')).status).toBe(404);
    expect((await history('currency', 'x'.repeat(101))).body.error.details[0].path).toBe('key');
    expect((await history('currency', '%00')).status).toBe(400);
    expect((await history('currency', 'unknown')).status).toBe(404);
    expect((await history('currency', 'gems')).body.versions).toHaveLength(1);
  });
});

describe('rules share the history routes', () => {
  it('lists rule versions and restores one as a rollback', async () => {
    await put('/rules/msg', creditRule('msg', { amount: 5 }));
    await put('/rules/msg', creditRule('msg', { amount: 50 }));
    const listed = (await history('rule', 'msg')).body;
    expect(listed.versions.map((v: { version: number; current: boolean }) => [v.version, v.current])).toEqual([[2, true], [1, false]]);
    expect(listed.versions[0].diff).toEqual([{ path: 'effects[0].amount', before: 5, after: 50 }]);
    expect((await restore('rule', 'msg', 1)).body).toMatchObject({ version: 3, changed: true, document: { effects: [{ amount: 5 }] } });
    const [entry] = (await call('GET', '/audit-log?entity=rule')).body;
    expect(entry).toMatchObject({ action: 'rule.rollback', actor: 'operator (rollback to v1)' });
    await call('POST', '/events', event('message_create'));
    expect(await balance('xp')).toBe(5);
  });
});

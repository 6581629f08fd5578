// The configuration API: rules (with versions and rollback), currencies, zones, milestones, shop,
// settings, seasons, members, audit log, overview — happy paths and errors. Security is in
// auth.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { creditRule, event } from '../rules/support.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, GUILD, seedGuild } from '../support/factories.ts';

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
});

const G = `/api/guilds/${GUILD}`;
const call = async (method: string, path: string, body?: unknown) => {
  const res = await api.request(`${G}${path}`, { method, ...(body === undefined ? {} : { json: body }) });
  return { status: res.status, body: await json(res) };
};

describe('rules API', () => {
  it('creates, lists, patches, versions and rolls back a rule', async () => {
    const created = await call('POST', '/rules', creditRule('msg', { amount: 5 }));
    expect(created).toMatchObject({ status: 201, body: { key: 'msg', version: 1, enabled: true } });
    expect((await call('POST', '/rules', creditRule('msg'))).status).toBe(409);
    expect((await call('PUT', '/rules/msg', creditRule('msg', { amount: 7 }))).body.version).toBe(2);
    expect((await call('PATCH', '/rules/msg', { enabled: false, priority: 5 })).body).toMatchObject({ version: 3, enabled: false, document: { priority: 5, enabled: false } });
    const versions = await call('GET', '/rules/msg/versions');
    expect(versions.body.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    const rolled = await call('POST', '/rules/msg/rollback', { version: 1 });
    expect(rolled.body).toMatchObject({ version: 4, enabled: true, document: { effects: [{ amount: 5 }] } });
    expect((await call('GET', '/rules')).body.map((r: { key: string }) => r.key)).toEqual(['msg']);
    expect((await call('DELETE', '/rules/msg')).status).toBe(200);
    expect((await call('GET', '/rules/msg')).status).toBe(404);
  });

  it('refuses bad rules with field paths, and a key that disagrees with the URL', async () => {
    const bad = await call('PUT', '/rules/r', { ...creditRule('r'), effects: [{ type: 'credit', currency: 'gems', amount: 1 }] });
    expect(bad).toMatchObject({ status: 422, body: { error: { code: 'validation_failed', details: [{ path: 'effects[0].currency' }] } } });
    expect((await call('PUT', '/rules/r', creditRule('other'))).body.error.details).toEqual([{ path: 'key', message: expect.stringContaining('"r"') }]);
    expect((await call('PATCH', '/rules/none', { enabled: false })).status).toBe(404);
    expect((await call('PATCH', '/rules/r', {})).status).toBe(422);
    expect((await call('POST', '/rules/r/rollback', { version: 9 })).status).toBe(404);
  });

  it('an edited rule is applied by the running engine without a restart', async () => {
    await call('PUT', '/rules/msg', creditRule('msg', { amount: 5 }));
    await call('POST', '/events', event('message_create'));
    expect((await call('PUT', '/rules/msg', creditRule('msg', { amount: 50 }))).status).toBe(200);
    await call('POST', '/events', event('message_create', { occurred_at: '2026-11-22T10:05:00.000Z' }));
    const profile = await call('GET', `/members/${ALICE}`);
    expect(profile.body.currencies.find((c: { key: string }) => c.key === 'xp').balance).toBe(55);
  });
});

describe('economy API', () => {
  it('currencies: create with a level curve, list, refuse deleting one in use', async () => {
    expect((await call('PUT', '/currencies/stars', { name: 'Stars', seasonal: true })).status).toBe(200);
    expect((await call('PUT', '/currencies/bad', { name: 'Bad', level_curve: { kind: 'exponential', base: 0, factor: 1 } })).body.error.details[0].path).toBe('level_curve.base');
    expect((await call('GET', '/currencies')).body.map((c: { key: string }) => c.key).sort()).toEqual(['gold', 'stars', 'xp']);
    await call('PUT', '/rules/msg', creditRule('msg', { currency: 'stars' }));
    expect((await call('DELETE', '/currencies/stars')).status).toBe(409);
    await call('DELETE', '/rules/msg');
    expect((await call('DELETE', '/currencies/stars')).status).toBe(200);
  });

  it('zones: create, list, refuse deleting one a rule uses', async () => {
    expect((await call('PUT', '/zones/help', { name: 'Help', channels: ['42'], multipliers: { xp: { '*': 2 } } })).status).toBe(200);
    await call('PUT', '/rules/msg', creditRule('msg', { trigger: { events: ['message_create'], zones: ['help'] } }));
    expect((await call('DELETE', '/zones/help')).status).toBe(409);
    expect((await call('GET', '/zones')).body).toEqual([expect.objectContaining({ key: 'help', channels: ['42'] })]);
  });

  it('milestones and shop: create, list, award, purchase', async () => {
    expect((await call('PUT', '/milestones/helper', { name: 'Helper', requirement: { type: 'custom' } })).body).toMatchObject({ key: 'helper', earnedBy: 0 });
    expect((await call('POST', '/milestones/helper/award', { member: BOB })).body).toEqual({ ok: true, awarded: true });
    expect((await call('GET', '/milestones')).body[0].earnedBy).toBe(1);
    expect((await call('POST', '/milestones/helper/award', { member: 5 })).status).toBe(422);
    expect((await call('PUT', '/shop/coffee', { name: 'Coffee', currency: 'gold', price: 10, stock: 1 })).body).toMatchObject({ key: 'coffee', stock: 1 });
    expect((await call('POST', '/shop/coffee/purchase', { member: BOB })).status).toBe(409);
    await call('POST', `/members/${BOB}/award`, { currency: 'gold', amount: 10, reason: 'thanks' });
    expect((await call('POST', '/shop/coffee/purchase', { member: BOB })).body).toMatchObject({ ok: true, stockLeft: 0 });
    expect((await call('POST', '/shop/coffee/purchase', { member: BOB })).body.error.details[0].code).toBe('sold_out');
  });
});

describe('members, settings, seasons, audit, overview', () => {
  it('a member profile explains each transaction with its rule and event', async () => {
    await call('PUT', '/rules/msg', creditRule('msg', { amount: 5, name: 'Message XP' }));
    await call('POST', '/events', event('message_create', { source_id: '777' }));
    await call('POST', `/members/${ALICE}/award`, { currency: 'gold', amount: 3, reason: 'helped' });
    const profile = (await call('GET', `/members/${ALICE}`)).body;
    expect(profile.transactions).toEqual([
      expect.objectContaining({ currency: 'gold', delta: 3, source: 'manual', rule: null, event: expect.objectContaining({ type: 'manual_award' }) }),
      expect.objectContaining({ currency: 'xp', delta: 5, source: 'rule', rule: { key: 'msg', name: 'Message XP', version: 1 }, event: expect.objectContaining({ sourceId: '777', type: 'message_create' }) }),
    ]);
    expect(profile.activity.message_create).toBe(1);
    expect((await call('GET', '/members?search=987')).body.members.map((m: { userId: string }) => m.userId)).toContain(ALICE);
    expect((await call('GET', '/members/1')).status).toBe(404);
    expect((await call('POST', `/members/${ALICE}/award`, { currency: 'gold', amount: -100 })).status).toBe(409);
    expect((await call('POST', `/members/${ALICE}/award`, { currency: 'gems', amount: 1 })).status).toBe(422);
  });

  it('settings are validated, merged and audited with before and after', async () => {
    expect((await call('PATCH', '/settings', { timezone: 'Mars/Olympus' })).body.error.details[0].path).toBe('timezone');
    expect((await call('PATCH', '/settings', { timezone: 'Europe/Paris', announce_channel_id: '900', retention_days: 30 })).body).toMatchObject({ timezone: 'Europe/Paris', announce_channel_id: '900', retention_days: 30 });
    const log = (await call('GET', '/audit-log?entity=guild')).body;
    expect(log[0]).toMatchObject({ action: 'guild.settings', before: expect.objectContaining({ timezone: 'UTC' }), after: expect.objectContaining({ timezone: 'Europe/Paris' }) });
  });

  it('seasons can be listed and rolled', async () => {
    expect((await call('GET', '/seasons')).body).toEqual([expect.objectContaining({ number: 1, current: true })]);
    expect((await call('POST', '/seasons/roll', { name: 'Winter' })).body).toMatchObject({ status: 'rolled', opened: { number: 2, name: 'Winter' } });
  });

  it('the overview aggregates events, money and top earners', async () => {
    await call('PUT', '/rules/msg', creditRule('msg', { amount: 5 }));
    const today = new Date().toISOString();
    await call('POST', '/events', [event('message_create', { occurred_at: today }), event('message_create', { actor_id: BOB, occurred_at: today })]);
    const overview = (await call('GET', '/overview?days=7')).body;
    expect(overview.totals).toMatchObject({ members: 2, events: 2 });
    expect(overview.eventsPerDay).toEqual([{ day: today.slice(0, 10), type: 'message_create', count: 2 }]);
    expect(overview.currencyPerDay).toEqual([{ day: today.slice(0, 10), currency: 'xp', minted: 10, burned: 0 }]);
    expect(overview.topEarners.xp).toHaveLength(2);
    expect((await call('GET', '/overview?days=0')).status).toBe(422);
  });
});

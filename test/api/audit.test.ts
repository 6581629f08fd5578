// The audit log (key-by-key diffs, one-click rollback of a rule change), rule version diffs, the
// data sources view, the level curve preview and single-document reads.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

const G = `/api/guilds/${GUILD}`;
const call = async (method: string, path: string, body?: unknown, token?: string) => {
  const res = await api.request(`${G}${path}`, { method, ...(body === undefined ? {} : { json: body }), ...(token ? { token } : {}) });
  return { status: res.status, body: await json(res) };
};

describe('audit log', () => {
  it('records who changed what, with a key-by-key diff between before and after', async () => {
    await call('PUT', '/rules/msg', creditRule('msg', { amount: 5 }));
    await call('PUT', '/rules/msg', creditRule('msg', { amount: 8, priority: 2 }));
    const log = (await call('GET', '/audit-log?entity=rule&key=msg')).body;
    expect(log.map((e: { action: string }) => e.action)).toEqual(['rule.update', 'rule.create']);
    expect(log[0]).toMatchObject({ actor: 'operator', entityType: 'rule', entityKey: 'msg', revertible: true });
    expect(log[0].diff).toEqual([
      { path: 'effects[0].amount', before: 5, after: 8 },
      { path: 'priority', before: 0, after: 2 },
    ]);
    // A creation lists every field against nothing, and has nothing to roll back to.
    expect(log[1]).toMatchObject({ before: null, revertible: false });
    expect(log[1].diff).toContainEqual({ path: 'effects', before: null, after: [expect.objectContaining({ amount: 5 })] });
    expect(log[1].diff).toContainEqual({ path: 'key', before: null, after: 'msg' });
  });

  it('one click rolls a rule back to its state before a change, audit-logged as rule.rollback, and the engine uses it', async () => {
    await call('PUT', '/rules/msg', creditRule('msg', { amount: 5 }));
    await call('PUT', '/rules/msg', creditRule('msg', { amount: 50 }));
    const [change] = (await call('GET', '/audit-log?entity=rule')).body;
    const rolled = await call('POST', `/audit-log/${change.id}/rollback`);
    expect(rolled).toMatchObject({ status: 200, body: { key: 'msg', version: 3, document: { effects: [{ amount: 5 }] } } });
    const [latest] = (await call('GET', '/audit-log?entity=rule')).body;
    expect(latest).toMatchObject({ action: 'rule.rollback', actor: `operator (rollback to the state before audit #${change.id})`, diff: [{ path: 'effects[0].amount', before: 50, after: 5 }] });
    // In force at once: the next message pays 5, not 50.
    await call('POST', '/events', event('message_create'));
    expect((await call('GET', `/members/${ALICE}`)).body.currencies.find((c: { key: string }) => c.key === 'xp').balance).toBe(5);
    // The rollback itself can be rolled back.
    expect((await call('POST', `/audit-log/${latest.id}/rollback`)).body.document.effects[0].amount).toBe(50);
  });

  it('brings a deleted rule back from its delete entry', async () => {
    await call('PUT', '/rules/msg', creditRule('msg', { amount: 5 }));
    await call('DELETE', '/rules/msg');
    const [deletion] = (await call('GET', '/audit-log?entity=rule')).body;
    expect(deletion).toMatchObject({ action: 'rule.delete', after: null, revertible: true });
    expect((await call('POST', `/audit-log/${deletion.id}/rollback`)).body).toMatchObject({ key: 'msg', version: 1 });
    expect((await call('GET', '/rules/msg')).status).toBe(200);
  });

  it('refuses what cannot roll back: unknown entries, creations, entries of no configuration, other guilds', async () => {
    await call('PUT', '/rules/msg', creditRule('msg'));
    await call('PATCH', '/settings', { retention_days: 30 });
    await call('POST', '/seasons/roll', {});
    const log = (await call('GET', '/audit-log')).body;
    const creation = log.find((e: { action: string }) => e.action === 'rule.create');
    const settings = log.find((e: { action: string }) => e.action === 'guild.settings');
    const season = log.find((e: { action: string }) => e.action === 'season.roll');
    expect(settings.diff).toEqual([{ path: 'retention_days', before: null, after: 30 }]);
    expect(season.revertible).toBe(false);
    expect(await call('POST', `/audit-log/${creation.id}/rollback`)).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('created rule "msg"') } } });
    expect(await call('POST', `/audit-log/${season.id}/rollback`)).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('no recorded version') } } });
    expect((await call('POST', '/audit-log/999999/rollback')).status).toBe(404);
    // An entry id of this guild, asked through another guild's URL, is not found there.
    const other = await api.request(`/api/guilds/${OTHER_GUILD}/audit-log/${creation.id}/rollback`, { method: 'POST' });
    expect(other.status).toBe(404);
    // Nothing was written by the refusals.
    expect((await call('GET', '/audit-log')).body).toHaveLength(log.length);
  });

  it('pages with before= and filters by entity', async () => {
    for (const amount of [1, 2, 3, 4]) await call('PUT', '/rules/msg', creditRule('msg', { amount }));
    const first = (await call('GET', '/audit-log?limit=2')).body;
    expect(first).toHaveLength(2);
    const next = (await call('GET', `/audit-log?limit=2&before=${first[1].id}`)).body;
    expect(next.map((e: { id: number }) => e.id)).toEqual([first[1].id - 1, first[1].id - 2]);
    expect((await call('GET', '/audit-log?entity=currency')).body).toEqual([]);
    expect((await call('GET', '/audit-log?entity=nonsense')).body.error.details[0].path).toBe('entity');
  });
});

describe('rule versions and rollback', () => {
  it('each version carries its diff from the previous one, and a rollback is audit-logged as such', async () => {
    await call('PUT', '/rules/msg', creditRule('msg', { amount: 5 }));
    await call('PATCH', '/rules/msg', { enabled: false });
    const versions = (await call('GET', '/rules/msg/versions')).body;
    expect(versions[0]).toMatchObject({ version: 2, current: true, diff: [{ path: 'enabled', before: true, after: false }] });
    expect(versions[1]).toMatchObject({ version: 1, current: false });
    await call('POST', '/rules/msg/rollback', { version: 1 });
    const [entry] = (await call('GET', '/audit-log?entity=rule')).body;
    expect(entry).toMatchObject({ action: 'rule.rollback', actor: 'operator (rollback to v1)', diff: [{ path: 'enabled', before: false, after: true }] });
  });

  it('rolling back to the current document changes nothing and logs nothing', async () => {
    await call('PUT', '/rules/msg', creditRule('msg', { amount: 5 }));
    const before = (await call('GET', '/audit-log')).body.length;
    expect((await call('POST', '/rules/msg/rollback', { version: 1 })).body.version).toBe(1);
    const log = (await call('GET', '/audit-log')).body;
    expect(log).toHaveLength(before);
    expect(log[0].action).toBe('rule.create');
  });
});

describe('data sources', () => {
  it('lists every event type with whether it is captured, counts in the window and the retention', async () => {
    await call('PUT', '/rules/msg', creditRule('msg'));
    const today = new Date().toISOString();
    await call('POST', '/events', [event('message_create', { occurred_at: today }), event('message_create', { occurred_at: today, source_id: '55' })]);
    await call('PATCH', '/settings', { capture: { voice_join: false }, retention_days: 45 });
    const view = (await call('GET', '/data-sources')).body;
    expect(view).toMatchObject({ retentionDays: 45, days: 30 });
    const byType = Object.fromEntries(view.types.map((t: { type: string }) => [t.type, t]));
    expect(byType.message_create).toEqual({ type: 'message_create', captured: true, internal: false, events: 2, lastSeenDay: today.slice(0, 10) });
    expect(byType.voice_join).toMatchObject({ captured: false, events: 0, lastSeenDay: null });
    expect(byType.currency_credited).toMatchObject({ internal: true });
  });

  it("defaults to the operator's retention (CAIRN_RETENTION_DAYS, 90 unless set)", async () => {
    expect((await call('GET', '/data-sources')).body.retentionDays).toBe(3650); // test/support/app.ts sets it
    const defaults = await createTestApp(database, { CAIRN_RETENTION_DAYS: '90' });
    const res = await defaults.request(`/api/guilds/${GUILD}/data-sources`);
    expect((await json(res)).retentionDays).toBe(90);
  });
});

describe('level curve preview and single reads', () => {
  it('computes thresholds with the ledger formula (Synapse 100 × 1.25^L; 5L²+50L+100 cumulative; tables end)', async () => {
    const exp = (await call('POST', '/currencies/curve-preview', { level_curve: { kind: 'exponential', base: 100, factor: 1.25 }, levels: 3 })).body;
    expect(exp.levels).toEqual([
      { level: 1, threshold: 125, step: 125 },
      { level: 2, threshold: 156, step: 31 },
      { level: 3, threshold: 195, step: 39 },
    ]);
    const poly = (await call('POST', '/currencies/curve-preview', { level_curve: { kind: 'polynomial', coefficients: [100, 50, 5] }, levels: 3 })).body;
    expect(poly.levels.map((l: { threshold: number }) => l.threshold)).toEqual([100, 255, 475]);
    const table = (await call('POST', '/currencies/curve-preview', { level_curve: { kind: 'table', thresholds: [10, 30] }, levels: 3 })).body;
    expect(table.levels).toEqual([
      { level: 1, threshold: 10, step: 10 },
      { level: 2, threshold: 30, step: 20 },
      { level: 3, threshold: null, step: null },
    ]);
    expect((await call('POST', '/currencies/curve-preview', { level_curve: { kind: 'exponential', base: 100, factor: 1.25 }, levels: 1001 })).body.error.details[0].path).toBe('levels');
  });

  it('reads one currency, zone, milestone and shop item; unknown keys are 404', async () => {
    await call('PUT', '/zones/help', { name: 'Help', channels: ['42'] });
    await call('PUT', '/milestones/helper', { name: 'Helper', requirement: { type: 'custom' } });
    await call('PUT', '/shop/coffee', { name: 'Coffee', currency: 'gold', price: 10 });
    expect((await call('GET', '/currencies/gold')).body).toMatchObject({ key: 'gold', spendable: true });
    expect((await call('GET', '/zones/help')).body).toMatchObject({ key: 'help', channels: ['42'] });
    expect((await call('GET', '/milestones/helper')).body).toMatchObject({ key: 'helper', earnedBy: 0 });
    expect((await call('GET', '/shop/coffee')).body).toMatchObject({ key: 'coffee', price: 10 });
    for (const path of ['/currencies/none', '/zones/none', '/milestones/none', '/shop/none']) {
      expect(await call('GET', path)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    }
  });
});

describe('overview', () => {
  it('sums minted and spent per day and currency; concurrent identical requests share one answer', async () => {
    await call('PUT', '/rules/msg', creditRule('msg', { amount: 5 }));
    const today = new Date().toISOString();
    await call('POST', '/events', [event('message_create', { occurred_at: today }), event('message_create', { occurred_at: today, source_id: '56' })]);
    await call('POST', `/members/${ALICE}/award`, { currency: 'gold', amount: 30 });
    await call('POST', `/members/${ALICE}/award`, { currency: 'gold', amount: -12 });
    const answers = await Promise.all(Array.from({ length: 5 }, () => call('GET', '/overview?days=7')));
    for (const a of answers) expect(a.body).toEqual(answers[0]!.body);
    const day = today.slice(0, 10);
    expect(answers[0]!.body.currencyPerDay).toEqual([
      { day, currency: 'gold', minted: 30, burned: 12 },
      { day, currency: 'xp', minted: 10, burned: 0 },
    ]);
    expect(answers[0]!.body.topEarners).toEqual({ gold: [{ userId: ALICE, name: null, balance: 18 }], xp: [{ userId: ALICE, name: null, balance: 10 }] });
  });
});

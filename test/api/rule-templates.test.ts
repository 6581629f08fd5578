// Rule templates through the API: the gallery and the guild's own templates, filling one into a
// rule (with a dry run, and saved as a new rule through the rule save path), saving and editing
// guild templates; bad values are refused with their paths and save nothing; another guild's admin
// can neither see nor change this guild's templates.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { event } from '../rules/support.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';

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
  await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'coins', spendable: true }] });
  await seedGuild(database, { guildId: OTHER_GUILD, currencies: [{ key: 'xp' }] });
});

const call = async (method: string, path: string, body?: unknown, guild = GUILD, token?: string) => {
  const res = await api.request(`/api/guilds/${guild}/rule-templates${path}`, { method, ...(body === undefined ? {} : { json: body }), ...(token ? { token } : {}) });
  return { status: res.status, body: await json(res) };
};
const guildGet = async (path: string) => json(await api.request(`/api/guilds/${GUILD}${path}`));
const message = (at: string, actor = ALICE) => event('message_create', { actor_id: actor, occurred_at: at });

/** A guild template made from a rule: a bonus for messages in one channel. */
const channelBonus = (amount: number) => ({
  name: 'Channel bonus',
  description: 'Messages in the chosen channel pay a bonus.',
  placeholders: [
    { name: 'channel_id', kind: 'channel', label: 'Channel', example: '1111111111111111111' },
    { name: 'bonus', kind: 'integer', label: 'Bonus', min: 1, max: 100, default: amount },
  ],
  rule: { key: 'channel_bonus', name: 'Channel bonus', trigger: { events: ['message_create'], channels: ['{{channel_id}}'] }, effects: [{ type: 'credit', currency: 'xp', amount: '{{bonus}}' }] },
});

describe('rule templates: happy paths', () => {
  it('lists the gallery (at least 20) and the guild templates, and reads one', async () => {
    const list = await call('GET', '');
    expect(list.status).toBe(200);
    expect(list.body.filter((t: { source: string }) => t.source === 'gallery').length).toBeGreaterThanOrEqual(20);
    expect(list.body.some((t: { source: string }) => t.source === 'guild')).toBe(false);
    expect((await call('PUT', '/channel-bonus', channelBonus(5))).status).toBe(200);
    const after = (await call('GET', '')).body;
    expect(after.find((t: { key: string }) => t.key === 'channel-bonus')).toMatchObject({ source: 'guild', version: 1, name: 'Channel bonus' });
    const one = await call('GET', '/weekend-multiplier');
    expect(one).toMatchObject({ status: 200, body: { key: 'weekend-multiplier', source: 'gallery', version: null } });
    expect(one.body.placeholders.map((p: { name: string }) => p.name)).toEqual(['currency', 'base', 'multiplier', 'cooldown_seconds']);
    expect((await call('GET', '/no-such-template')).status).toBe(404);
  });

  it('fills a template into a checked rule and dry-runs it over the given events, saving nothing', async () => {
    const res = await call('POST', '/daily-first-message/instantiate', {
      values: { bonus: 30 },
      dry_run: [message('2026-11-21T09:00:00Z'), message('2026-11-21T15:00:00Z'), message('2026-11-22T08:00:00Z'), message('2026-11-22T08:00:00Z', BOB)],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rule).toMatchObject({ key: 'daily_first_message', limits: [{ kind: 'cap', currency: 'xp', max: 30, period: 'day' }], effects: [{ type: 'credit', currency: 'xp', amount: 30 }] });
    expect(res.body.dry_run.steps.map((s: { fired: boolean }) => s.fired)).toEqual([true, false, true, true]);
    expect(res.body.dry_run.steps[1].reason).toContain('cap');
    expect(res.body.dry_run.balances[ALICE]).toEqual({ xp: 60, coins: 0 });
    expect(res.body.dry_run.balances[BOB]).toEqual({ xp: 30, coins: 0 });
    expect(res.body.saved).toBeUndefined();
    expect(await guildGet('/rules')).toEqual([]);
  });

  it("runs the template's own example with the channel chosen here, and says the outcome by member", async () => {
    const HELP_HERE = '3333333333333333333';
    const res = await call('POST', '/help-channel-answer/instantiate', { values: { currency: 'xp', help_channel: HELP_HERE }, example: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rule.trigger.channels).toEqual([HELP_HERE]);
    // The example's help channel became the one chosen: the run is the example's, as the template states it.
    expect(res.body.example).toMatchObject({ fired: [true, false, false, false], balances: { alice: { xp: 10 } }, outcome: expect.stringContaining('pays 10') });
    expect(res.body.saved).toBeUndefined();
  });

  it('saves the filled rule as a new rule through the rule save path (versioned, audit-logged, in force)', async () => {
    const res = await call('POST', '/weekend-multiplier/instantiate', { values: { base: 4, multiplier: 3 }, key: 'weekend', name: 'Weekend triple', save: true });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.saved).toMatchObject({ key: 'weekend', version: 1 });
    expect(await guildGet('/rules/weekend')).toMatchObject({ key: 'weekend', version: 1, document: { name: 'Weekend triple' } });
    const [entry] = await guildGet('/audit-log?entity=rule&key=weekend');
    expect(entry).toMatchObject({ action: 'rule.create', actor: 'operator' });
    // In force: a Saturday message is paid 4 × 3 by the live configuration's dry run.
    const dry = await json(await api.request(`/api/guilds/${GUILD}/dry-run`, { method: 'POST', json: { event: message('2026-11-21T10:00:00Z') } }));
    expect(dry.balances[ALICE].xp).toEqual({ before: 0, after: 12 });
    // The same key again: refused, and the rule is unchanged.
    const again = await call('POST', '/weekend-multiplier/instantiate', { values: { base: 9 }, key: 'weekend', save: true });
    expect(again.status).toBe(409);
    expect(await guildGet('/rules/weekend')).toMatchObject({ version: 1, document: { effects: [{ amount: { if: [expect.anything(), { '*': [4, 3] }, 4] } }] } });
  });

  it('saves any rule as a guild template, edits it with a second PUT, fills it, and deletes it', async () => {
    const created = await call('PUT', '/channel-bonus', channelBonus(5));
    expect(created).toMatchObject({ status: 200, body: { key: 'channel-bonus', source: 'guild', version: 1 } });
    const edited = await call('PUT', '/channel-bonus', { ...channelBonus(7), description: 'Messages in one channel pay 7.' });
    expect(edited).toMatchObject({ status: 200, body: { version: 2, description: 'Messages in one channel pay 7.' } });
    expect((await call('PUT', '/channel-bonus', { ...channelBonus(7), description: 'Messages in one channel pay 7.' })).body.version).toBe(2);
    expect((await call('GET', '/channel-bonus')).body).toMatchObject({ version: 2, placeholders: [{ name: 'channel_id' }, { name: 'bonus', default: 7 }] });
    const log = await guildGet('/audit-log');
    expect(log.filter((e: { entityType: string }) => e.entityType === 'rule_template').map((e: { action: string }) => e.action)).toEqual(['rule_template.update', 'rule_template.create']);

    const filled = await call('POST', '/channel-bonus/instantiate', { values: { channel_id: '2222222222222222222' }, dry_run: [message('2026-11-21T10:00:00Z')] });
    expect(filled.status, JSON.stringify(filled.body)).toBe(200);
    expect(filled.body.rule).toMatchObject({ trigger: { channels: ['2222222222222222222'] }, effects: [{ amount: 7 }] });
    // The sample message is in another channel: the trigger does not match.
    expect(filled.body.dry_run.steps[0]).toMatchObject({ fired: false, reason: expect.stringContaining('trigger') });

    // The configuration history keeps each version; restoring v1 is a new, audit-logged version.
    const history = await guildGet('/history/rule_template/channel-bonus');
    expect(history.versions.map((v: { version: number; action: string }) => [v.version, v.action])).toEqual([[2, 'update'], [1, 'create']]);
    const restored = await json(await api.request(`/api/guilds/${GUILD}/history/rule_template/channel-bonus/restore`, { method: 'POST', json: { version: 1 } }));
    expect(restored).toMatchObject({ version: 3, restoredFrom: 1, changed: true, document: { description: 'Messages in the chosen channel pay a bonus.' } });
    expect((await call('GET', '/channel-bonus')).body).toMatchObject({ version: 3, placeholders: [{}, { default: 5 }] });
    expect((await guildGet('/audit-log?entity=rule_template')).map((e: { action: string }) => e.action)).toEqual(['rule_template.restore', 'rule_template.update', 'rule_template.create']);

    expect(await call('DELETE', '/channel-bonus')).toMatchObject({ status: 200, body: { deleted: 'channel-bonus' } });
    expect((await call('GET', '/channel-bonus')).status).toBe(404);
    expect((await call('DELETE', '/channel-bonus')).status).toBe(404);
  });
});

describe('rule templates: errors', () => {
  it('refuses bad placeholder values with each field path, and saves nothing even when asked to', async () => {
    const res = await call('POST', '/reaction-received-capped/instantiate', { values: { per_reaction: -5, daily_cap: 2.5, currency: 'Not A Key', colour: 'red' }, save: true });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    const paths = res.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['values.colour', 'values.currency', 'values.daily_cap', 'values.per_reaction']);
    expect(await guildGet('/rules')).toEqual([]);
    expect(await guildGet('/audit-log')).toEqual([]);
  });

  it('names a missing placeholder, a currency the guild lacks, and a bad dry-run event by path', async () => {
    const missing = await call('POST', '/help-channel-answer/instantiate', { values: {} });
    expect(missing.status).toBe(422);
    expect(missing.body.error.details).toEqual([{ path: 'values.help_channel', message: 'is required' }]);
    const unknown = await call('POST', '/daily-first-message/instantiate', { values: { currency: 'gems' }, save: true });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details.map((d: { path: string }) => d.path)).toContain('rule.effects[0].currency');
    const badEvent = await call('POST', '/daily-first-message/instantiate', { dry_run: [{ ...message('2026-11-21T10:00:00Z'), guild_id: OTHER_GUILD }, { type: 'message_create' }] });
    expect(badEvent.status).toBe(422);
    const paths = badEvent.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toContain('dry_run[0].guild_id');
    expect(paths).toContain('dry_run[1].source_id');
    expect(await guildGet('/rules')).toEqual([]);
  });

  it('refuses a guild template that uses an undeclared placeholder, lacks an example, or takes a gallery key', async () => {
    const undeclared = await call('PUT', '/broken', { ...channelBonus(5), rule: { ...channelBonus(5).rule, effects: [{ type: 'credit', currency: 'xp', amount: '{{amount}}' }] } });
    expect(undeclared.status).toBe(422);
    expect(undeclared.body.error.details.map((d: { message: string }) => d.message).join(' ')).toContain('{{amount}}');
    const noExample = await call('PUT', '/broken', { ...channelBonus(5), placeholders: [{ name: 'channel_id', kind: 'channel', label: 'Channel' }, channelBonus(5).placeholders[1]] });
    expect(noExample.status).toBe(422);
    expect(noExample.body.error.details[0].path).toBe('placeholders[0]');
    expect((await call('PUT', '/weekend-multiplier', channelBonus(5))).status).toBe(409);
    expect((await call('PUT', '/broken', { ...channelBonus(5), key: 'other' })).status).toBe(422);
    expect((await call('GET', '')).body.some((t: { source: string }) => t.source === 'guild')).toBe(false);
  });
});

describe('rule templates: security', () => {
  it('needs credentials', async () => {
    const res = await api.request(`/api/guilds/${GUILD}/rule-templates`, { token: null });
    expect(res.status).toBe(401);
  });

  it("keeps a guild's templates from another guild's admin", async () => {
    await call('PUT', '/channel-bonus', channelBonus(5));
    const token = (await json(await api.request('/api/tokens', { method: 'POST', json: { name: 'other admin', guildIds: [OTHER_GUILD] } }))).token;
    expect((await call('GET', '', undefined, GUILD, token)).status).toBe(403);
    expect((await call('GET', '/channel-bonus', undefined, GUILD, token)).status).toBe(403);
    expect((await call('PUT', '/channel-bonus', channelBonus(9), GUILD, token)).status).toBe(403);
    expect((await call('DELETE', '/channel-bonus', undefined, GUILD, token)).status).toBe(403);
    expect((await call('POST', '/channel-bonus/instantiate', { values: { channel_id: '1' }, save: true }, GUILD, token)).status).toBe(403);
    // In its own guild, this guild's template does not exist.
    const own = await call('GET', '', undefined, OTHER_GUILD, token);
    expect(own.status).toBe(200);
    expect(own.body.some((t: { key: string }) => t.key === 'channel-bonus')).toBe(false);
    expect((await call('GET', '/channel-bonus', undefined, OTHER_GUILD, token)).status).toBe(404);
    expect((await call('DELETE', '/channel-bonus', undefined, OTHER_GUILD, token)).status).toBe(404);
    expect((await call('GET', '/channel-bonus')).body).toMatchObject({ version: 1, placeholders: [{}, { default: 5 }] });
  });
});

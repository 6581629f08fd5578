// Suggestions from statistics on a generated guild history: each one carries its backtest, applies
// as a milestone or a rule version (audit-logged), rolls back, and the API refuses what it should.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/app/clock.ts';
import { auditLog, rules, suggestions } from '../../src/db/schema.ts';
import { MilestoneSchema } from '../../src/milestones/schema.ts';
import { RuleSchema } from '../../src/rules/schema.ts';
import { createTestApp, json, TEST_NOW } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';
import { generateHistory, type History } from './generator.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
let history: History;
let generated: any;
const S = `/api/guilds/${GUILD}/suggestions`;
const byKind = (kind: string) => generated.suggestions.filter((s: any) => s.kind === kind);

beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database, {}, { clock: fixedClock(TEST_NOW) });
  history = await generateHistory(database, api.services.pipeline, GUILD, TEST_NOW);
  const res = await api.request(S, { method: 'POST', json: { percentile: 0.9 } });
  generated = await json(res);
  expect(res.status, JSON.stringify(generated)).toBe(200);
}, 240_000);
afterAll(async () => {
  await api.services.close();
});

describe('suggestions from statistics', () => {
  it('computed again without replays, leaves the open rule suggestions and their backtests as they were', async () => {
    const ruleSuggestions = (list: any[]) => list.filter((s: any) => s.backtest.kind === 'rule').map((s: any) => ({ id: s.id, kind: s.kind, backtest: s.backtest }));
    const before = ruleSuggestions(generated.suggestions);
    expect(before.map((s) => s.kind).sort()).toEqual(['cap', 'reward_activity']);
    const again = await json(await api.request(S, { method: 'POST', json: { max_replays: 0 } }));
    expect(ruleSuggestions(again.suggestions)).toEqual(before);
  });

  it('places a messages milestone at the 90th percentile, met by 10% (±1) of the active members in its backtest', () => {
    const [threshold] = byKind('milestone_threshold').filter((s: any) => s.proposal.milestone.requirement.events[0] === 'message_create');
    expect(threshold).toBeDefined();
    expect(MilestoneSchema.safeParse(threshold.proposal.milestone).success).toBe(true);
    const bt = threshold.backtest;
    expect(bt).toMatchObject({ kind: 'milestone', days: 30, active_members: history.members.length, metric: 'messages sent' });
    expect(Math.abs(bt.reached - history.members.length * 0.1)).toBeLessThanOrEqual(1);
    // Who: exactly the members whose window count meets the threshold.
    const expected = [...history.messages].filter(([, n]) => n >= bt.threshold).map(([m]) => m).sort();
    expect(bt.members.map((m: any) => m.user_id).sort()).toEqual(expected);
    expect(bt.reached).toBe(expected.length);
    expect(threshold.proposal.milestone.requirement).toEqual({ type: 'event_count', events: ['message_create'], side: 'actor', min: bt.threshold, measure: 'count' });
    expect(threshold.explanation).toContain('90th percentile');
  });

  it('suggests paying the threads no rule pays for, with a daily cap, backtested through the pipeline', () => {
    const [reward] = byKind('reward_activity');
    expect(reward.proposal.rule.trigger.events).toEqual(['thread_create']);
    expect(RuleSchema.safeParse(reward.proposal.rule).success).toBe(true);
    expect(reward.proposal.rule.limits).toContainEqual(expect.objectContaining({ kind: 'cap', period: 'day' }));
    const bt = reward.backtest;
    expect(bt.kind).toBe('rule');
    expect(bt.events).toBeGreaterThan(0);
    const currency = reward.proposal.currency;
    expect(bt.currencies[currency].difference).toBeGreaterThan(0);
    expect(bt.members_changed).toBe(history.threadStarters.length);
    expect(bt.currencies[currency].after.total).toBeGreaterThan(bt.currencies[currency].before.total);
  });

  it('caps the XP rule where the top 5% earn most of it, and the backtest shows the top 10% share falling', () => {
    const [cap] = byKind('cap');
    expect(cap.proposal.rule.key).toBe('msg-xp');
    expect(cap.proposal.rule.limits).toContainEqual(expect.objectContaining({ kind: 'cap', currency: 'xp', period: 'day' }));
    const xp = cap.backtest.currencies.xp;
    expect(xp.difference).toBeLessThan(0);
    expect(xp.after.top10_share).toBeLessThan(xp.before.top10_share);
    expect(xp.before.members).toBe(history.members.length);
    const heavy = cap.backtest.members.filter((m: any) => history.heavy.includes(m.user_id));
    expect(heavy).toHaveLength(history.heavy.length);
    for (const m of heavy) expect(m.candidate).toBeLessThan(m.live);
  });

  it('says in plain words that nobody spends coins, and marks it not applicable', async () => {
    const [unspent] = byKind('unspent_currency');
    expect(unspent).toMatchObject({ applicable: false, proposal: { currency: 'coins' }, backtest: { kind: 'currency', currency: 'coins', spent: 0 } });
    expect(unspent.explanation).toMatch(/nobody spent any/);
    const res = await api.request(`${S}/${unspent.id}/apply`, { method: 'POST' });
    expect(res.status).toBe(409);
  });

  it('applies a threshold as a milestone (audit-logged), refuses a second apply, and rollback removes the milestone', async () => {
    const [threshold] = byKind('milestone_threshold');
    const key = threshold.proposal.milestone.key;
    const applied = await api.request(`${S}/${threshold.id}/apply`, { method: 'POST' });
    const body = await json(applied);
    expect(applied.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ status: 'applied', applied: { entity: 'milestone', key, created: true } });
    expect((await api.request(`/api/guilds/${GUILD}/milestones/${key}`)).status).toBe(200);
    const [created] = await database.db.select().from(auditLog).where(and(eq(auditLog.guildId, GUILD), eq(auditLog.entityKey, key), eq(auditLog.action, 'milestone.create')));
    expect(created!.actor).toContain(`suggestion #${threshold.id}`);
    expect(body.applied.audit_id).toBe(created!.id);

    expect((await api.request(`${S}/${threshold.id}/apply`, { method: 'POST' })).status).toBe(409);
    expect((await api.request(`${S}/${threshold.id}/dismiss`, { method: 'POST' })).status).toBe(409);

    const rolled = await api.request(`${S}/${threshold.id}/rollback`, { method: 'POST' });
    expect(rolled.status).toBe(200);
    expect(await json(rolled)).toMatchObject({ status: 'rolled_back', applied: { rolled_back: { action: 'deleted' } } });
    expect((await api.request(`/api/guilds/${GUILD}/milestones/${key}`)).status).toBe(404);
    // The milestone's history keeps it (create, then delete), so it can be restored from there.
    const versions = await json(await api.request(`/api/guilds/${GUILD}/history/milestone/${key}`));
    expect(versions.versions.map((v: any) => v.action)).toEqual(['delete', 'create']);
    expect((await api.request(`${S}/${threshold.id}/rollback`, { method: 'POST' })).status).toBe(409);
  });

  it('applies a cap as the rule’s next version, and the audit log’s rollback returns the rule to its previous version', async () => {
    const [cap] = byKind('cap');
    const [before] = await database.db.select().from(rules).where(and(eq(rules.guildId, GUILD), eq(rules.key, 'msg-xp')));
    const applied = await json(await api.request(`${S}/${cap.id}/apply`, { method: 'POST' }));
    expect(applied).toMatchObject({ status: 'applied', applied: { entity: 'rule', key: 'msg-xp', created: false, version: before!.version + 1, previous_version: before!.version } });
    const [after] = await database.db.select().from(rules).where(and(eq(rules.guildId, GUILD), eq(rules.key, 'msg-xp')));
    expect(after!.document.limits).toContainEqual(expect.objectContaining({ kind: 'cap', currency: 'xp' }));
    const rollback = await api.request(`/api/guilds/${GUILD}/audit-log/${applied.applied.audit_id}/rollback`, { method: 'POST' });
    expect(rollback.status).toBe(200);
    const [restored] = await database.db.select().from(rules).where(and(eq(rules.guildId, GUILD), eq(rules.key, 'msg-xp')));
    expect(restored!.document).toEqual(before!.document);
    expect(restored!.version).toBe(before!.version + 2);
  });

  it('applies a new reward rule and the suggestion’s rollback deletes it', async () => {
    const [reward] = byKind('reward_activity');
    const applied = await json(await api.request(`${S}/${reward.id}/apply`, { method: 'POST' }));
    expect(applied.applied).toMatchObject({ entity: 'rule', key: reward.proposal.rule.key, created: true, version: 1, previous_version: null });
    expect((await api.request(`/api/guilds/${GUILD}/rules/${reward.proposal.rule.key}`)).status).toBe(200);
    expect((await api.request(`${S}/${reward.id}/rollback`, { method: 'POST' })).status).toBe(200);
    expect((await api.request(`/api/guilds/${GUILD}/rules/${reward.proposal.rule.key}`)).status).toBe(404);
  });

  it('keeps a dismissed suggestion dismissed when the suggestions are computed again', async () => {
    const open = await json(await api.request(`${S}?status=open`));
    const target = open.find((s: any) => s.kind === 'milestone_threshold');
    const dismissed = await api.request(`${S}/${target.id}/dismiss`, { method: 'POST' });
    expect(dismissed.status).toBe(200);
    expect((await json(dismissed)).status).toBe('dismissed');
    expect((await api.request(`${S}/${target.id}/apply`, { method: 'POST' })).status).toBe(409);
    expect((await api.request(`${S}/${target.id}/dismiss`, { method: 'POST' })).status).toBe(409);

    const again = await json(await api.request(S, { method: 'POST', json: { max_replays: 0 } }));
    expect(again.kept).toBeGreaterThanOrEqual(1);
    expect(again.suggestions.map((s: any) => s.id)).not.toContain(target.id);
    const rows = await database.db.select().from(suggestions).where(eq(suggestions.guildId, GUILD));
    expect(rows.filter((r) => r.fingerprint === rows.find((x) => x.id === target.id)!.fingerprint)).toHaveLength(1);
    expect((await json(await api.request(`${S}?status=dismissed`))).map((s: any) => s.id)).toEqual([target.id]);
  });
});

describe('the suggestions API refuses', () => {
  it('another guild’s suggestion and unknown ids with 404', async () => {
    await seedGuild(database, { guildId: OTHER_GUILD, currencies: [{ key: 'xp' }] });
    const [theirs] = await database.db
      .insert(suggestions)
      .values({ guildId: OTHER_GUILD, kind: 'unspent_currency', source: 'statistics', fingerprint: 'x', title: 't', explanation: 'e', applicable: false, proposal: {}, backtest: {} })
      .returning();
    for (const action of ['apply', 'dismiss', 'rollback']) {
      const res = await api.request(`${S}/${theirs!.id}/${action}`, { method: 'POST' });
      expect(res.status).toBe(404);
    }
    expect((await api.request(`${S}/999999/apply`, { method: 'POST' })).status).toBe(404);
    expect((await api.request(`${S}/abc/apply`, { method: 'POST' })).status).toBe(404);
    expect((await api.request(`${S}/99999999999999999999/dismiss`, { method: 'POST' })).status).toBe(404);
    const [still] = await database.db.select().from(suggestions).where(eq(suggestions.id, theirs!.id));
    expect(still!.status).toBe('open');
  });

  it('hostile bodies and queries with 422 and field paths', async () => {
    const cases: [unknown, string][] = [
      [{ percentile: 5 }, 'percentile'],
      [{ percentile: -0.1 }, 'percentile'],
      [{ percentile: 'NaN' }, 'percentile'],
      [{ percentile: 1e308 }, 'percentile'],
      [{ days: 1e308 }, 'days'],
      [{ days: 'Infinity' }, 'days'],
      [{ days: 30.5 }, 'days'],
      [{ source: 'oracle' }, 'source'],
      [{ extra: 1 }, '(root)'],
      [{ max_replays: 4 }, 'max_replays'],
      [{ max_replays: -1 }, 'max_replays'],
    ];
    for (const [body, path] of cases) {
      const res = await api.request(S, { method: 'POST', json: body });
      const out = await json(res);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(out.error.details.map((d: any) => d.path), JSON.stringify(body)).toContain(path);
    }
    const notJson = await api.request(S, { method: 'POST', body: '{"percentile": NaN}', headers: { 'Content-Type': 'application/json' } });
    expect(notJson.status).toBe(400);
    const query = await api.request(`${S}?status=everything`);
    expect(query.status).toBe(422);
    expect((await json(query)).error.details[0].path).toBe('status');
  });

  it('asking for AI suggestions without a key with 503, storing nothing', async () => {
    const before = await database.db.select().from(suggestions);
    const res = await api.request(S, { method: 'POST', json: { source: 'ai' } });
    expect(res.status).toBe(503);
    expect((await json(res)).error.details).toEqual({ kind: 'disabled' });
    expect(await database.db.select().from(suggestions)).toHaveLength(before.length);
  });
});

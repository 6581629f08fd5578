// Issue 13 §3: a rule that fails at run time is skipped for that event with a recorded rule error
// (the event and the other rules' effects commit), the error is visible on the rule, the health
// page, /metrics, /healthz and the dry run, and a rule that keeps failing is quarantined.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, ruleErrors, rules } from '../../src/db/schema.ts';
import { QUARANTINE_AFTER } from '../../src/rules/rule-errors.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, GUILD, messageEvent, OTHER_GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  // A process of its own per test: what failed in one test is not current in the next.
  api = await createTestApp(database);
  await seedGuild(database, { currencies: [{ key: 'gold' }, { key: 'xp' }] });
  await seedGuild(database, { guildId: OTHER_GUILD, currencies: [{ key: 'gold' }] });
});

const G = `/api/guilds/${GUILD}`;
const put = (key: string, doc: Record<string, unknown>, guild = GUILD) =>
  api.request(`/api/guilds/${guild}/rules/${key}`, { method: 'PUT', json: { key, name: key, trigger: { events: ['message_create'] }, ...doc } });
/** Saves fine on its sample event (length 240), fails on a long message: 5000 × 10^9 is beyond what one posting may move. */
const perChar = () => put('per-char', { effects: [{ type: 'credit', currency: 'xp', amount: { '*': [{ var: 'event.data.length' }, 1e9] } }] });
const long = (overrides = {}) => messageEvent({ data: { length: 5000 }, ...overrides });
const balance = async (currency: string, guild = GUILD) => {
  const member = await json(await api.request(`/api/guilds/${guild}/members/${ALICE}`));
  return member.currencies.find((c: { key: string }) => c.key === currency)?.balance ?? 0;
};

describe('a rule failing at run time stays with itself', () => {
  it('is skipped for that event with a recorded error; the event and the other rules commit, and the caller gets 200', async () => {
    expect((await perChar()).status).toBe(200);
    expect((await put('fine', { effects: [{ type: 'credit', currency: 'gold', amount: 3 }] })).status).toBe(200);
    const event = long();
    const res = await api.request(`${G}/events`, { method: 'POST', json: event });
    expect(res.status).toBe(200);
    expect((await json(res)).accepted).toBe(1);
    expect(await balance('gold')).toBe(3);
    expect(await balance('xp')).toBe(0);
    const recorded = await database.db.select().from(ruleErrors);
    expect(recorded).toEqual([expect.objectContaining({ guildId: GUILD, sourceId: event.source_id, ruleVersion: 1, message: expect.stringContaining('more than 1,000,000,000,000') })]);
    expect(recorded[0]!.lakeEventId).toEqual(expect.any(Number));
  });

  it('is shown on the health page, its own error list, /metrics and /healthz (without naming the guild), and in the dry run', async () => {
    await perChar();
    await api.request(`${G}/events`, { method: 'POST', json: [long(), long()] });
    const page = await json(await api.request(`${G}/health`));
    expect(page.status).toBe('failing');
    expect(page.rules).toEqual([
      expect.objectContaining({ key: 'per-char', enabled: true, errors24h: 2, quarantined: null, lastError: expect.objectContaining({ message: expect.stringContaining('1,000,000,000,000'), version: 1 }) }),
    ]);
    expect(page.reasons[0]).toContain('rule "per-char" failed 2 time(s)');
    const list = await json(await api.request(`${G}/health/rules/per-char/errors`));
    expect(list).toHaveLength(2);
    expect((await api.request(`${G}/health/rules/nope/errors`)).status).toBe(404);
    expect(await (await api.app.request('/metrics')).text()).toMatch(/cairn_rule_errors_total 2\b/);
    const healthz = await json(await api.app.request('/healthz'));
    expect(healthz).toMatchObject({ status: 'degraded', failingGuilds: 1, reasons: [expect.stringContaining('1 rule(s) in 1 guild(s) failed at run time')] });
    expect(JSON.stringify(healthz)).not.toContain(GUILD);
    const dry = await json(await api.request(`${G}/dry-run`, { method: 'POST', json: { event: long() } }));
    expect(dry.rules.find((r: { rule: string }) => r.rule === 'per-char')).toMatchObject({ fired: false, error: expect.any(String) });
    // Dry runs are not live evaluations: they record nothing.
    expect(await database.db.select().from(ruleErrors)).toHaveLength(2);
    // Another guild's health page knows nothing of it.
    expect((await json(await api.request(`/api/guilds/${OTHER_GUILD}/health`))).rules).toEqual([]);
  });

  it("one guild's failing rule does not touch another guild's events in the same gateway batch", async () => {
    await perChar();
    await put('pay', { effects: [{ type: 'credit', currency: 'gold', amount: 5 }] }, OTHER_GUILD);
    const result = await api.services.pipeline.ingest([long(), long({ guild_id: OTHER_GUILD }), long()], { origin: 'gateway' });
    expect(result.accepted).toBe(3);
    expect(await balance('gold', OTHER_GUILD)).toBe(5);
  });
});

describe('a rule that keeps failing is quarantined', () => {
  it(`after ${QUARANTINE_AFTER} failures in a row: disabled with a visible reason, audit-logged; events go on; enabling it lifts the quarantine`, async () => {
    await perChar();
    await put('fine', { effects: [{ type: 'credit', currency: 'gold', amount: 1 }] });
    // Failures interrupted by a success do not count in a row.
    await api.request(`${G}/events`, { method: 'POST', json: Array.from({ length: QUARANTINE_AFTER - 1 }, () => long()) });
    await api.request(`${G}/events`, { method: 'POST', json: messageEvent() });
    let [row] = await database.db.select().from(rules).where(eq(rules.key, 'per-char'));
    expect(row!.enabled).toBe(true);
    // Now QUARANTINE_AFTER in a row.
    const res = await api.request(`${G}/events`, { method: 'POST', json: Array.from({ length: QUARANTINE_AFTER }, () => long()) });
    expect(res.status).toBe(200);
    [row] = await database.db.select().from(rules).where(eq(rules.key, 'per-char'));
    expect(row!.enabled).toBe(false);
    const shown = await json(await api.request(`${G}/rules/per-char`));
    expect(shown.quarantine).toEqual({ at: expect.any(String), reason: expect.stringContaining(`failed on ${QUARANTINE_AFTER} events in a row`) });
    expect(shown.document.enabled).toBe(false);
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'rule.quarantine'));
    expect(entry).toMatchObject({ actor: 'cairn (quarantine)', entityKey: 'per-char' });
    expect(await (await api.app.request('/metrics')).text()).toMatch(/cairn_rules_quarantined_total 1\b/);
    expect((await json(await api.request(`${G}/health`))).rules[0]).toMatchObject({ key: 'per-char', enabled: false, quarantined: { reason: expect.any(String) } });
    // The quarantined rule no longer runs; the other rule still pays.
    const errorsBefore = (await database.db.select().from(ruleErrors)).length;
    const goldBefore = await balance('gold');
    await api.request(`${G}/events`, { method: 'POST', json: [long(), long()] });
    expect(await database.db.select().from(ruleErrors)).toHaveLength(errorsBefore);
    expect(await balance('gold')).toBe(goldBefore + 2);
    // An admin enables it again: the quarantine and its reason are lifted.
    const enabled = await json(await api.request(`${G}/rules/per-char`, { method: 'PATCH', json: { enabled: true } }));
    expect(enabled).toMatchObject({ enabled: true, quarantine: null });
  });
});

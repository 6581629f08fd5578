// Issue 15, operations: the health view (guild and operator) carries the database, the gateway, AI
// reachability by a real call (cached for a minute), the outbox backlog and failures by reason, rule
// errors and quarantined rules, scheduled jobs' last runs and lake rows with a storage estimate —
// and /healthz and /metrics carry the same signals. A database that is gone is an answer, not a 500.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/app/clock.ts';
import { JOBS, runJob } from '../../src/app/scheduler.ts';
import { outbox, zones } from '../../src/db/schema.ts';
import { createTestApp, json, TEST_NOW } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, CHANNEL, GUILD, messageEvent, OTHER_GUILD, seedGuild } from '../support/factories.ts';
import { FakeGemini } from '../ai/fake-gemini.ts';

let database: TestDatabase;
let gemini: FakeGemini;
let api: Awaited<ReturnType<typeof createTestApp>>;
const clock = fixedClock(TEST_NOW);
beforeAll(async () => {
  database = await createTestDatabase();
  gemini = await FakeGemini.start();
  api = await createTestApp(database, { GEMINI_API_KEY: 'k', GEMINI_BASE_URL: gemini.url, GEMINI_TIMEOUT_SECONDS: '1' }, { clock });
});
afterAll(async () => {
  await api.services.close();
  await gemini.stop();
});
beforeEach(async () => {
  await resetDatabase(database);
  for (const g of [GUILD, OTHER_GUILD]) {
    await seedGuild(database, { guildId: g });
    await api.services.configs.reload(g);
  }
});

const hour = (h: number) => new Date(Date.UTC(2026, 10, 30, h, 15)).toISOString();
const VOICE = '1111111111111111119';

async function fixture() {
  await database.db.insert(zones).values({ guildId: GUILD, key: 'chat', name: 'Chat', channelIds: [CHANNEL] });
  const events = [
    ...Array.from({ length: 4 }, () => messageEvent({ occurred_at: hour(10) })),
    messageEvent({ occurred_at: hour(11), channel_id: VOICE }),
    { ...messageEvent({ occurred_at: hour(11) }), type: 'thread_create', data: { name: 't', parent_channel_id: CHANNEL } },
  ];
  expect((await json(await api.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: events }))).accepted).toBe(6);
  await api.request(`/api/guilds/${OTHER_GUILD}/events`, { method: 'POST', json: [messageEvent({ guild_id: OTHER_GUILD, occurred_at: hour(10) })] });
  await database.db.insert(outbox).values([
    { guildId: GUILD, kind: 'message', payload: { channel_id: CHANNEL, content: 'a' } },
    { guildId: GUILD, kind: 'message', payload: { channel_id: CHANNEL, content: 'b' } },
    { guildId: GUILD, kind: 'dm', payload: { user_id: ALICE }, status: 'failed', lastError: 'the member does not accept DMs' },
    { guildId: GUILD, kind: 'dm', payload: { user_id: ALICE }, status: 'failed', lastError: 'the member does not accept DMs' },
    { guildId: GUILD, kind: 'role_add', payload: { user_id: ALICE }, status: 'failed', lastError: 'missing permissions' },
    { guildId: OTHER_GUILD, kind: 'message', payload: { channel_id: CHANNEL, content: 'c' } },
  ]);
  const job = { name: 'counter-reconcile', pattern: '* * * * *', run: async () => undefined };
  await runJob(api.services, job);
  clock.advance(90_000);
  await expect(runJob(api.services, { name: 'ai-digest', pattern: '* * * * *', run: async () => { throw new Error('Gemini said no'); } })).rejects.toThrow('Gemini said no');
  clock.advance(30_000);
}

describe('the health view', () => {
  it("answers a guild's admins with its outbox, jobs, lake rows and bytes, growth, and events per hour by type and zone", async () => {
    await fixture();
    const res = await api.request(`/api/guilds/${GUILD}/ops`);
    expect(res.status).toBe(200);
    const page = await json(res);
    expect(page).toMatchObject({
      guildId: GUILD,
      status: 'degraded',
      database: { kind: database.kind, reachable: true, latencyMs: expect.any(Number) },
      discord: { state: 'disabled', pingMs: null, shards: [] },
      ai: { state: 'reachable', model: 'gemini-2.5-flash' },
      outbox: { backlog: 2, paused: 0, failed: 3, failuresByReason: [{ reason: 'the member does not accept DMs', count: 2 }, { reason: 'missing permissions', count: 1 }] },
    });
    expect(page.outbox.oldestPendingSeconds).toEqual(expect.any(Number));
    expect(page.jobs).toEqual([
      expect.objectContaining({ name: 'ai-digest', lastOutcome: 'failed', lastError: 'Gemini said no', lastRunAgeSeconds: 30, runs: 1, failures: 1 }),
      expect.objectContaining({ name: 'counter-reconcile', lastOutcome: 'ok', lastRunAgeSeconds: 120, runs: 1, failures: 0, lastDurationMs: expect.any(Number) }),
    ]);
    expect(page.lake.rows).toBe(6);
    expect(page.lake.guilds).toEqual([expect.objectContaining({ guildId: GUILD, rows: 6, perDay: [{ day: '2026-11-30', events: 6 }], growthPerDay: 1 })]);
    expect(page.lake.guilds[0].bytes).toBeGreaterThan(0);
    expect(page.lake.bytes).toBe(page.lake.guilds[0].bytes);
    expect(page.hourly.byType).toEqual([
      { hour: '2026-11-30T10:00:00.000Z', type: 'message_create', events: 4 },
      { hour: '2026-11-30T11:00:00.000Z', type: 'message_create', events: 1 },
      { hour: '2026-11-30T11:00:00.000Z', type: 'thread_create', events: 1 },
    ]);
    expect(page.hourly.byZone).toEqual([
      { hour: '2026-11-30T10:00:00.000Z', zone: 'chat', events: 4 },
      { hour: '2026-11-30T11:00:00.000Z', zone: '(no zone)', events: 1 },
      { hour: '2026-11-30T11:00:00.000Z', zone: 'chat', events: 1 },
    ]);
    expect(page.reasons).toEqual(expect.arrayContaining([expect.stringContaining('3 Discord action(s) failed'), expect.stringContaining('ai-digest failed')]));
    // Nothing of the other guild.
    expect(JSON.stringify(page)).not.toContain(OTHER_GUILD);
  });

  it('answers the operator with every guild, and the lake total with its share per guild', async () => {
    await fixture();
    const page = await json(await api.request('/api/ops/health'));
    expect(page.outbox).toMatchObject({ backlog: 3, failed: 3 });
    expect(page.lake.rows).toBe(7);
    expect(page.lake.guilds.map((g: { guildId: string; rows: number }) => [g.guildId, g.rows])).toEqual([[GUILD, 6], [OTHER_GUILD, 1]]);
    const [ours, theirs] = page.lake.guilds;
    expect(Math.abs(ours.bytes - 6 * theirs.bytes)).toBeLessThanOrEqual(6);
    expect(page.lake.bytes).toBeGreaterThan(0);
  });

  it('/healthz and /metrics carry the same signals, without guild ids', async () => {
    await fixture();
    const healthz = await json(await api.app.request('/healthz'));
    expect(healthz.ops).toMatchObject({ outboxBacklog: 3, outboxFailed: 3, lakeRows: 7, pausedGuilds: 0, jobs: [{ name: 'ai-digest', lastRunAgeSeconds: 30, lastOutcome: 'failed' }, { name: 'counter-reconcile', lastRunAgeSeconds: 120, lastOutcome: 'ok' }] });
    expect(JSON.stringify(healthz)).not.toContain(GUILD);
    const metrics = await (await api.app.request('/metrics')).text();
    expect(metrics).toMatch(/^cairn_outbox_backlog 3$/m);
    expect(metrics).toMatch(/^cairn_outbox_failed 3$/m);
    expect(metrics).toMatch(/^cairn_lake_rows 7$/m);
    expect(metrics).toMatch(/^cairn_job_last_run_age_seconds\{job="counter-reconcile"\} 120$/m);
    expect(metrics).toMatch(/^cairn_job_last_run_failed\{job="ai-digest"\} 1$/m);
    expect(metrics).toMatch(/^cairn_rule_errors_24h 0$/m);
  });

  it('the scheduled jobs are the ones recorded (every JOBS entry has a name the table takes)', () => {
    for (const job of JOBS) expect(job.name.length).toBeLessThanOrEqual(48);
    expect(JOBS.map((j) => j.name)).toContain('ops');
  });
});

describe('the AI probe', () => {
  it('makes one real cheap call per minute and says reachable, then unreachable when Gemini fails', async () => {
    const probe = api.services.ops.aiProbe;
    clock.advance(120_000);
    const before = gemini.requests.length;
    expect(await probe.check()).toMatchObject({ state: 'reachable', latencyMs: expect.any(Number) });
    expect(await probe.check()).toMatchObject({ state: 'reachable' });
    expect(gemini.requests.length).toBe(before + 1);
    expect(gemini.requests.at(-1)!.body.generationConfig?.maxOutputTokens).toBe(16);
    gemini.handler = () => ({ status: 503, message: 'overloaded' });
    // Within the minute, the cached answer stands (the page does not spend).
    expect((await probe.check()).state).toBe('reachable');
    clock.advance(61_000);
    const down = await probe.check();
    expect(down).toMatchObject({ state: 'unreachable', error: expect.any(String) });
    expect(gemini.requests.length).toBe(before + 2);
    const page = await json(await api.request(`/api/guilds/${GUILD}/ops`));
    expect(page.ai.state).toBe('unreachable');
    expect(page.reasons).toEqual(expect.arrayContaining([expect.stringContaining('AI (Gemini) is unreachable')]));
    gemini.handler = () => ({ json: { ok: true } });
  });

  it('says disabled without a key, and calls nothing', async () => {
    const other = await createTestDatabase();
    const off = await createTestApp(other);
    try {
      const before = gemini.requests.length;
      expect(await off.services.ops.aiProbe.check()).toMatchObject({ state: 'disabled' });
      expect(gemini.requests.length).toBe(before);
    } finally {
      await off.services.close();
    }
  });
});

describe('with the database gone', () => {
  it('the health page answers (no 500) and says the database is down', async () => {
    const other = await createTestDatabase();
    const app = await createTestApp(other, {}, { clock: fixedClock(TEST_NOW) });
    await seedGuild(other, { guildId: GUILD });
    await other.close();
    const res = await app.request(`/api/guilds/${GUILD}/ops`);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await json(res)).toMatchObject({ status: 'down', database: { reachable: false, error: expect.any(String) }, outbox: null, lake: null, jobs: null });
    const operator = await json(await app.request('/api/ops/health'));
    expect(operator).toMatchObject({ status: 'down', reasons: [expect.stringContaining('the database does not answer')] });
  });
});

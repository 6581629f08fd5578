// CAIRN_ROLES (issue 17): which parts a process runs. Parsing, a refused value at startup, and real
// processes with one role each (each on its own data: PGlite is one process's database): `api` holds
// no gateway and runs no jobs, `jobs` serves no API but /healthz and /metrics and runs the jobs,
// `bot` connects to Discord and serves no API. Several roles on one Postgres: test/cluster/.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROLES } from '../../src/app/roles.ts';
import { ConfigError, parseEnv } from '../../src/config/env.ts';
import { openDatabase, queryRows } from '../../src/db/client.ts';
import { bootCairn, FAULT_ADMIN_TOKEN, prepareDatabase, stopCairn, type CairnProcess } from '../faults/support/cairn-process.ts';
import { FakeDiscord } from '../support/fake-discord.ts';
import { startProcess } from '../support/process.ts';

describe('CAIRN_ROLES', () => {
  it.each([
    [undefined, ['bot', 'api', 'jobs']],
    ['api', ['api']],
    [' jobs , BOT ', ['bot', 'jobs']],
    ['api,api,bot', ['bot', 'api']],
    ['bot,api,jobs', ['bot', 'api', 'jobs']],
  ])('reads %j as %j', (value, roles) => {
    expect(parseEnv(value === undefined ? {} : { CAIRN_ROLES: value }).CAIRN_ROLES).toEqual(roles);
  });

  it.each([
    ['worker', /CAIRN_ROLES names unknown role "worker" \(roles: bot, api, jobs\)/],
    ['api,web,cron', /CAIRN_ROLES names unknown roles "web", "cron"/],
    ['', /CAIRN_ROLES must name at least one role of bot, api, jobs/],
    [' , ', /CAIRN_ROLES must name at least one role/],
  ])('refuses %j with a message naming the variable', (value, message) => {
    expect(() => parseEnv({ CAIRN_ROLES: value })).toThrow(ConfigError);
    expect(() => parseEnv({ CAIRN_ROLES: value })).toThrow(message);
  });

  it('exits 1 at startup on an unknown role, saying which', async () => {
    const proc = startProcess(['bin/start.js'], { DATA_DIR: join(tmpdir(), 'cairn-roles-never'), PORT: '0', CAIRN_ROLES: 'api,scheduler' });
    expect(await proc.exited).toBe(1);
    expect(proc.stderr()).toMatch(/CAIRN_ROLES names unknown role "scheduler"/);
    expect(proc.stderr()).not.toMatch(/\n\s+at /);
    expect(ROLES).toEqual(['bot', 'api', 'jobs']);
  });
});

describe(`one role per process (${inject('dbKind')})`, () => {
  const dirs: string[] = [];
  const running: CairnProcess[] = [];
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await FakeDiscord.start({ guilds: [] });
  });
  afterEach(async () => {
    for (const p of running.splice(0)) await stopCairn(p);
  });
  afterAll(async () => {
    await fake.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  async function boot(roles: string) {
    const dataDir = await mkdtemp(join(tmpdir(), `cairn-role-${roles}-`));
    dirs.push(dataDir);
    const databaseUrl = await prepareDatabase(dataDir);
    const cairn = await bootCairn({ dataDir, databaseUrl, env: { CAIRN_ROLES: roles, DISCORD_TOKEN: 'fake-token', DISCORD_API_URL: fake.apiUrl } });
    running.push(cairn);
    return { cairn, dataDir, databaseUrl };
  }
  const get = (cairn: CairnProcess, path: string) => fetch(`${cairn.url}${path}`, { headers: { Authorization: `Bearer ${FAULT_ADMIN_TOKEN}` } });
  /** Until a run of ticket-summaries (every 15 s) has come and gone. */
  const pastNextQuarterMinute = () => new Promise((r) => setTimeout(r, 15_000 - (Date.now() % 15_000) + 2_500));

  it('api: serves the API and panel, never connects to Discord and runs no scheduled job; jobs: serves only /healthz and /metrics and runs the jobs, naming its process', async () => {
    const api = await boot('api');
    const jobs = await boot('jobs');
    // api
    expect(await (await get(api.cairn, '/healthz')).json()).toMatchObject({ status: 'ok', roles: ['api'], discord: 'disabled' });
    expect((await get(api.cairn, '/api/guilds')).status).toBe(200);
    // jobs
    const health = await get(jobs.cairn, '/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', roles: ['jobs'], discord: 'disabled' });
    const metrics = await get(jobs.cairn, '/metrics');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^cairn_/m);
    for (const path of ['/api/guilds', '/api/ops/health', '/']) {
      const res = await get(jobs.cairn, path);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'not_found', message: expect.stringContaining('CAIRN_ROLES=jobs') } });
    }

    await pastNextQuarterMinute();
    expect(((await (await get(api.cairn, '/api/ops/health')).json()) as { jobs: unknown[] }).jobs, 'the api process ran no job').toEqual([]);
    expect(fake.gatewayLog, 'nobody identified at the gateway').toEqual([]);
    expect(fake.requests.filter((r) => r.path.includes('/gateway')), 'nobody asked for the gateway').toEqual([]);
    const pid = jobs.cairn.proc.child.pid;
    await stopCairn(jobs.cairn);
    const data = jobs.databaseUrl ? await openDatabase({ kind: 'postgres', url: jobs.databaseUrl, poolSize: 1 }) : await openDatabase({ kind: 'pglite', dataDir: join(jobs.dataDir, 'pglite') });
    try {
      const runs = await queryRows<{ name: string; last_holder: string; last_outcome: string }>(data.db, sql`SELECT name, last_holder, last_outcome FROM job_runs WHERE name = 'ticket-summaries'`);
      expect(runs).toEqual([{ name: 'ticket-summaries', last_holder: expect.stringContaining(`:${pid}:`), last_outcome: 'ok' }]);
    } finally {
      await data.close();
    }
  });

  it('bot: connects to Discord and serves no API routes', async () => {
    const bot = await boot('bot');
    await expect.poll(async () => ((await (await get(bot.cairn, '/healthz')).json()) as { discord: string }).discord).toBe('ready');
    expect(fake.gatewayLog.some((f) => f.op === 2), 'the bot identified').toBe(true);
    expect(await (await get(bot.cairn, '/healthz')).json()).toMatchObject({ roles: ['bot'] });
    expect((await get(bot.cairn, '/api/guilds')).status).toBe(404);
  });
});

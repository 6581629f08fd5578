// Roles across real processes on one Postgres (issue 17). Postgres only: PGlite is one process's
// embedded database, which no second process can open (vitest.config.ts runs *.pg.test.ts on the
// Postgres pass, whose global setup fails the run when the server cannot be reached). The same
// logic on one process, on both databases: test/app/scheduler-leases.test.ts, outbox-drainers.test.ts.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_GUILD_ID } from '../../src/app/demo.ts';
import { takeStartupLock } from '../../src/app/startup-lock.ts';
import { openDatabase, queryRows, type Database } from '../../src/db/client.ts';
import { bootCairn, FAULT_ADMIN_TOKEN, stopCairn, type CairnProcess } from '../faults/support/cairn-process.ts';
import { createTestDatabase } from '../support/db.ts';
import { messageEvent } from '../support/factories.ts';
import { startProcess, type StartedProcess } from '../support/process.ts';

let url: string;
let database: Database;
const children: StartedProcess[] = [];
beforeAll(async () => {
  expect(inject('dbKind'), 'multi-process tests need the real Postgres').toBe('postgres');
  const created = await createTestDatabase({ poolSize: 5 });
  url = created.url!;
  database = created;
  await database.db.execute(sql`CREATE TABLE probe_runs (slot timestamptz NOT NULL, holder text NOT NULL, attempt int NOT NULL, at timestamptz NOT NULL DEFAULT now())`);
  await database.db.execute(sql`CREATE TABLE outbox_sends (outbox_id bigint NOT NULL, holder text NOT NULL, at timestamptz NOT NULL DEFAULT now())`);
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.child.exitCode === null && child.child.signalCode === null) {
      child.child.kill('SIGKILL');
      await child.exited;
    }
  }
  await database.db.execute(sql`TRUNCATE probe_runs, outbox_sends, job_leases, outbox RESTART IDENTITY`);
});
afterAll(async () => {
  await database.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function node(mode: string, ...args: string[]): Promise<StartedProcess> {
  const proc = startProcess(['--import', 'tsx', 'test/cluster/support/roles-node.ts', mode, url, ...args], {});
  children.push(proc);
  await proc.waitFor(/ready/, 30_000);
  return proc;
}

describe('scheduled jobs across processes (postgres)', () => {
  it('runs each scheduled time once when two processes run the scheduler', async () => {
    const a = await node('scheduler', 'proc-a');
    const b = await node('scheduler', 'proc-b');
    await sleep(4_500);
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    const runs = await queryRows<{ slot: string; n: number; holders: string }>(database.db, sql`SELECT slot::text, count(*)::int AS n, string_agg(holder, ',') AS holders FROM probe_runs GROUP BY slot ORDER BY slot`);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.filter((r) => r.n !== 1), 'no scheduled time ran twice').toEqual([]);
    const leases = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM job_leases WHERE job = 'probe' AND attempts = 1 AND outcome = 'ok'`);
    expect(leases[0]!.n).toBe(runs.length);
  });

  it('runs again, in another process, a run whose process was killed with kill -9 once its lease runs out', async () => {
    const victim = await node('hang', 'victim', '1500');
    const [, slot] = await victim.waitFor(/hanging in (\S+)/);
    victim.child.kill('SIGKILL');
    await victim.exited;
    const killedAt = Date.now();
    // The survivor's own times of the job are far away (a later run would make the killed one moot,
    // closed as superseded: test/app/scheduler-leases.test.ts); here only its sweep acts.
    await node('scheduler', 'survivor', '0 0 1 1 *');
    await expect
      .poll(async () => queryRows<{ holder: string; attempt: number }>(database.db, sql`SELECT holder, attempt FROM probe_runs WHERE slot = ${slot}::timestamptz ORDER BY at`), { timeout: 15_000 })
      .toEqual([
        { holder: 'victim', attempt: 1 },
        { holder: 'survivor', attempt: 2 },
      ]);
    const tookMs = Date.now() - killedAt;
    // The run writes its probe row before it returns; the lease is closed as 'ok' just after.
    await expect
      .poll(async () => (await queryRows<{ holder: string; attempts: number; outcome: string | null }>(database.db, sql`SELECT holder, attempts, outcome FROM job_leases WHERE job = 'probe' AND scheduled_for = ${slot}::timestamptz`))[0], { timeout: 10_000 })
      .toEqual({ holder: 'survivor', attempts: 2, outcome: 'ok' });
    console.info(`job lease takeover after kill -9: ${tookMs} ms (lease 1500 ms, sweep every 250 ms)`);
  });
});

describe('the outbox drained by several bot processes (postgres)', () => {
  it('sends every row exactly once with three drainers, one of them killed with kill -9 in the middle of a send', async () => {
    const rows = 600;
    await database.db.execute(sql`INSERT INTO guilds (id, name) VALUES (${DEMO_GUILD_ID}, 'cluster') ON CONFLICT DO NOTHING`);
    await database.db.execute(sql`INSERT INTO outbox (guild_id, kind, payload)
      SELECT ${DEMO_GUILD_ID}, 'message', jsonb_build_object('channel_id', (1000000000000000000 + i % 37)::text, 'content', 'row ' || i) FROM generate_series(1, ${rows}) i`);
    // The victim sends 40 rows, then hangs in its next sends (claimed, not sent) until it is killed.
    const victim = await node('drain', 'victim', '2', '40');
    await victim.waitFor(/hanging in row/);
    const drainers = [await node('drain', 'd1', '2'), await node('drain', 'd2', '2')];
    await sleep(300);
    victim.child.kill('SIGKILL');
    await victim.exited;
    await expect.poll(async () => (await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM outbox WHERE status = 'sent'`))[0]!.n, { timeout: 30_000 }).toBe(rows);
    for (const d of drainers) d.child.kill('SIGTERM');
    const sends = await queryRows<{ outbox_id: string; n: number }>(database.db, sql`SELECT outbox_id::text, count(*)::int AS n FROM outbox_sends GROUP BY outbox_id`);
    expect(sends.length, 'every row was sent').toBe(rows);
    expect(sends.filter((s) => s.n !== 1), 'no row was sent twice').toEqual([]);
    const byHolder = await queryRows<{ holder: string; n: number }>(database.db, sql`SELECT holder, count(*)::int AS n FROM outbox_sends GROUP BY holder ORDER BY holder`);
    expect(byHolder.find((h) => h.holder === 'victim')?.n).toBe(40);
    expect(byHolder.filter((h) => h.holder !== 'victim').every((h) => h.n > 0), `both survivors sent rows: ${JSON.stringify(byHolder)}`).toBe(true);
    // The rows the victim held when it died were sent by a survivor once their lease ran out.
    const retried = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM outbox WHERE attempts > 1`);
    expect(retried[0]!.n).toBeGreaterThan(0);
  });
});

describe('starting several processes at once (postgres)', () => {
  it('starts three processes together on a new database: migrations and the demo guild happen once', async () => {
    const own = await createTestDatabase({ poolSize: 1 });
    const fresh = own.url!.replace(/\/[^/]+$/, `/${own.url!.split('/').pop()}_fresh`);
    await own.db.execute(sql.raw(`CREATE DATABASE "${fresh.split('/').pop()}"`));
    await own.close();
    const dataDir = await mkdtemp(join(tmpdir(), 'cairn-roles-'));
    const started = await Promise.allSettled(['api', 'jobs', 'api,jobs'].map((roles) => bootCairn({ dataDir, databaseUrl: fresh, env: { CAIRN_ROLES: roles } })));
    try {
      expect(started.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      const check = await openDatabase({ kind: 'postgres', url: fresh, poolSize: 1 });
      try {
        expect(await queryRows(check.db, sql`SELECT id::text FROM guilds`)).toEqual([{ id: DEMO_GUILD_ID }]);
        const [currencies] = await queryRows<{ n: number }>(check.db, sql`SELECT count(*)::int AS n FROM currencies WHERE guild_id = ${DEMO_GUILD_ID}`);
        const [keys] = await queryRows<{ n: number }>(check.db, sql`SELECT count(DISTINCT key)::int AS n FROM currencies WHERE guild_id = ${DEMO_GUILD_ID}`);
        expect(currencies!.n).toBe(keys!.n);
      } finally {
        await check.close();
      }
    } finally {
      for (const s of started) if (s.status === 'fulfilled') await stopCairn(s.value);
    }
  });
});

describe('cairn migrate beside starting processes (postgres)', () => {
  it('waits for the startup lock a starting process holds, then migrates', async () => {
    const own = await createTestDatabase({ poolSize: 1 });
    const fresh = own.url!.replace(/\/[^/]+$/, `/${own.url!.split('/').pop()}_migrate`);
    await own.db.execute(sql.raw(`CREATE DATABASE "${fresh.split('/').pop()}"`));
    await own.close();
    const held = await takeStartupLock({ DATABASE_URL: fresh });
    let released = false;
    const migrate = startProcess(['bin/cairn.js', 'migrate', '--json'], { DATABASE_URL: fresh });
    const watcher = await openDatabase({ kind: 'postgres', url: fresh, poolSize: 1 });
    try {
      // The command waits on the advisory lock, and has migrated nothing meanwhile.
      const waiting = async () => (await queryRows<{ n: number }>(watcher.db, sql`SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`))[0]!.n;
      await expect.poll(waiting, { timeout: 30_000 }).toBe(1);
      expect(migrate.child.exitCode).toBeNull();
      expect(await queryRows(watcher.db, sql`SELECT 1 FROM pg_tables WHERE tablename = 'guilds'`)).toEqual([]);
      await held.release();
      released = true;
      expect(await migrate.exited, migrate.stderr()).toBe(0);
      expect(JSON.parse(migrate.stdout())).toMatchObject({ database: 'postgres', migrated: true });
    } finally {
      if (!released) await held.release();
      migrate.child.kill('SIGKILL');
      await watcher.close();
    }
  });
});

describe('caches across processes (postgres)', () => {
  let a: CairnProcess | undefined;
  let b: CairnProcess | undefined;
  afterAll(async () => {
    await stopCairn(a);
    await stopCairn(b);
  });

  it("answers with a write made through another process at once (overview and engagement)", async () => {
    const own = await createTestDatabase({ poolSize: 1 });
    const cairnUrl = own.url!;
    await own.close();
    const dataDir = await mkdtemp(join(tmpdir(), 'cairn-roles-'));
    a = await bootCairn({ dataDir, databaseUrl: cairnUrl, env: { CAIRN_ROLES: 'api,jobs' } });
    b = await bootCairn({ dataDir, databaseUrl: cairnUrl, env: { CAIRN_ROLES: 'api' } });
    const headers = { Authorization: `Bearer ${FAULT_ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
    const now = new Date();
    const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - ((now.getUTCDay() + 6) % 7))).toISOString().slice(0, 10);
    const member = '777000000000000001';
    const send = async (via: CairnProcess) => {
      const event = messageEvent({ guild_id: DEMO_GUILD_ID, actor_id: member, occurred_at: new Date().toISOString() });
      const res = await fetch(`${via.url}/api/guilds/${DEMO_GUILD_ID}/events`, { method: 'POST', headers, body: JSON.stringify(event) });
      expect(((await res.json()) as { accepted: number }).accepted).toBe(1);
    };
    const overview = async (via: CairnProcess) => ((await (await fetch(`${via.url}/api/guilds/${DEMO_GUILD_ID}/overview?days=7`, { headers })).json()) as { totals: { events: number } }).totals.events;
    const engaged = async (via: CairnProcess) => {
      const body = (await (await fetch(`${via.url}/api/guilds/${DEMO_GUILD_ID}/analytics/engagement?week=${monday}`, { headers })).json()) as { top: { userId: string; messages: number }[] };
      return body.top.find((m) => m.userId === member)?.messages ?? 0;
    };
    await send(a);
    const events = await overview(b);
    const messages = await engaged(b);
    expect(messages).toBe(1);
    // Asked again at once: the answers B holds are reused only while the data is unchanged.
    expect(await overview(b)).toBe(events);
    await send(a);
    expect(await overview(b), 'B sees the event A committed, within its 2 s reuse window').toBe(events + 1);
    expect(await engaged(b), "B's cached engagement answer gave way to the new week's data").toBe(2);
    await send(b);
    expect(await overview(a)).toBe(events + 2);
    expect(await engaged(a)).toBe(3);
  });
});

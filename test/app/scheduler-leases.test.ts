// Scheduled jobs across processes (issue 17, roles): each scheduled run is claimed once in
// job_leases, a run whose holder died is taken over once its lease runs out, a running job keeps its
// lease, job_runs names the process that ran it, and every shipped job run twice leaves what one run
// leaves. On Postgres the two schedulers use separate connection pools, as two processes would
// (test/cluster/roles.pg.test.ts runs real processes); PGlite has one connection per process.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { ClusterScheduler, type ScheduledJob } from '../../src/app/cluster-scheduler.ts';
import { fixedClock } from '../../src/app/clock.ts';
import { JOBS, runJob, startScheduler } from '../../src/app/scheduler.ts';
import { openDatabase, queryRows, type Database } from '../../src/db/client.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { JobLeases, type Lease } from '../../src/ops/job-leases.ts';
import { jobRuns } from '../../src/ops/job-runs.ts';
import { createTestApp, json, TEST_NOW } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { configure } from '../support/engine.ts';
import { ALICE, BOB, CHANNEL, GUILD, messageEvent } from '../support/factories.ts';

let database: TestDatabase;
/** A second handle on the same data: its own pool on Postgres, the same PGlite otherwise. */
let other: Database;
let app: Awaited<ReturnType<typeof createTestApp>>;
const clock = fixedClock(new Date('2026-11-30T00:05:00.000Z'));
beforeAll(async () => {
  database = await createTestDatabase();
  other = database.url ? await openDatabase({ kind: 'postgres', url: database.url, poolSize: 5 }) : database;
  app = await createTestApp(database, {}, { clock });
});
afterAll(async () => {
  if (other !== database) await other.close();
  await app.services.close();
});
beforeEach(async () => {
  await resetDatabase(database);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A job that records each run it makes (slot and holder) in memory. */
function recordingJob(name: string, runs: { slot: string; holder: string }[], holder: string, body: () => Promise<unknown> = async () => undefined): ScheduledJob {
  return {
    name,
    pattern: '* * * * * *',
    run: async (lease: Lease) => {
      runs.push({ slot: lease.scheduledFor.toISOString(), holder });
      await body();
    },
  };
}

const leaseRows = (db: Database) =>
  queryRows<{ job: string; scheduled_for: string | Date; holder: string; attempts: number; outcome: string | null; finished: boolean }>(
    db.db,
    sql`SELECT job, scheduled_for, holder, attempts, outcome, finished_at IS NOT NULL AS finished FROM job_leases ORDER BY job, scheduled_for`,
  );

describe(`scheduled runs claimed in job_leases (${inject('dbKind')})`, () => {
  it('runs each scheduled time once when two schedulers ask for it at the same moment', async () => {
    const runs: { slot: string; holder: string }[] = [];
    const a = new ClusterScheduler([recordingJob('probe', runs, 'A')], new JobLeases(database.db, 'A'), silentLogger);
    const b = new ClusterScheduler([recordingJob('probe', runs, 'B')], new JobLeases(other.db, 'B'), silentLogger);
    const slots = Array.from({ length: 20 }, (_, i) => new Date(Date.UTC(2026, 11, 2, 10, 0, i)));
    const results = await Promise.all(slots.flatMap((slot) => [a.runSlot(a['jobs'][0]!, slot), b.runSlot(b['jobs'][0]!, slot)]));
    expect(results.filter((r) => r === 'ran')).toHaveLength(20);
    expect(results.filter((r) => r === 'taken')).toHaveLength(20);
    expect(runs.map((r) => r.slot).sort()).toEqual(slots.map((s) => s.toISOString()));
    const rows = await leaseRows(database);
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.attempts === 1 && r.outcome === 'ok' && r.finished)).toBe(true);
  });

  it('fires on the pattern with real timers and still runs each second once between two schedulers', async () => {
    const runs: { slot: string; holder: string }[] = [];
    const a = new ClusterScheduler([recordingJob('every-second', runs, 'A')], new JobLeases(database.db, 'A'), silentLogger);
    const b = new ClusterScheduler([recordingJob('every-second', runs, 'B')], new JobLeases(other.db, 'B'), silentLogger);
    a.start();
    b.start();
    await sleep(3_300);
    await Promise.all([a.stop(), b.stop()]);
    const slots = runs.map((r) => r.slot);
    expect(slots.length).toBeGreaterThanOrEqual(3);
    expect(new Set(slots).size).toBe(slots.length);
    for (const slot of slots) expect(Date.parse(slot) % 1000, 'a slot is a whole second of the pattern').toBe(0);
    expect((await leaseRows(database)).map((r) => new Date(r.scheduled_for).toISOString())).toEqual([...slots].sort());
  });

  it('takes over a run whose holder died once its lease ran out, and the dead holder cannot finish it afterwards', async () => {
    const slot = new Date('2026-12-02T03:17:00.000Z');
    const dead = new JobLeases(database.db, 'dead-process', { leaseMs: 300 });
    const claimed = await dead.claim('lake-retention', slot);
    expect(claimed).toMatchObject({ holder: 'dead-process', attempts: 1 });
    // The process dies here: no renew, no finish.
    const runs: { slot: string; holder: string }[] = [];
    const survivor = new ClusterScheduler([recordingJob('lake-retention', runs, 'survivor')], new JobLeases(other.db, 'survivor'), silentLogger);
    expect(await survivor.sweep(), 'a live lease is not taken').toBe(0);
    expect(await new JobLeases(other.db, 'survivor').claim('lake-retention', slot), 'nor claimed on its own slot').toBeUndefined();
    await sleep(400);
    expect(await survivor.sweep()).toBe(1);
    await survivor.stop();
    expect(runs).toEqual([{ slot: slot.toISOString(), holder: 'survivor' }]);
    await dead.finish(claimed!, 'failed');
    expect(await leaseRows(database)).toEqual([expect.objectContaining({ job: 'lake-retention', holder: 'survivor', attempts: 2, outcome: 'ok', finished: true })]);
    expect(await survivor.sweep(), 'a finished run is never run again').toBe(0);
  });

  it('closes an abandoned run as superseded when a later run of the job exists, instead of running it', async () => {
    const dead = new JobLeases(database.db, 'dead-process', { leaseMs: 100 });
    await dead.claim('ops', new Date('2026-12-02T10:00:00.000Z'));
    const live = new JobLeases(database.db, 'live');
    const later = await live.claim('ops', new Date('2026-12-02T10:01:00.000Z'));
    await live.finish(later!, 'ok');
    await sleep(200);
    const runs: { slot: string; holder: string }[] = [];
    const survivor = new ClusterScheduler([recordingJob('ops', runs, 'survivor')], new JobLeases(other.db, 'survivor'), silentLogger);
    expect(await survivor.sweep()).toBe(0);
    expect(runs).toEqual([]);
    expect((await leaseRows(database)).map((r) => r.outcome)).toEqual(['superseded', 'ok']);
  });

  it('keeps the lease of a job that runs longer than the lease (renewed while it runs)', async () => {
    const runs: { slot: string; holder: string }[] = [];
    const slow = new ClusterScheduler([recordingJob('slow', runs, 'A', () => sleep(700))], new JobLeases(database.db, 'A', { leaseMs: 200 }), silentLogger);
    const watcher = new ClusterScheduler([recordingJob('slow', runs, 'B')], new JobLeases(other.db, 'B', { leaseMs: 200 }), silentLogger);
    const running = slow.runSlot(slow['jobs'][0]!, new Date('2026-12-02T10:00:00.000Z'));
    for (let i = 0; i < 5; i++) {
      await sleep(120);
      expect(await watcher.sweep()).toBe(0);
    }
    expect(await running).toBe('ran');
    expect(runs.map((r) => r.holder)).toEqual(['A']);
  });

  it('never overlaps a job with itself in one process: a time that comes while it runs is left to other processes', async () => {
    const runs: { slot: string; holder: string }[] = [];
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    const a = new ClusterScheduler([recordingJob('slow', runs, 'A', () => blocked)], new JobLeases(database.db, 'A'), silentLogger);
    const first = a.runSlot(a['jobs'][0]!, new Date('2026-12-02T10:00:00.000Z'));
    await expect.poll(() => runs.length).toBe(1);
    expect(await a.runSlot(a['jobs'][0]!, new Date('2026-12-02T10:00:01.000Z'))).toBe('busy');
    const b = new ClusterScheduler([recordingJob('slow', runs, 'B')], new JobLeases(other.db, 'B'), silentLogger);
    expect(await b.runSlot(b['jobs'][0]!, new Date('2026-12-02T10:00:01.000Z'))).toBe('ran');
    release();
    expect(await first).toBe('ran');
    expect(runs.map((r) => r.holder)).toEqual(['A', 'B']);
  });

  it('records which process ran each job in job_runs (the health page shows it)', async () => {
    {
      const scheduler = startScheduler(app.services, [{ name: 'probe-job', pattern: '* * * * * *', run: async () => undefined }], { holder: 'host-a:4242:abc123' });
      await expect.poll(async () => (await jobRuns(database.db)).find((j) => j.name === 'probe-job')?.lastOutcome).toBe('ok');
      await scheduler.stop();
      expect((await jobRuns(database.db)).find((j) => j.name === 'probe-job')).toMatchObject({ lastHolder: 'host-a:4242:abc123' });
      const health = await json(await app.request('/api/ops/health'));
      expect(health.jobs).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'probe-job', lastHolder: 'host-a:4242:abc123' })]));
    }
  });
});

describe(`shipped jobs are idempotent (${inject('dbKind')})`, () => {
  it('leaves the same data after a second run of every job as after the first (a run taken over after a crash is safe)', async () => {
    await configure(database, {
      currencies: [{ key: 'gold', name: 'Gold' }],
      rules: [{ key: 'chat', name: 'chat', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: 5 }] }],
    });
    {
      await app.services.configs.reload(GUILD);
      const events = Array.from({ length: 20 }, (_, i) => messageEvent({ actor_id: i % 2 ? ALICE : BOB, occurred_at: new Date(TEST_NOW.getTime() - i * 86_400_000).toISOString() }));
      expect((await json(await app.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: events }))).accepted).toBe(20);
      // Jobs with work to do: a weekly leaderboard post is due, and the lake keeps 7 days of this guild.
      await database.db.execute(sql`UPDATE guilds SET settings = settings || ${JSON.stringify({ leaderboard_post: { channel_id: CHANNEL, currency: 'gold', cadence: 'weekly', period: 'all' }, retention_days: 7 })}::jsonb WHERE id = ${GUILD}`);
      const snapshot = async () => {
        const tables = await queryRows<{ t: string }>(database.db, sql`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('job_runs', 'job_leases', '__drizzle_migrations') ORDER BY 1`);
        const counts: Record<string, string> = {};
        for (const { t } of tables) counts[t] = (await queryRows<{ n: string }>(database.db, sql.raw(`SELECT count(*)::text AS n FROM "${t}"`)))[0]!.n;
        const outbox = await queryRows(database.db, sql`SELECT guild_id::text, kind, payload FROM outbox ORDER BY id`);
        return { counts, outbox };
      };
      const before = await snapshot();
      for (const job of JOBS) await runJob(app.services, job);
      const once = await snapshot();
      expect(once.outbox, 'the leaderboard post was queued').toEqual([expect.objectContaining({ kind: 'message', payload: expect.objectContaining({ leaderboard_period: 'weekly:2026-W49' }) })]);
      expect(Number(once.counts.lake_events), 'expired lake events were deleted').toBeLessThan(Number(before.counts.lake_events));
      for (const job of JOBS) await runJob(app.services, job);
      expect(await snapshot()).toEqual(once);
    }
  });
});

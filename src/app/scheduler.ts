// Periodic jobs of a running Cairn (processes with the `jobs` role): each scheduled run is claimed by
// one process of the cluster (app/cluster-scheduler.ts, ops/job-leases.ts), and a run whose process
// died is run again by another. Jobs are idempotent: they act on the database's state, so a run
// repeated after a crash does nothing twice (test/app/scheduler*.test.ts).
import type { Services } from './services.ts';
import { queueLeaderboardPosts } from '../ledger/leaderboard-post.ts';
import { deleteExpiredEvents, reconcileCounters } from '../analytics/retention.ts';
import { queueWeeklyDigests } from '../ai/digest.ts';
import { recordedRun } from '../ops/job-runs.ts';
import { instanceId, JobLeases } from '../ops/job-leases.ts';
import { ClusterScheduler, type ClusterSchedulerOptions } from './cluster-scheduler.ts';
import { lakeRowsDeleted } from '../ops/ops-counters.ts';
import { maintainLakePartitions } from '../lake/partitions.ts';
import { deleteExpiredTranscripts } from '../tickets/retention.ts';
import { summarizeClosedTickets } from '../tickets/summary-queue.ts';

export interface Job {
  name: string;
  /** Cron pattern (UTC). */
  pattern: string;
  run(services: Services): Promise<unknown>;
}

export const JOBS: Job[] = [
  // Hourly: the first run of a new week writes and queues last week's AI digest (guilds that ask).
  {
    name: 'ai-digest',
    pattern: '23 * * * *',
    run: async (s) => {
      const result = await queueWeeklyDigests(s.ai, s.database.db, s.clock.now());
      if (result.queued.length > 0 || result.failed.length > 0) s.logger.info({ job: 'ai-digest', ...result }, 'weekly AI digests');
    },
  },
  // Hourly: the first run of a new week or month queues that period's leaderboard posts.
  { name: 'leaderboard-posts', pattern: '5 * * * *', run: (s) => queueLeaderboardPosts(s.database.db, s.clock.now()) },
  // Hourly: the lake's monthly partitions exist two months ahead, and events that landed in the
  // DEFAULT partition (a month nobody had created) move into their month's partition.
  {
    name: 'lake-partitions',
    pattern: '11 * * * *',
    run: async (s) => {
      const result = await maintainLakePartitions(s.database.db, s.clock.now());
      if (result.created.length > 0) s.logger.info({ job: 'lake-partitions', created: result.created }, 'lake partitions created');
    },
  },
  // Daily: raw lake events older than each guild's retention window go; aggregates stay.
  {
    name: 'lake-retention',
    pattern: '17 3 * * *',
    run: async (s) => {
      const result = await deleteExpiredEvents(s.database.db, s.clock.now(), { defaultDays: s.env.CAIRN_RETENTION_DAYS });
      await lakeRowsDeleted(s.database.db, result.guilds);
      s.logger.info({ job: 'lake-retention', guilds: result.guilds.filter((g) => g.deleted > 0) }, 'expired lake events deleted');
    },
  },
  // Daily: kept ticket messages older than each guild's transcript retention go; tickets stay.
  {
    name: 'ticket-transcript-retention',
    pattern: '29 3 * * *',
    run: async (s) => {
      const result = await deleteExpiredTranscripts(s.database.db, s.clock.now());
      s.logger.info({ job: 'ticket-transcript-retention', guilds: result.guilds.filter((g) => g.deleted > 0) }, 'expired ticket transcripts deleted');
    },
  },
  // Weekly: daily counters checked against the lake; drift is reported, not silently fixed.
  {
    name: 'counter-reconcile',
    pattern: '41 4 * * 1',
    run: async (s) => {
      const drift = await reconcileCounters(s.database.db);
      if (drift.length > 0) s.logger.warn({ job: 'counter-reconcile', rows: drift.length, sample: drift.slice(0, 20) }, 'daily counters drift from the lake (repair with `cairn lake reconcile --repair`)');
      else s.logger.info({ job: 'counter-reconcile' }, 'daily counters agree with the lake');
    },
  },
  // Every 15 s: closed tickets get their AI summary (claimed with SKIP LOCKED: processes share the work).
  {
    name: 'ticket-summaries',
    pattern: '*/15 * * * * *',
    run: async (s) => {
      const result = await summarizeClosedTickets(s.ai, s.database.db, s.clock.now(), {}, s.logger.child({ module: 'tickets' }));
      if (result.tickets.length > 0) s.logger.info({ job: 'ticket-summaries', tickets: result.tickets }, 'ticket summaries');
    },
  },
  // Every minute: sum up throttled ops messages, and pay what unpaused guilds still hold.
  {
    name: 'ops',
    pattern: '* * * * *',
    run: async (s) => {
      await s.ops.log.flush();
      await s.ops.pause.resumeAll();
    },
  },
];

/** Runs a job once, recording its start, end, outcome and process in job_runs (the health page's "last run"). */
export async function runJob(services: Services, job: Job, holder: string | null = null): Promise<void> {
  const log = services.logger.child({ module: 'scheduler' });
  await recordedRun(services.database.db, job.name, () => services.clock.now(), () => job.run(services), (error) => log.warn({ err: error, job: job.name }, 'could not record the job run'), holder);
}

export interface Scheduler {
  /** This process's name in job_leases and job_runs. */
  readonly holder: string;
  /** Stops the timers and waits for runs in progress. */
  stop(): Promise<void>;
}

/** Starts every job on its pattern; each scheduled run is run by one process of the cluster (job_leases). */
export function startScheduler(services: Services, jobs: Job[] = JOBS, options: Partial<ClusterSchedulerOptions> = {}): Scheduler {
  const leases = new JobLeases(services.database.db, options.holder ?? instanceId(), options);
  const scheduler = new ClusterScheduler(
    jobs.map((job) => ({ name: job.name, pattern: job.pattern, run: () => runJob(services, job, leases.holder) })),
    leases,
    services.logger.child({ module: 'scheduler' }),
    options,
  );
  scheduler.start();
  return scheduler;
}

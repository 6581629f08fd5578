// Periodic jobs of a running Cairn (croner): each runs alone (no overlap), logs its failures, and
// is stopped on shutdown. Jobs are idempotent, so several processes may run them.
import { Cron } from 'croner';
import type { Services } from './services.ts';
import { queueLeaderboardPosts } from '../ledger/leaderboard-post.ts';
import { deleteExpiredEvents, reconcileCounters } from '../analytics/retention.ts';
import { queueWeeklyDigests } from '../ai/digest.ts';
import { recordedRun } from '../ops/job-runs.ts';
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

/** Runs a job once, recording its start, end and outcome in job_runs (the health page's "last run"). */
export async function runJob(services: Services, job: Job): Promise<void> {
  const log = services.logger.child({ module: 'scheduler' });
  await recordedRun(services.database.db, job.name, () => services.clock.now(), () => job.run(services), (error) => log.warn({ err: error, job: job.name }, 'could not record the job run'));
}

export function startScheduler(services: Services, jobs: Job[] = JOBS): { stop(): void } {
  const log = services.logger.child({ module: 'scheduler' });
  const crons = jobs.map(
    (job) =>
      new Cron(job.pattern, { timezone: 'UTC', protect: true, catch: (error: unknown) => log.error({ err: error, job: job.name }, 'scheduled job failed') }, async () => {
        await runJob(services, job);
      }),
  );
  return {
    stop() {
      for (const c of crons) c.stop();
    },
  };
}

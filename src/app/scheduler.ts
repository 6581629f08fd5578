// Periodic jobs of a running Cairn (croner): each runs alone (no overlap), logs its failures, and
// is stopped on shutdown. Jobs are idempotent, so several processes may run them.
import { Cron } from 'croner';
import type { Services } from './services.ts';
import { queueLeaderboardPosts } from '../ledger/leaderboard-post.ts';

export interface Job {
  name: string;
  /** Cron pattern (UTC). */
  pattern: string;
  run(services: Services): Promise<unknown>;
}

export const JOBS: Job[] = [
  // Hourly: the first run of a new week or month queues that period's leaderboard posts.
  { name: 'leaderboard-posts', pattern: '5 * * * *', run: (s) => queueLeaderboardPosts(s.database.db, s.clock.now()) },
];

export function startScheduler(services: Services, jobs: Job[] = JOBS): { stop(): void } {
  const log = services.logger.child({ module: 'scheduler' });
  const crons = jobs.map(
    (job) =>
      new Cron(job.pattern, { timezone: 'UTC', protect: true, catch: (error: unknown) => log.error({ err: error, job: job.name }, 'scheduled job failed') }, async () => {
        await job.run(services);
      }),
  );
  return {
    stop() {
      for (const c of crons) c.stop();
    },
  };
}

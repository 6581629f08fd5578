// Fires each job at the times of its cron pattern (UTC, croner computes them) and runs a scheduled
// time only when this process claims it in job_leases, so every process with the `jobs` role may
// run the scheduler and each run still happens once. A sweep takes over runs whose holder died.
import { Cron } from 'croner';
import type { Logger } from '../log/logger.ts';
import type { JobLeaseOptions, JobLeases, Lease } from '../ops/job-leases.ts';

export interface ScheduledJob {
  name: string;
  /** Cron pattern (UTC), five or six fields. */
  pattern: string;
  run(lease: Lease): Promise<unknown>;
}

export interface ClusterSchedulerOptions extends JobLeaseOptions {
  /** How often runs whose holder died are looked for (and old lease rows pruned). */
  sweepMs: number;
  /** This process's name in job_leases (default: ops/job-leases.ts instanceId()). */
  holder?: string;
}

export const DefaultSweepMs = 15_000;

/** Timers longer than this are re-armed (a sleeping machine or a changed clock is noticed). */
const MAX_TIMER_MS = 30_000;

export type SlotResult = 'ran' | 'failed' | 'taken' | 'busy';

export class ClusterScheduler {
  readonly #running = new Set<Promise<unknown>>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  /** Jobs running in this process: a job never overlaps itself here (a slow run skips the next time). */
  readonly #busy = new Set<string>();
  readonly #sweepMs: number;
  #sweeper: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    private readonly jobs: readonly ScheduledJob[],
    private readonly leases: JobLeases,
    private readonly logger: Logger,
    options: Partial<Pick<ClusterSchedulerOptions, 'sweepMs'>> = {},
  ) {
    this.#sweepMs = options.sweepMs ?? DefaultSweepMs;
  }

  get holder(): string {
    return this.leases.holder;
  }

  start(): void {
    this.#stopped = false;
    for (const job of this.jobs) {
      const cron = new Cron(job.pattern, { timezone: 'UTC', paused: true });
      this.#arm(job, cron, cron.nextRun(new Date()));
    }
    this.#sweeper = setInterval(() => void this.sweep().catch((error: unknown) => this.logger.warn({ err: error }, 'job lease sweep failed')), this.#sweepMs);
    this.#sweeper.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    if (this.#sweeper) clearInterval(this.#sweeper);
    await Promise.allSettled([...this.#running]);
  }

  /** Waits until `slot` (re-arming long waits), runs it if this process claims it, then the next. */
  #arm(job: ScheduledJob, cron: Cron, slot: Date | null): void {
    if (this.#stopped || !slot) return;
    const wait = slot.getTime() - Date.now();
    const timer = setTimeout(() => {
      if (Date.now() < slot.getTime()) return this.#arm(job, cron, slot);
      void this.runSlot(job, slot);
      this.#arm(job, cron, cron.nextRun(new Date(Math.max(Date.now(), slot.getTime()))));
    }, Math.max(0, Math.min(wait, MAX_TIMER_MS)));
    timer.unref();
    this.#timers.set(job.name, timer);
  }

  /** Claims and runs one scheduled time of a job: 'taken' when another process has (or had) it. */
  async runSlot(job: ScheduledJob, slot: Date): Promise<SlotResult> {
    if (this.#busy.has(job.name)) {
      this.logger.debug({ job: job.name, scheduledFor: slot.toISOString() }, 'still running the previous run here; this time is left to another process');
      return 'busy';
    }
    let lease: Lease | undefined;
    try {
      lease = await this.leases.claim(job.name, slot);
    } catch (error) {
      this.logger.error({ err: error, job: job.name }, 'could not claim the scheduled run');
      return 'failed';
    }
    if (!lease) return 'taken';
    return this.execute(job, lease);
  }

  /** Runs runs of this scheduler's jobs whose holder died; returns how many it took over. */
  async sweep(): Promise<number> {
    const names = this.jobs.map((j) => j.name);
    const taken = await this.leases.takeOverExpired(names.filter((n) => !this.#busy.has(n)));
    for (const lease of taken) {
      const job = this.jobs.find((j) => j.name === lease.job)!;
      this.logger.warn({ job: job.name, scheduledFor: lease.scheduledFor.toISOString(), attempt: lease.attempts }, 'taking over a scheduled run whose process stopped');
      void this.execute(job, lease);
    }
    await this.leases.prune(names);
    return taken.length;
  }

  /** Runs a claimed run, renewing its lease until it ends, and marks it finished. */
  execute(job: ScheduledJob, lease: Lease): Promise<SlotResult> {
    const renewEvery = Math.max(10, Math.floor(this.leases.options.leaseMs / 3));
    const heartbeat = setInterval(() => {
      this.leases.renew(lease).then(
        (held) => held || this.logger.warn({ job: job.name, scheduledFor: lease.scheduledFor.toISOString() }, 'lost the lease of a running job (it ran out); another process may run it again'),
        (error: unknown) => this.logger.warn({ err: error, job: job.name }, 'could not renew the job lease'),
      );
    }, renewEvery);
    heartbeat.unref();
    this.#busy.add(job.name);
    const run = (async (): Promise<SlotResult> => {
      let outcome: SlotResult = 'ran';
      try {
        await job.run(lease);
      } catch (error) {
        outcome = 'failed';
        this.logger.error({ err: error, job: job.name }, 'scheduled job failed');
      } finally {
        clearInterval(heartbeat);
        this.#busy.delete(job.name);
      }
      await this.leases.finish(lease, outcome === 'ran' ? 'ok' : 'failed').catch((error: unknown) => this.logger.warn({ err: error, job: job.name }, 'could not mark the job run finished'));
      return outcome;
    })();
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
    return run;
  }
}

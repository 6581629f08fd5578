// A scheduled run is claimed once across the cluster: one row per (job, scheduled time) in
// job_leases, inserted by the first process to ask (the primary key refuses the others). The holder
// keeps pushing expires_at forward while it runs; a holder that died leaves an unfinished row whose
// lease runs out, and the next process to sweep claims it again (the `attempts` count says so).
// Times are the database's (now()), the one clock every process shares; works on PGlite too.
import { sql } from 'drizzle-orm';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { queryRows, type Executor } from '../db/client.ts';

export interface Lease {
  job: string;
  scheduledFor: Date;
  holder: string;
  /** 1 on a first claim; more when the run was taken over from a holder that died. */
  attempts: number;
}

export type LeaseOutcome = 'ok' | 'failed' | 'superseded';

export interface JobLeaseOptions {
  /** How long a claim holds without being renewed (the holder renews every third of it). */
  leaseMs: number;
  /** Finished rows older than this are deleted by the sweep. */
  keepMs: number;
}

export const DefaultJobLeaseOptions = {
  leaseMs: 60_000,
  keepMs: 7 * 86_400_000,
} as const satisfies JobLeaseOptions;

/** This process's name in leases and job runs: host, pid and a random tag (pids repeat across hosts and restarts). */
export function instanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`.slice(0, 128);
}

interface LeaseRow {
  job: string;
  scheduled_for: string | Date;
  holder: string;
  attempts: number;
}

const toLease = (r: LeaseRow): Lease => ({ job: r.job, scheduledFor: new Date(r.scheduled_for), holder: r.holder, attempts: Number(r.attempts) });

export class JobLeases {
  readonly options: JobLeaseOptions;

  constructor(
    private readonly db: Executor,
    readonly holder: string,
    options: Partial<JobLeaseOptions> = {},
  ) {
    this.options = { ...DefaultJobLeaseOptions, ...options };
  }

  /**
   * Claims the run of `job` scheduled for `scheduledFor`: the lease when this process is to run it,
   * undefined when another process holds it or it already finished. A row whose lease ran out
   * unfinished is claimed again (its holder died).
   */
  async claim(job: string, scheduledFor: Date): Promise<Lease | undefined> {
    const [row] = await queryRows<LeaseRow>(
      this.db,
      sql`INSERT INTO job_leases (job, scheduled_for, holder, claimed_at, expires_at)
          VALUES (${job}, ${scheduledFor.toISOString()}::timestamptz, ${this.holder}, now(), now() + ${this.options.leaseMs} * interval '1 millisecond')
          ON CONFLICT (job, scheduled_for) DO UPDATE
            SET holder = excluded.holder, claimed_at = excluded.claimed_at, expires_at = excluded.expires_at, attempts = job_leases.attempts + 1
            WHERE job_leases.finished_at IS NULL AND job_leases.expires_at < now()
          RETURNING job, scheduled_for, holder, attempts`,
    );
    return row ? toLease(row) : undefined;
  }

  /** Pushes the lease forward; false when it was lost (ran out and another process took the run). */
  async renew(lease: Lease): Promise<boolean> {
    const rows = await queryRows<{ job: string }>(
      this.db,
      sql`UPDATE job_leases SET expires_at = now() + ${this.options.leaseMs} * interval '1 millisecond'
          WHERE job = ${lease.job} AND scheduled_for = ${lease.scheduledFor.toISOString()}::timestamptz AND holder = ${this.holder} AND finished_at IS NULL
          RETURNING job`,
    );
    return rows.length > 0;
  }

  /** Marks the run done (by this holder only: a run taken over is finished by its new holder). */
  async finish(lease: Lease, outcome: LeaseOutcome): Promise<void> {
    await this.db.execute(
      sql`UPDATE job_leases SET finished_at = now(), outcome = ${outcome}
          WHERE job = ${lease.job} AND scheduled_for = ${lease.scheduledFor.toISOString()}::timestamptz AND holder = ${this.holder} AND finished_at IS NULL`,
    );
  }

  /**
   * Runs of these jobs whose holder died (lease ran out, not finished), newest per job, claimed by
   * this process. Older abandoned runs of a job are closed as superseded: the newer run does the
   * same work (jobs act on the state of the database, not on their slot).
   */
  async takeOverExpired(jobs: readonly string[]): Promise<Lease[]> {
    if (jobs.length === 0) return [];
    const names = sql.join(jobs.map((j) => sql`${j}`), sql`, `);
    await this.db.execute(
      sql`UPDATE job_leases l SET finished_at = now(), outcome = 'superseded'
          WHERE l.job IN (${names}) AND l.finished_at IS NULL AND l.expires_at < now()
            AND EXISTS (SELECT 1 FROM job_leases later WHERE later.job = l.job AND later.scheduled_for > l.scheduled_for)`,
    );
    const expired = await queryRows<LeaseRow>(
      this.db,
      sql`SELECT job, scheduled_for, holder, attempts FROM job_leases WHERE job IN (${names}) AND finished_at IS NULL AND expires_at < now()`,
    );
    const taken: Lease[] = [];
    for (const row of expired) {
      const lease = await this.claim(row.job, new Date(row.scheduled_for));
      if (lease) taken.push(lease);
    }
    return taken;
  }

  /** Deletes finished rows older than keepMs (the table would otherwise grow by every run). */
  async prune(jobs: readonly string[]): Promise<number> {
    if (jobs.length === 0) return 0;
    const names = sql.join(jobs.map((j) => sql`${j}`), sql`, `);
    const rows = await queryRows<{ job: string }>(
      this.db,
      sql`DELETE FROM job_leases WHERE job IN (${names}) AND finished_at IS NOT NULL
            AND scheduled_for < now() - ${this.options.keepMs} * interval '1 millisecond' RETURNING job`,
    );
    return rows.length;
  }
}

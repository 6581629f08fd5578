// Each scheduled job's last run, in the database so every process (and the health page) sees when
// a job last started, ended and how: a job that stopped running shows as an old "last run".
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';

export interface JobRun {
  name: string;
  lastStartedAt: string | null;
  lastFinishedAt: string | null;
  lastOutcome: 'ok' | 'failed' | 'running' | null;
  lastError: string | null;
  lastDurationMs: number | null;
  runs: number;
  failures: number;
  /** The process that ran the last run (ops/job-leases.ts instanceId), null before any. */
  lastHolder: string | null;
}

export async function jobStarted(db: Executor, name: string, at: Date, holder: string | null = null): Promise<void> {
  await db.execute(sql`INSERT INTO job_runs (name, last_started_at, last_outcome, last_holder) VALUES (${name}, ${at.toISOString()}::timestamptz, 'running', ${holder})
    ON CONFLICT (name) DO UPDATE SET last_started_at = excluded.last_started_at, last_outcome = 'running', last_holder = excluded.last_holder`);
}

export async function jobFinished(db: Executor, name: string, at: Date, durationMs: number, error?: string): Promise<void> {
  const failed = error !== undefined;
  await db.execute(sql`UPDATE job_runs SET last_finished_at = ${at.toISOString()}::timestamptz, last_outcome = ${failed ? 'failed' : 'ok'},
      last_error = ${error?.slice(0, 2000) ?? null}, last_duration_ms = ${Math.round(durationMs)}, runs = runs + 1, failures = failures + ${failed ? 1 : 0}
    WHERE name = ${name}`);
}

/** Runs a job, recording its start and end (a failure to record is not the job's failure). */
export async function recordedRun(db: Executor, name: string, now: () => Date, run: () => Promise<unknown>, onRecordError: (error: unknown) => void, holder: string | null = null): Promise<void> {
  const started = performance.now();
  await jobStarted(db, name, now(), holder).catch(onRecordError);
  try {
    await run();
  } catch (error) {
    await jobFinished(db, name, now(), performance.now() - started, error instanceof Error ? error.message : String(error)).catch(onRecordError);
    throw error;
  }
  await jobFinished(db, name, now(), performance.now() - started).catch(onRecordError);
}

export async function jobRuns(db: Executor): Promise<JobRun[]> {
  const rows = await queryRows<{ name: string; s: string | Date | null; f: string | Date | null; o: JobRun['lastOutcome']; e: string | null; d: number | null; runs: number; failures: number; h: string | null }>(
    db,
    sql`SELECT name, last_started_at AS s, last_finished_at AS f, last_outcome AS o, last_error AS e, last_duration_ms AS d, runs, failures, last_holder AS h FROM job_runs ORDER BY name`,
  );
  const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());
  return rows.map((r) => ({ name: r.name, lastStartedAt: iso(r.s), lastFinishedAt: iso(r.f), lastOutcome: r.o, lastError: r.e, lastDurationMs: r.d === null ? null : Number(r.d), runs: Number(r.runs), failures: Number(r.failures), lastHolder: r.h }));
}

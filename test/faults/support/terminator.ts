// Terminates every other backend of a database again and again, from a connection of its own: what
// a failover, a restart or an administrator's pg_terminate_backend does to Cairn's connections.
import postgres from 'postgres';

export interface TerminationReport {
  rounds: number;
  /** Backends terminated over all rounds. */
  terminated: number;
}

export async function terminateBackendsRepeatedly(
  url: string,
  options: { durationMs: number; minPauseMs?: number; maxPauseMs?: number },
): Promise<TerminationReport> {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const report: TerminationReport = { rounds: 0, terminated: 0 };
  const until = Date.now() + options.durationMs;
  const min = options.minPauseMs ?? 50;
  const max = options.maxPauseMs ?? 200;
  try {
    while (Date.now() < until) {
      const rows = await admin<{ ok: boolean }[]>`
        SELECT pg_terminate_backend(pid) ok FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()`;
      report.rounds++;
      report.terminated += rows.filter((r) => r.ok).length;
      await new Promise((resolve) => setTimeout(resolve, min + Math.random() * (max - min)));
    }
  } finally {
    await admin.end({ timeout: 1 });
  }
  return report;
}

// The operations signals as Prometheus gauges, read at each scrape (through the signal cache).
import { Gauge, type Registry } from 'prom-client';
import type { OpsSignals } from './signals.ts';

export function registerOpsMetrics(registry: Registry, read: () => Promise<OpsSignals>): void {
  let current: Promise<OpsSignals | undefined> | undefined;
  // One read per scrape, whichever gauge is collected first.
  const signals = () => (current ??= read().catch(() => undefined).finally(() => setImmediate(() => (current = undefined))));
  const gauge = (name: string, help: string, pick: (s: OpsSignals) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const s = await signals();
        if (s) this.set(pick(s));
      },
    });
  gauge('cairn_outbox_backlog', 'Outbox rows waiting to be sent (rows of paused guilds included).', (s) => s.outboxBacklog);
  gauge('cairn_outbox_failed', 'Outbox rows given up on (failed for good).', (s) => s.outboxFailed);
  gauge('cairn_rule_errors_24h', 'Rule run-time errors recorded in the last 24 hours (every process).', (s) => s.ruleErrors24h);
  gauge('cairn_rules_quarantined', 'Rules disabled by Cairn because they kept failing.', (s) => s.rulesQuarantined);
  gauge('cairn_guilds_paused', 'Guilds whose payouts and Discord actions are paused.', (s) => s.pausedGuilds);
  gauge('cairn_paused_events_held', 'Events of paused guilds waiting to be paid.', (s) => s.heldEvents);
  gauge('cairn_lake_rows', 'Rows in the event lake (counters, not a scan).', (s) => s.lakeRows);
  const age = new Gauge({
    name: 'cairn_job_last_run_age_seconds',
    help: 'Seconds since each scheduled job last started (any process); absent for a job that never ran.',
    labelNames: ['job'] as const,
    registers: [registry],
    async collect() {
      const s = await signals();
      if (!s) return;
      for (const j of s.jobs) if (j.lastRunAgeSeconds !== null) age.set({ job: j.name }, j.lastRunAgeSeconds);
    },
  });
  const failed = new Gauge({
    name: 'cairn_job_last_run_failed',
    help: '1 when a scheduled job failed on its last run.',
    labelNames: ['job'] as const,
    registers: [registry],
    async collect() {
      const s = await signals();
      if (!s) return;
      for (const j of s.jobs) failed.set({ job: j.name }, j.lastOutcome === 'failed' ? 1 : 0);
    },
  });
}

// cairn lake prune | reconcile — the raw lake's retention and the counters' check against it.
import type { Command } from 'commander';
import { deleteExpiredEvents, reconcileCounters } from '../../analytics/retention.ts';
import { action, print, withDatabase } from '../output.ts';

export function registerLake(program: Command): void {
  const lake = program.command('lake').description('the raw event lake: retention and counter reconciliation');
  lake
    .command('prune')
    .description("delete lake events older than each guild's retention window (settings.retention_days, else CAIRN_RETENTION_DAYS, default 90), dropping whole months where every window allows; aggregates, ledger and milestones are kept")
    .option('--json', 'print JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        const result = await withDatabase((database, config) => deleteExpiredEvents(database.db, new Date(), { defaultDays: config.CAIRN_RETENTION_DAYS }));
        print(result, options, () =>
          [
            ...result.guilds.map((g) => `guild ${g.guildId}: ${g.deleted} event(s) before ${g.cutoff} deleted (retention ${g.retentionDays} days)`),
            ...(result.partitions ?? []).map((p) => `partition ${p.table}: ${p.action} (${p.removed.reduce((n, r) => n + r.rows, 0)} row(s), ${Math.round(p.ms)} ms)`),
          ].join('\n') || 'no guilds',
        );
      }),
    );
  lake
    .command('reconcile')
    .description('compare the daily counters with the events the lake still holds; exit 1 when they drift')
    .option('--repair', 'set drifting counters to the lake’s numbers')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { repair?: boolean; json?: boolean }) => {
        const drift = await withDatabase((database) => reconcileCounters(database.db, { repair: options.repair }));
        print({ ok: drift.length === 0, repaired: Boolean(options.repair) && drift.length > 0, drift }, options, () =>
          drift.length === 0
            ? 'counters agree with the lake'
            : [`${drift.length} counter(s) drift from the lake${options.repair ? ' (repaired)' : ''}:`, ...drift.slice(0, 50).map((d) => `- guild ${d.guildId} user ${d.userId} ${d.eventType} ${d.day}: counted ${d.counted}, lake ${d.inLake}`)].join('\n'),
        );
        if (drift.length > 0 && !options.repair) process.exitCode = 1;
      }),
    );
}

// cairn doctor — checks the ledger invariants; exit 1 listing violations.
import type { Command } from 'commander';
import { checkLedger } from '../../ledger/doctor.ts';
import { action, guildOption, print, withDatabase } from '../output.ts';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check the ledger invariants (balances equal their transactions, no forbidden negatives, lifetime earnings, balances within their limits) and that every lake event holds its exactly-once key')
    .option('--guild <id>', 'check one guild only')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { guild?: string; json?: boolean }) => {
        const guildId = options.guild === undefined ? undefined : guildOption(options.guild);
        const violations = await withDatabase((database) => checkLedger(database.db, guildId));
        const report = { ok: violations.length === 0, violations };
        print(report, options, () =>
          report.ok
            ? 'ledger OK: every invariant holds'
            : [`${violations.length} violation(s):`, ...violations.map((v) => `- ${v.invariant} guild ${v.guildId}${v.userId === null ? '' : ` user ${v.userId}`}${v.currencyId === null ? '' : ` currency ${v.currencyId}`}: ${v.detail}`)].join('\n'),
        );
        if (!report.ok) process.exitCode = 1;
      }),
    );
}

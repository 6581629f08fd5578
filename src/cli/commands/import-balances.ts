// cairn import balances FILE --guild ID --currency KEY [--format csv|json] [--dry-run] [--yes]
// — migrate a leveling bot's leaderboard or a CSV of balances (set, idempotent).
import { extname } from 'node:path';
import type { Command } from 'commander';
import { importBalances, parseBalances } from '../../ledger/balance-import.ts';
import { readText } from '../files.ts';
import { action, CliError, guildOption, print, withDatabase } from '../output.ts';

export function registerImport(program: Command): void {
  const imports = program.command('import').description('migrate data from other bots');
  imports
    .command('balances <file>')
    .description("set members' balances of a currency from a CSV or JSON leaderboard export (user id, xp/balance, optional level)")
    .requiredOption('--guild <id>', 'guild id')
    .requiredOption('--currency <key>', 'currency to set (its level curve sets levels when the file has none)')
    .option('--format <format>', 'csv or json (default: from the file extension)')
    .option('--dry-run', 'report what would change, change nothing')
    .option('--yes', 'apply (without it, only the dry-run report is printed)')
    .option('--json', 'print JSON')
    .action(
      action(async (file: string, options: { guild: string; currency: string; format?: string; dryRun?: boolean; yes?: boolean; json?: boolean }) => {
        const guildId = guildOption(options.guild);
        const format = (options.format ?? extname(file).slice(1).toLowerCase()) as string;
        if (format !== 'csv' && format !== 'json') throw new CliError(`--format must be csv or json, got "${format}"`);
        const parsed = parseBalances(await readText(file, 'file'), format);
        const dryRun = options.dryRun === true || options.yes !== true;
        const result = await withDatabase((db) => importBalances(db.db, guildId, options.currency, parsed, { dryRun, actor: 'cli', source: file }));
        if (!result.ok) throw new CliError(result.message);
        const r = result.report;
        print(r, options, () =>
          [
            `${r.dryRun ? 'would change' : 'changed'} ${r.changed} of ${r.members} member(s) in ${r.currency} (net ${r.net >= 0 ? '+' : ''}${r.net}); ${r.unchanged} already matched`,
            ...r.invalid.map((i) => `  skipped line ${i.line}: ${i.reason}`),
            ...(r.dryRun ? ['nothing was written: re-run with --yes to apply'] : []),
          ].join('\n'),
        );
      }),
    );
}

// cairn backtest --guild ID --rules FILE [--days N]
import type { Command } from 'commander';
import { backtest, BacktestError } from '../../rules/backtest.ts';
import { readJsonFile } from '../files.ts';
import { action, CliError, guildOption, print, withDatabase } from '../output.ts';

export function registerBacktest(program: Command): void {
  program
    .command('backtest')
    .description("replay a guild's recorded events through candidate rules and print the payout difference per currency and member")
    .requiredOption('--guild <id>', 'guild id')
    .requiredOption('--rules <file>', 'candidate rules (JSON array), overlaid on the live rules by key')
    .option('--days <n>', 'how many days of recorded events to replay', '30')
    .option('--json', 'print compact JSON')
    .action(
      action(async (options: { guild: string; rules: string; days: string; json?: boolean }) => {
        const guildId = guildOption(options.guild);
        const days = Number(options.days);
        if (!Number.isInteger(days) || days < 1 || days > 3650) throw new CliError(`--days must be a whole number of days from 1 to 3650, got ${JSON.stringify(options.days)}`);
        const candidates = await readJsonFile(options.rules, 'rules file');
        if (!Array.isArray(candidates)) throw new CliError('--rules must hold a JSON array of rule documents');
        const result = await withDatabase((database) => backtest(database, guildId, candidates, { days })).catch((error: unknown) => {
          throw error instanceof BacktestError ? new CliError(error.message) : error;
        });
        print(result, { json: options.json }, () => {
          const lines = [`${result.events} events of guild ${result.guild} from ${result.from} to ${result.to}; rules replaced: ${result.rules.replaced.join(', ') || 'none'}, added: ${result.rules.added.join(', ') || 'none'}`];
          for (const [key, p] of Object.entries(result.currencies)) lines.push(`  ${key.padEnd(16)} live ${p.live}  candidate ${p.candidate}  difference ${p.difference > 0 ? '+' : ''}${p.difference}`);
          lines.push(`${Object.keys(result.members).length} member(s) paid differently, ${result.unchangedMembers} the same`);
          for (const [userId, wallets] of Object.entries(result.members).slice(0, 50)) {
            lines.push(`  ${userId}  ${Object.entries(wallets).map(([k, p]) => `${k} ${p.difference > 0 ? '+' : ''}${p.difference}`).join('  ')}`);
          }
          return lines.join('\n');
        });
      }),
    );
}

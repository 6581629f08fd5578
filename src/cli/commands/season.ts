// cairn season roll --guild ID [--at ISO] [--name NAME] — close the current season and open the next.
import type { Command } from 'commander';
import { rollSeason } from '../../ledger/seasons.ts';
import { action, CliError, guildOption, print, withDatabase } from '../output.ts';

export function registerSeason(program: Command): void {
  const season = program.command('season').description('seasons of seasonal currencies and season-scoped milestones');
  season
    .command('roll')
    .description('snapshot and reset seasonal wallets and open the next season (idempotent per boundary)')
    .requiredOption('--guild <id>', 'guild id')
    .option('--at <iso-time>', 'the boundary (default: now)')
    .option('--name <name>', 'name of the new season')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { guild: string; at?: string; name?: string; json?: boolean }) => {
        const guildId = guildOption(options.guild);
        const boundary = options.at ? new Date(options.at) : new Date();
        if (Number.isNaN(boundary.getTime())) throw new CliError(`--at must be an ISO date-time, got "${options.at}"`);
        const result = await withDatabase((database) => rollSeason(database.db, guildId, { boundary, ...(options.name ? { name: options.name } : {}) }));
        print(result, options, () =>
          result.status === 'rolled'
            ? `closed ${result.closed.name}, opened ${result.opened.name}; ${result.walletsReset} seasonal wallet(s) reset`
            : `nothing to do: ${result.current.name} already starts at or after ${boundary.toISOString()}`,
        );
      }),
    );
}

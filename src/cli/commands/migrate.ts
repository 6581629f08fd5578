// cairn migrate — applies pending migrations to the configured database.
import type { Command } from 'commander';
import { action, print, withDatabase } from '../output.ts';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply database migrations (also done automatically by npm start)')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        const result = await withDatabase(async (database) => ({ database: database.kind, location: database.location, migrated: true }));
        print(result, options, () => `migrations applied to ${result.database} (${result.location})`);
      }),
    );
}

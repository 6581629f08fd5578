// The `cairn` command: one file per command under commands/.
import { Command, CommanderError } from 'commander';
import { registerBacktest } from './commands/backtest.ts';
import { registerDoctor } from './commands/doctor.ts';
import { registerDryRun } from './commands/dry-run.ts';
import { registerImport } from './commands/import-balances.ts';
import { registerLake } from './commands/lake.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerPreset } from './commands/preset.ts';
import { registerMilestones } from './commands/milestones.ts';
import { registerSeason } from './commands/season.ts';
import { registerSimulate } from './commands/simulate.ts';
import { fail } from './output.ts';

const program = new Command()
  .name('cairn')
  .description('Cairn: a Discord gamification bot whose behaviour is data')
  .showHelpAfterError()
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

registerMigrate(program);
registerLake(program);
registerDoctor(program);
registerSimulate(program);
registerDryRun(program);
registerBacktest(program);
registerMilestones(program);
registerSeason(program);
registerPreset(program);
registerImport(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // help and version exit 0; usage errors were already printed by commander
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  fail(error);
}

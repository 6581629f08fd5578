// cairn milestones recheck --guild ID [--milestone KEY …] — award templates retroactively.
import type { Command } from 'commander';
import { recheckMilestones } from '../../milestones/repository.ts';
import { action, guildOption, print, withDatabase } from '../output.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerMilestones(program: Command): void {
  const milestones = program.command('milestones').description('milestone templates and awards');
  milestones
    .command('recheck')
    .description('award milestones to every member who already qualifies (after a template was created or changed)')
    .requiredOption('--guild <id>', 'guild id')
    .option('--milestone <key>', 'only this template (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action(
      action(async (options: { guild: string; milestone: string[]; json?: boolean }) => {
        const guildId = guildOption(options.guild);
        const result = await withDatabase((database) => recheckMilestones(database.db, guildId, options.milestone.length > 0 ? { keys: options.milestone } : {}));
        print(result, options, () => `checked ${result.members} member(s); awarded ${result.awarded.length}${result.awarded.map((a) => `\n- ${a.member}: ${a.milestone}`).join('')}`);
      }),
    );
}

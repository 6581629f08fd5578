// cairn simulate --preset FILE --events FILE.jsonl [--bind NAME=ID …]
import type { Command } from 'commander';
import { loadRecipeFile, RecipeFileError } from '../../presets/load.ts';
import { parseBindingArgs } from '../../presets/recipe.ts';
import { simulate, SimulationError } from '../../presets/simulate.ts';
import { parseJsonLines, readText } from '../files.ts';
import { action, CliError, print } from '../output.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('replay events through a fresh embedded database with a preset, and print each member\'s outcome')
    .requiredOption('--preset <file>', 'recipe JSON file (e.g. presets/classic.json)')
    .requiredOption('--events <file>', 'events as JSON Lines, one LakeEvent per line ("-" for stdin)')
    .option('--bind <name=id>', 'bind a channel or role placeholder (repeatable)', collect, [])
    .option('--json', 'print compact JSON')
    .action(
      action(async (options: { preset: string; events: string; bind: string[]; json?: boolean }) => {
        const recipe = await loadRecipeFile(options.preset).catch((error: unknown) => {
          throw error instanceof RecipeFileError ? new CliError(error.message) : error;
        });
        const bindings = parseBindingArgs(options.bind, recipe);
        if (!bindings.ok) throw new CliError(bindings.message);
        const lines = parseJsonLines(await readText(options.events, 'events file'));
        const result = await simulate(recipe, { lines }, { bindings: bindings.bindings }).catch((error: unknown) => {
          throw error instanceof SimulationError ? new CliError(error.message) : error;
        });
        for (const r of result.rejections.slice(0, 20)) process.stderr.write(`rejected line ${r.line}: ${r.errors.join('; ')}\n`);
        if (result.unbound.length > 0) process.stderr.write(`note: unbound placeholders never match: ${result.unbound.join(', ')}\n`);
        const output = { events: result.events, members: result.members };
        if (options.json) print(output, { json: true }, () => '');
        else process.stdout.write(JSON.stringify(output, null, 2) + '\n');
        // Nothing was simulated: a run that looks successful would hide a wrong file or format.
        const { accepted, duplicate, rejected } = result.events;
        const first = result.rejections[0];
        if (rejected > 0 && accepted + duplicate === 0) {
          throw new CliError(`every event was rejected (${rejected} of ${rejected} lines); first: line ${first?.line}: ${first?.errors.join('; ')}`);
        }
      }),
    );
}

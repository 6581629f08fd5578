// cairn dry-run --event FILE|- (--preset FILE | --guild ID) [--rules FILE]
import type { Command } from 'commander';
import { parseLakeEvent } from '../../events/lake-event.ts';
import { loadRecipeFile, RecipeFileError } from '../../presets/load.ts';
import { parseBindingArgs, recipeConfigInput } from '../../presets/recipe.ts';
import { compileConfig, type ConfigInput } from '../../rules/compiler.ts';
import { dryRun, loadStateForDryRun, milestonesForDryRun, withCandidateRules } from '../../rules/dry-run.ts';
import { loadConfigInput } from '../../rules/repository.ts';
import { MemoryState } from '../../rules/state.ts';
import { readJsonFile } from '../files.ts';
import { action, CliError, guildOption, print, withDatabase } from '../output.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerDryRun(program: Command): void {
  program
    .command('dry-run')
    .description('show what the rules would do with an event (trace of every rule), writing nothing')
    .requiredOption('--event <file>', 'a LakeEvent as JSON ("-" for stdin)')
    .option('--preset <file>', 'evaluate against a recipe, from zero balances')
    .option('--guild <id>', "evaluate against a guild's live rules and members' balances")
    .option('--rules <file>', 'candidate rules (JSON array) overlaid on the live or preset rules, by key')
    .option('--bind <name=id>', 'bind a placeholder of the preset (repeatable)', collect, [])
    .option('--json', 'print compact JSON')
    .action(
      action(async (options: { event: string; preset?: string; guild?: string; rules?: string; bind: string[]; json?: boolean }) => {
        if (!!options.preset === !!options.guild) throw new CliError('give exactly one of --preset FILE or --guild ID');
        const parsed = parseLakeEvent(await readJsonFile(options.event, 'event file'));
        if (!parsed.ok) throw new CliError(`the event is invalid: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
        const event = parsed.value;
        const candidates = options.rules ? await readJsonFile(options.rules, 'rules file') : undefined;
        if (candidates !== undefined && !Array.isArray(candidates)) throw new CliError('--rules must hold a JSON array of rule documents');
        const compile = (input: ConfigInput) => (candidates ? withCandidateRules(input, candidates) : compileConfig(input));
        let result;
        if (options.preset) {
          const recipe = await loadRecipeFile(options.preset).catch((error: unknown) => {
            throw error instanceof RecipeFileError ? new CliError(error.message) : error;
          });
          const bindings = parseBindingArgs(options.bind, recipe);
          if (!bindings.ok) throw new CliError(bindings.message);
          result = dryRun(compile(recipeConfigInput(recipe, event.guild_id, bindings.bindings)), new MemoryState(event.guild_id), event);
        } else {
          const guildId = guildOption(options.guild);
          if (event.guild_id !== guildId) throw new CliError(`the event belongs to guild ${event.guild_id}, not ${guildId}`);
          result = await withDatabase(async (database) => {
            const config = compile(await loadConfigInput(database.db, guildId));
            const state = await loadStateForDryRun(database.db, config, event);
            return dryRun(config, state, event, await milestonesForDryRun(database.db, config, state, event));
          });
        }
        if (options.json) print(result, { json: true }, () => '');
        else process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      }),
    );
}

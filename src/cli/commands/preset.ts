// cairn preset import|diff|export — recipes in and out of a guild, the diff always shown first.
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { diffText } from '../../presets/diff-text.ts';
import { exportGuild, recipeText } from '../../presets/export.ts';
import { importRecipe } from '../../presets/import.ts';
import { loadRecipeFile, RecipeFileError } from '../../presets/load.ts';
import { parseBindingArgs, type Recipe } from '../../presets/recipe.ts';
import { action, CliError, guildOption, print, withDatabase } from '../output.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

async function load(file: string): Promise<Recipe> {
  return loadRecipeFile(file).catch((error: unknown) => {
    throw error instanceof RecipeFileError ? new CliError(error.message) : error;
  });
}

function mode(value: string | undefined): 'merge' | 'replace' {
  if (value === undefined || value === 'merge' || value === 'replace') return value ?? 'merge';
  throw new CliError(`--mode must be merge or replace, got "${value}"`);
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export function registerPreset(program: Command): void {
  const preset = program.command('preset').description('import, diff and export recipes (presets)');

  preset
    .command('diff <file>')
    .description('show what importing a recipe would add, change and remove')
    .requiredOption('--guild <id>', 'guild id')
    .option('--bind <name=id>', 'bind a channel or role placeholder (repeatable)', collect, [])
    .option('--mode <mode>', 'merge (keep what the recipe does not mention) or replace', 'merge')
    .option('--json', 'print JSON')
    .action(
      action(async (file: string, options: { guild: string; bind: string[]; mode?: string; json?: boolean }) => {
        const guildId = guildOption(options.guild);
        const recipe = await load(file);
        const bindings = parseBindingArgs(options.bind, recipe);
        if (!bindings.ok) throw new CliError(bindings.message);
        const result = await withDatabase((db) => importRecipe(db.db, guildId, recipe, { bindings: bindings.bindings, actor: 'cli', dryRun: true, mode: mode(options.mode), allowUnbound: true }));
        if (!result.ok) throw new CliError(`the recipe cannot be imported: ${result.problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ')}`);
        print({ diff: result.diff, unbound: result.summary.unbound }, options, () => diffText(result.diff) + (result.summary.unbound.length ? `\nunbound placeholders: ${result.summary.unbound.join(', ')}` : ''));
      }),
    );

  preset
    .command('import <file>')
    .description('import a recipe into a guild (shows the diff; applies with --yes or after confirmation)')
    .requiredOption('--guild <id>', 'guild id')
    .option('--bind <name=id>', 'bind a channel or role placeholder (repeatable)', collect, [])
    .option('--mode <mode>', 'merge (keep what the recipe does not mention) or replace', 'merge')
    .option('--yes', 'apply without asking')
    .option('--json', 'print JSON')
    .action(
      action(async (file: string, options: { guild: string; bind: string[]; mode?: string; yes?: boolean; json?: boolean }) => {
        const guildId = guildOption(options.guild);
        const recipe = await load(file);
        const bindings = parseBindingArgs(options.bind, recipe);
        if (!bindings.ok) throw new CliError(bindings.message);
        const how = mode(options.mode);
        await withDatabase(async (database) => {
          const plan = await importRecipe(database.db, guildId, recipe, { bindings: bindings.bindings, actor: 'cli', dryRun: true, mode: how });
          if (!plan.ok) throw new CliError(`the recipe cannot be imported: ${plan.problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ')}`);
          if (!options.json) process.stderr.write(diffText(plan.diff) + '\n');
          if (plan.diff.identical) {
            print({ applied: false, diff: plan.diff }, options, () => 'nothing to import');
            return;
          }
          if (!options.yes && !(await confirm('Apply these changes? [y/N] '))) throw new CliError('not applied: confirm, or pass --yes', 3);
          const result = await importRecipe(database.db, guildId, recipe, { bindings: bindings.bindings, actor: 'cli', mode: how });
          if (!result.ok) throw new CliError(`the import failed: ${result.problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ')}`);
          print({ applied: result.applied, summary: result.summary, diff: result.diff }, options, () => `imported ${recipe.name} into guild ${guildId}`);
        });
      }),
    );

  preset
    .command('export')
    .description("write a guild's configuration as a recipe (stdout, or --out FILE)")
    .requiredOption('--guild <id>', 'guild id')
    .option('--out <file>', 'write to a file')
    .action(
      action(async (options: { guild: string; out?: string }) => {
        const guildId = guildOption(options.guild);
        const text = recipeText(await withDatabase((database) => exportGuild(database.db, guildId)));
        if (options.out) await writeFile(options.out, text);
        else process.stdout.write(text);
      }),
    );
}

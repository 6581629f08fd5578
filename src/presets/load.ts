// Loading a recipe file, with its problems as one readable message.
import { readFile, stat } from 'node:fs/promises';
import { parseRecipe } from './import.ts';
import { MAX_RECIPE_BYTES, type Recipe } from './recipe.ts';

export class RecipeFileError extends Error {}

export async function loadRecipeFile(path: string): Promise<Recipe> {
  let text: string;
  try {
    const size = (await stat(path)).size;
    if (size > MAX_RECIPE_BYTES) throw new RecipeFileError(`preset ${path} is ${size} bytes; the limit is ${MAX_RECIPE_BYTES}`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof RecipeFileError) throw error;
    throw new RecipeFileError(`cannot read preset ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RecipeFileError(`preset ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = parseRecipe(json);
  if (!parsed.ok) {
    throw new RecipeFileError(`preset ${path} is invalid: ${parsed.problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
  return parsed.recipe;
}

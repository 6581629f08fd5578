// Reading the files CLI commands are given, with one-line errors naming the file and the problem.
import { readFile } from 'node:fs/promises';
import { CliError } from './output.ts';

export async function readText(path: string, what: string): Promise<string> {
  try {
    return path === '-' ? await readStdin() : await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export async function readJsonFile(path: string, what: string): Promise<unknown> {
  const text = await readText(path, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** JSON Lines: one value per non-empty line; a bad line is reported with its number, not thrown. */
export function parseJsonLines(text: string): { line: number; value?: unknown; error?: string }[] {
  const out: { line: number; value?: unknown; error?: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      out.push({ line: i + 1, value: JSON.parse(raw) });
    } catch (error) {
      out.push({ line: i + 1, error: `line ${i + 1} is not valid JSON: ${(error as Error).message}` });
    }
  });
  return out;
}

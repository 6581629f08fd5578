// How every CLI command reports: JSON on stdout with --json (or text), one line on stderr and a
// non-zero exit on failure — never a stack trace.
import { ConfigError, parseEnv, type Env } from '../config/env.ts';
import { DataDirLockedError } from '../db/data-dir-lock.ts';
import type { Database } from '../db/client.ts';
import { openFromEnv } from '../db/open.ts';
import { takeStartupLock } from '../app/startup-lock.ts';

/** An expected failure with the exit code it deserves (2 = bad usage or input, 1 = check failed). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'CliError';
  }
}

export interface OutputOptions {
  json?: boolean;
}

export function print(value: unknown, options: OutputOptions, text: () => string): void {
  process.stdout.write((options.json ? JSON.stringify(value) : text()) + '\n');
}

export function env(): Env {
  return parseEnv(process.env);
}

/**
 * Opens the configured database for one command and always closes it. Its migrations wait for the
 * startup lock, as a starting process's do: a command run while a cluster starts (or another
 * command) never migrates beside them.
 */
export async function withDatabase<T>(fn: (database: Database, env: Env) => Promise<T>, options: { migrate?: boolean } = {}): Promise<T> {
  const config = env();
  const migrating = options.migrate ?? true;
  const startup = migrating ? await takeStartupLock(config) : undefined;
  let database: Database;
  try {
    database = await openFromEnv(config, options);
  } finally {
    await startup?.release();
  }
  try {
    return await fn(database, config);
  } finally {
    await database.close();
  }
}

export function fail(error: unknown): never {
  let message: string;
  let code = 1;
  if (error instanceof CliError) {
    message = error.message;
    code = error.exitCode;
  } else if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    message = error.message;
    code = 2;
  } else if (error instanceof Error) {
    message = `unexpected error: ${error.message}`;
  } else {
    message = `unexpected error: ${String(error)}`;
  }
  process.stderr.write(`cairn: ${message.replace(/\s+/g, ' ').trim()}\n`);
  process.exit(code);
}

/** Wraps a command action so any failure becomes one line on stderr and an exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      fail(error);
    }
  };
}

export const SNOWFLAKE_ARG = /^[0-9]{1,20}$/;

export function guildOption(value: string | undefined, name = '--guild'): string {
  if (!value || !SNOWFLAKE_ARG.test(value)) throw new CliError(`${name} must be a guild id (digits), got ${JSON.stringify(value ?? '')}`);
  return value;
}

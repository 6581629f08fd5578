// Request parsing at the API boundary: JSON bodies and zod schemas, errors with field paths.
import type { Context } from 'hono';
import type { z } from 'zod';
import { parseBoundedJson, unstorableStrings } from '../db/storable.ts';
import { formatPath } from '../rules/compiler.ts';
import { ApiError } from './errors.ts';

export interface ReadJsonOptions {
  /**
   * Refuse the whole body when any string in it cannot be stored (NUL, lone surrogates). The events
   * route turns this off and refuses such events one by one, so their valid siblings are kept.
   */
  storableText?: boolean;
}

export async function readJson(c: Context, options: ReadJsonOptions = {}): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ApiError('unsupported_media_type', 'the request body must be JSON (Content-Type: application/json)');
  }
  const text = await c.req.text();
  if (text.trim() === '') throw new ApiError('invalid_json', 'the request body is empty; expected JSON');
  return parseBody(text, options);
}

/** A JSON body that may be absent (empty body → undefined); a present one must be valid JSON. */
export async function readOptionalJson(c: Context, options: ReadJsonOptions = {}): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  return parseBody(text, options);
}

/** Parses a body: nesting is bounded before parsing, and text Postgres cannot store is refused with its path. */
function parseBody(text: string, options: ReadJsonOptions): unknown {
  const parsed = parseBoundedJson(text);
  if (!parsed.ok) throw new ApiError('invalid_json', `the request body is not valid JSON: ${parsed.message}`);
  if (options.storableText !== false) {
    const problems = unstorableStrings(parsed.value);
    if (problems.length > 0) throw new ApiError('validation_failed', 'the request body holds text that cannot be stored', problems);
  }
  return parsed.value;
}

/** Each problem at its field path, written as everywhere else in Cairn: `effects[0].amount`. */
export function zodDetails(error: z.ZodError, prefix = ''): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: formatPath([...(prefix ? [prefix] : []), ...issue.path]) || '(root)',
    message: issue.message,
  }));
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ApiError('validation_failed', `the ${what} is invalid`, zodDetails(result.error));
  }
  return result.data;
}

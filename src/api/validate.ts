// Request parsing at the API boundary: JSON bodies and zod schemas, errors with field paths.
import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from './errors.ts';

export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ApiError('unsupported_media_type', 'the request body must be JSON (Content-Type: application/json)');
  }
  const text = await c.req.text();
  if (text.trim() === '') throw new ApiError('invalid_json', 'the request body is empty; expected JSON');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError('invalid_json', `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** A JSON body that may be absent (empty body → undefined); a present one must be valid JSON. */
export async function readOptionalJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError('invalid_json', `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

export function zodDetails(error: z.ZodError, prefix = ''): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)',
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

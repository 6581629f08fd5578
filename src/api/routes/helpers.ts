// Small helpers shared by route modules: who is acting, and turning save results into responses.
import type { Context } from 'hono';
import type { SaveResult } from '../../rules/repository.ts';
import { ApiError } from '../errors.ts';
import type { AppEnv } from '../types.ts';

/** The audit log's "who": the operator, a Discord user, or a named API token. */
export function actorOf(c: Context<AppEnv>): string {
  const p = c.get('principal');
  return p.kind === 'admin' ? 'operator' : p.id.startsWith('token:') ? `${p.id} (${p.name})` : `discord:${p.id} (${p.name})`;
}

export function guildOf(c: Context<AppEnv>): string {
  return c.req.param('guildId')!;
}

/** The value of a successful save, or a 422 listing each problem with its path. */
export function saved<T>(result: SaveResult<T>, what: string): T {
  if (!result.ok) throw new ApiError('validation_failed', `the ${what} is invalid`, result.problems);
  return result.value;
}

/** Routes take documents keyed by the URL: the body's key, if given, must agree. */
export function withKey(body: unknown, key: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError('validation_failed', 'the body must be a JSON object', [{ path: '(root)', message: 'must be an object' }]);
  const doc = body as Record<string, unknown>;
  if (doc.key !== undefined && doc.key !== key) throw new ApiError('validation_failed', 'the key in the body differs from the URL', [{ path: 'key', message: `must be "${key}" (as in the URL)` }]);
  return { ...doc, key };
}

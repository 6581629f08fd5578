// Credentials for every /api route: a bearer token (operator) or a panel session. Who may manage
// which guild is decided here and nowhere else.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.ts';
import type { AppEnv, Principal } from '../types.ts';

export interface Authenticator {
  /** The principal behind a bearer token or session id, or undefined if it is not valid. */
  authenticate(credential: { bearer?: string; session?: string }): Promise<Principal | undefined>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time comparison of secrets of any length. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The operator token: admin rights on every guild. */
export class AdminTokenAuthenticator implements Authenticator {
  constructor(private readonly adminToken: string) {}

  async authenticate(credential: { bearer?: string }): Promise<Principal | undefined> {
    if (credential.bearer && sameSecret(credential.bearer, this.adminToken)) {
      return { kind: 'admin', id: 'admin-token' };
    }
    return undefined;
  }
}

export function requireAuth(authenticators: Authenticator[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const bearer = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    if (header && !bearer) throw new ApiError('unauthorized', 'the Authorization header must be "Bearer <token>"');
    const session = c.get('sessionId');
    if (!bearer && !session) throw new ApiError('unauthorized', 'credentials are required: send Authorization: Bearer <token>');
    for (const authenticator of authenticators) {
      const principal = await authenticator.authenticate({ ...(bearer ? { bearer } : {}), ...(session ? { session } : {}) });
      if (principal) {
        c.set('principal', principal);
        return next();
      }
    }
    throw new ApiError('unauthorized', 'the credentials are not valid');
  };
}

export function canManageGuild(principal: Principal, guildId: string): boolean {
  return principal.kind === 'admin' || principal.guildIds.includes(guildId);
}

/** Guards /api/guilds/:guildId/*: a guild the caller may not manage is 403 and reveals nothing. */
export const requireGuildAccess: MiddlewareHandler<AppEnv> = async (c, next) => {
  const guildId = c.req.param('guildId');
  if (!guildId || !/^[0-9]{1,20}$/.test(guildId)) {
    throw new ApiError('bad_request', 'the guild id in the URL must be a snowflake string of digits', [
      { path: 'guildId', message: 'must be digits' },
    ]);
  }
  if (!canManageGuild(c.get('principal'), guildId)) {
    throw new ApiError('forbidden', 'you may not manage this guild');
  }
  return next();
};

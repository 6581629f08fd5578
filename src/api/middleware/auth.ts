// Credentials for every /api route: a bearer token (the operator's, or a guild-scoped API token) or
// the panel's session cookie. Cookie-authenticated changes must carry the session's CSRF token.
// Who may manage which guild is decided here and nowhere else.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Database } from '../../db/client.ts';
import { ApiError } from '../errors.ts';
import { adminFingerprint, findApiToken, findSession, SESSION_COOKIE, type SessionOrigin } from '../auth/sessions.ts';
import type { AppEnv, Principal } from '../types.ts';

export interface Credential {
  bearer?: string;
  session?: string;
}

export interface Authenticated {
  principal: Principal;
  /** Set when the credential was a session cookie: changes must echo it (CSRF). */
  csrf?: string;
  /** Set for a token: what a panel session opened with it depends on. */
  origin?: SessionOrigin;
}

export interface Authenticator {
  authenticate(credential: Credential): Promise<Authenticated | undefined>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time comparison of secrets of any length. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The operator token: admin rights on every guild. */
export class AdminTokenAuthenticator implements Authenticator {
  readonly #fingerprint: Promise<string>;

  constructor(private readonly adminToken: string) {
    // Started now, so it is ready (off the event loop) before the first login needs it.
    this.#fingerprint = adminFingerprint(adminToken);
  }

  async authenticate(credential: Credential): Promise<Authenticated | undefined> {
    if (!credential.bearer || !sameSecret(credential.bearer, this.adminToken)) return undefined;
    return { principal: { kind: 'admin', id: 'admin-token' }, origin: { kind: 'admin-token', fingerprint: await this.#fingerprint } };
  }
}

/** Guild-scoped API tokens issued by the operator. */
export class ApiTokenAuthenticator implements Authenticator {
  constructor(private readonly database: Database) {}

  async authenticate(credential: Credential): Promise<Authenticated | undefined> {
    if (!credential.bearer?.startsWith('cairn_')) return undefined;
    const found = await findApiToken(this.database.db, credential.bearer);
    return found ? { principal: found.principal, origin: { kind: 'api-token', tokenId: found.tokenId } } : undefined;
  }
}

/** The panel's session cookie; operator sessions only while they match the current operator token. */
export class SessionAuthenticator implements Authenticator {
  readonly #adminFingerprint: Promise<string>;

  constructor(
    private readonly database: Database,
    adminToken: string,
  ) {
    this.#adminFingerprint = adminFingerprint(adminToken);
  }

  async authenticate(credential: Credential): Promise<Authenticated | undefined> {
    if (!credential.session) return undefined;
    const session = await findSession(this.database.db, credential.session, await this.#adminFingerprint);
    return session ? { principal: session.principal, csrf: session.csrf } : undefined;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function requireAuth(authenticators: Authenticator[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const bearer = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    if (header && !bearer) throw new ApiError('unauthorized', 'the Authorization header must be "Bearer <token>"');
    const session = bearer ? undefined : getCookie(c, SESSION_COOKIE);
    if (!bearer && !session) throw new ApiError('unauthorized', 'credentials are required: log in, or send Authorization: Bearer <token>');
    const credential: Credential = bearer ? { bearer } : { session: session! };
    for (const authenticator of authenticators) {
      const found = await authenticator.authenticate(credential);
      if (!found) continue;
      if (found.csrf !== undefined) {
        c.set('sessionId', session);
        c.set('csrf', found.csrf);
        // A cookie rides along with any request a browser makes; a changing request must also
        // prove it was made by the panel, which alone can read the session's CSRF token.
        if (!SAFE_METHODS.has(c.req.method)) {
          const sent = c.req.header('x-csrf-token');
          if (!sent || !sameSecret(sent, found.csrf)) throw new ApiError('forbidden', 'the CSRF token is missing or wrong (send X-CSRF-Token from /api/auth/me)');
        }
      }
      c.set('principal', found.principal);
      return next();
    }
    throw new ApiError('unauthorized', bearer ? 'the token is not valid' : 'the session has expired; log in again');
  };
}

export function canManageGuild(principal: Principal, guildId: string): boolean {
  return principal.kind === 'admin' || principal.guildIds.includes(guildId);
}

/** Guards /api/guilds/:guildId/*: a guild the caller may not manage is 403 and reveals nothing. */
export const requireGuildAccess: MiddlewareHandler<AppEnv> = async (c, next) => {
  const guildId = c.req.param('guildId');
  if (!guildId || !/^[0-9]{1,20}$/.test(guildId)) {
    throw new ApiError('bad_request', 'the guild id in the URL must be a snowflake string of digits', [{ path: 'guildId', message: 'must be digits' }]);
  }
  if (!canManageGuild(c.get('principal'), guildId)) throw new ApiError('forbidden', 'you may not manage this guild');
  return next();
};

/** Operator-only routes (issuing tokens, listing every guild's data). */
export const requireOperator: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get('principal').kind !== 'admin') throw new ApiError('forbidden', 'only the operator may do this');
  return next();
};

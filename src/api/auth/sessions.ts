// Panel sessions and guild-scoped API tokens. Secrets are random and shown once; the database
// keeps only their SHA-256, so a leaked table opens nothing.
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { eq, lt } from 'drizzle-orm';
import type { Db, Executor } from '../../db/client.ts';
import { apiTokens, sessions } from '../../db/schema.ts';
import type { Principal } from '../types.ts';

export const SESSION_COOKIE = 'cairn_session';
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');
export const newSecret = (bytes = 32) => randomBytes(bytes).toString('base64url');

/**
 * What a session was opened with; a session lives no longer than its credential. Revoking a guild
 * token deletes its sessions (a foreign key); an operator session is refused once the process runs
 * with another CAIRN_ADMIN_TOKEN. Discord logins depend on no Cairn credential.
 */
export type SessionOrigin = { kind: 'admin-token'; fingerprint: string } | { kind: 'api-token'; tokenId: number } | { kind: 'discord' };

/**
 * A fingerprint of the operator token, stored with operator sessions. scrypt, not SHA-256: the
 * operator picks this token (16 characters at least), so a leaked sessions table must not make
 * guessing it cheap. Computed once per token, off the event loop (scrypt takes 50-300 ms here).
 */
const fingerprints = new Map<string, Promise<string>>();
const scryptAsync = promisify(scrypt) as (password: string, salt: string, length: number) => Promise<Buffer>;
export function adminFingerprint(adminToken: string): Promise<string> {
  let fingerprint = fingerprints.get(adminToken);
  if (!fingerprint) {
    fingerprint = scryptAsync(adminToken, 'cairn:operator-session:v1', 32).then((key) => key.toString('base64url'));
    fingerprints.set(adminToken, fingerprint);
  }
  return fingerprint;
}

export interface Session {
  principal: Principal;
  csrf: string;
  expiresAt: Date;
}

export async function createSession(exec: Executor, principal: Principal, origin: SessionOrigin): Promise<{ id: string; csrf: string; expiresAt: Date }> {
  if ((principal.kind === 'admin') !== (origin.kind === 'admin-token')) throw new Error('an operator session comes from the operator token, and only from it');
  const id = newSecret();
  const csrf = newSecret(24);
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await exec.insert(sessions).values({
    idHash: hashSecret(id),
    kind: principal.kind,
    subject: principal.id,
    name: principal.kind === 'admin' ? 'operator' : principal.name,
    guildIds: principal.kind === 'admin' ? null : principal.guildIds,
    csrf,
    apiTokenId: origin.kind === 'api-token' ? origin.tokenId : null,
    adminFingerprint: origin.kind === 'admin-token' ? origin.fingerprint : null,
    expiresAt,
  });
  return { id, csrf, expiresAt };
}

/** A live session; an operator session only while its fingerprint is the current operator token's. */
export async function findSession(exec: Executor, id: string, currentAdminFingerprint: string): Promise<Session | undefined> {
  const [row] = await exec.select().from(sessions).where(eq(sessions.idHash, hashSecret(id)));
  if (!row || row.expiresAt.getTime() < Date.now()) return undefined;
  if (row.guildIds === null) {
    if (row.adminFingerprint === null || !sameText(row.adminFingerprint, currentAdminFingerprint)) return undefined;
    return { principal: { kind: 'admin', id: row.subject }, csrf: row.csrf, expiresAt: row.expiresAt };
  }
  return { principal: { kind: 'user', id: row.subject, name: row.name, guildIds: row.guildIds }, csrf: row.csrf, expiresAt: row.expiresAt };
}

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export async function deleteSession(exec: Executor, id: string): Promise<void> {
  await exec.delete(sessions).where(eq(sessions.idHash, hashSecret(id)));
  await exec.delete(sessions).where(lt(sessions.expiresAt, new Date()));
}

export interface IssuedToken {
  id: number;
  name: string;
  guildIds: string[];
  token: string;
}

export async function issueApiToken(exec: Executor, name: string, guildIds: string[], createdBy: string): Promise<IssuedToken> {
  const token = `cairn_${newSecret()}`;
  const [row] = await exec.insert(apiTokens).values({ name, tokenHash: hashSecret(token), guildIds, createdBy }).returning();
  return { id: row!.id, name, guildIds, token };
}

export async function findApiToken(exec: Executor, token: string): Promise<{ principal: Principal; tokenId: number } | undefined> {
  const [row] = await exec.select().from(apiTokens).where(eq(apiTokens.tokenHash, hashSecret(token)));
  if (!row) return undefined;
  await exec.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, row.id));
  return { principal: { kind: 'user', id: `token:${row.id}`, name: row.name, guildIds: row.guildIds }, tokenId: row.id };
}

/** Revokes a token and, in the same transaction, ends every session opened with it. */
export async function revokeApiToken(db: Db, id: number): Promise<{ sessionsEnded: number } | undefined> {
  return db.transaction(async (tx) => {
    const ended = await tx.delete(sessions).where(eq(sessions.apiTokenId, id)).returning({ idHash: sessions.idHash });
    const [removed] = await tx.delete(apiTokens).where(eq(apiTokens.id, id)).returning({ id: apiTokens.id });
    return removed ? { sessionsEnded: ended.length } : undefined;
  });
}

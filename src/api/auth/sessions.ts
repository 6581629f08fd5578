// Panel sessions and guild-scoped API tokens. Secrets are random and shown once; the database
// keeps only their SHA-256, so a leaked table opens nothing.
import { createHash, randomBytes } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { apiTokens, sessions } from '../../db/schema.ts';
import type { Principal } from '../types.ts';

export const SESSION_COOKIE = 'cairn_session';
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');
export const newSecret = (bytes = 32) => randomBytes(bytes).toString('base64url');

export interface Session {
  principal: Principal;
  csrf: string;
  expiresAt: Date;
}

export async function createSession(exec: Executor, principal: Principal): Promise<{ id: string; csrf: string; expiresAt: Date }> {
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
    expiresAt,
  });
  return { id, csrf, expiresAt };
}

export async function findSession(exec: Executor, id: string): Promise<Session | undefined> {
  const [row] = await exec.select().from(sessions).where(eq(sessions.idHash, hashSecret(id)));
  if (!row || row.expiresAt.getTime() < Date.now()) return undefined;
  const principal: Principal =
    row.guildIds === null ? { kind: 'admin', id: row.subject } : { kind: 'user', id: row.subject, name: row.name, guildIds: row.guildIds };
  return { principal, csrf: row.csrf, expiresAt: row.expiresAt };
}

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

export async function findApiToken(exec: Executor, token: string): Promise<Principal | undefined> {
  const [row] = await exec.select().from(apiTokens).where(eq(apiTokens.tokenHash, hashSecret(token)));
  if (!row) return undefined;
  await exec.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, row.id));
  return { kind: 'user', id: `token:${row.id}`, name: row.name, guildIds: row.guildIds };
}

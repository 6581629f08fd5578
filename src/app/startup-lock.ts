// Processes started together on one Postgres (a deployment of several roles) take turns through
// their startup's writes: migrations and the demo guild. Without it the second process's migration
// fails on the tables the first is creating, and two demo guilds would be imported at once.
// A session advisory lock on a connection of its own, released (or dropped with the connection,
// should the process die) once this process is up. The embedded PGlite has one process: no lock.
import postgres from 'postgres';
import type { Env } from '../config/env.ts';

/** pg_advisory_lock key: 'cairn' 'strt' as two int4 halves, clear of other locks. */
const STARTUP_LOCK = [0x636169_72, 0x7374_7274] as const;

export interface StartupLock {
  release(): Promise<void>;
}

export async function takeStartupLock(env: Pick<Env, 'DATABASE_URL'>): Promise<StartupLock> {
  if (!env.DATABASE_URL) return { release: async () => {} };
  const client = postgres(env.DATABASE_URL, { max: 1, onnotice: () => {}, connect_timeout: 30 });
  try {
    await client`SELECT pg_advisory_lock(${STARTUP_LOCK[0]}, ${STARTUP_LOCK[1]})`;
  } catch (error) {
    await client.end({ timeout: 1 });
    throw error;
  }
  let released: Promise<void> | undefined;
  return {
    release() {
      released ??= client`SELECT pg_advisory_unlock(${STARTUP_LOCK[0]}, ${STARTUP_LOCK[1]})`.then(
        () => client.end({ timeout: 5 }),
        () => client.end({ timeout: 1 }),
      );
      return released;
    },
  };
}

// One database handle over either an embedded PGlite (default, under ./data) or a real Postgres.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything that runs queries: the database or a transaction in progress. */
export type Executor = Db | Tx;

export type DatabaseKind = 'pglite' | 'postgres';

export interface Listener {
  close(): Promise<void>;
}

export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Db;
  /** Where the data lives, for messages: a folder for PGlite, host/db for Postgres. */
  readonly location: string;
  /**
   * Subscribes to NOTIFY on `channel`. `onConnect` runs each time the subscription is (re)established,
   * which is when a listener must assume it missed notifications and reload everything.
   */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
    onConnect?: () => void,
  ): Promise<Listener>;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | { kind: 'postgres'; url: string; poolSize?: number }
  | { kind: 'pglite'; dataDir?: string; loadDataDir?: Blob | File };

/** Rows of a raw `db.execute()`: postgres.js returns an array, PGlite `{ rows }`. */
export function queryRows<T>(exec: Executor, query: SQL): Promise<T[]> {
  return issue(exec, query).then(rowsOf<T>);
}

/**
 * Starts a statement now: a drizzle query is sent when its `then` is called, which `await` does a
 * microtask later. Started at the call, statements are sent in the order they were asked for:
 * statements asked for together (Promise.all of queryRows, the ingest's batch) share one round
 * trip (postgres.js pipelines them on the transaction's connection; PGlite queues them), and the
 * database runs them in that order, each with its own snapshot (READ COMMITTED).
 */
function issue(exec: Executor, query: SQL): Promise<unknown> {
  return new Promise((resolve, reject) => {
    exec.execute(query).then(resolve, reject);
  });
}

function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * What went wrong, in one line: drizzle wraps driver errors as "Failed query: <the whole SQL>",
 * which says nothing to an operator; the driver's own message (with its SQLSTATE) does.
 */
export function errorMessage(error: unknown): string {
  let current: unknown = error;
  for (let i = 0; i < 4 && current instanceof Error; i++) {
    if (!current.message.startsWith('Failed query:')) {
      const state = sqlState(current);
      return state && !current.message.includes(state) ? `${current.message} (SQLSTATE ${state})` : current.message;
    }
    current = current.cause;
  }
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** The SQLSTATE of a driver error, unwrapping drizzle's wrapper. */
export function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  for (let i = 0; i < 4 && current; i++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Postgres aborted the transaction to break a deadlock (40P01) or a serialization conflict (40001):
 * nothing of it was kept, and tried again from the start it usually goes through.
 */
export function isTransactionConflict(error: unknown): boolean {
  const state = sqlState(error);
  return state === '40P01' || state === '40001';
}

/** `run` (a whole transaction), tried again up to `attempts` times in all while it conflicts. */
export async function retryConflicts<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isTransactionConflict(error)) throw error;
    }
  }
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.kind === 'postgres' ? openPostgres(options) : openPglite(options);
}

type PgClient = ReturnType<typeof postgres>;

/**
 * drizzle runs every statement unprepared, so Postgres plans Cairn's (few, fixed) hot-path
 * statements on each call. Parameterised statements are prepared instead — postgres.js caches
 * them per connection by text, and the data path passes lists as one parameter so the texts stay
 * few — in transactions too. It saves about 0.7 ms per statement here.
 */
function preferPrepared<T extends PgClient>(client: T): T {
  const unsafe = client.unsafe.bind(client);
  (client as { unsafe: unknown }).unsafe = (query: string, args?: unknown[], options?: Record<string, unknown>) =>
    unsafe(query, args as never, { ...options, prepare: Array.isArray(args) && args.length > 0 });
  const begin = client.begin?.bind(client);
  if (begin) {
    (client as { begin: unknown }).begin = (...params: unknown[]) => {
      const fn = params.pop() as (tx: PgClient) => unknown;
      return (begin as (...a: unknown[]) => unknown)(...params, (tx: PgClient) => fn(preferPrepared(tx)));
    };
  }
  const savepoint = (client as unknown as { savepoint?: (...a: unknown[]) => unknown }).savepoint?.bind(client);
  if (savepoint) {
    (client as unknown as { savepoint: unknown }).savepoint = (...params: unknown[]) => {
      const fn = params.pop() as (tx: PgClient) => unknown;
      return savepoint(...params, (tx: PgClient) => fn(preferPrepared(tx)));
    };
  }
  return client;
}

/** Seconds before reconnection attempt `n` (counted since the last success): 50 ms doubling to 2 s, jittered. */
export function reconnectDelaySeconds(attempt: number): number {
  return Math.min(0.05 * 2 ** attempt, 2) * (0.5 + Math.random() / 2);
}

async function openPostgres(options: { url: string; poolSize?: number }): Promise<Database> {
  const client = preferPrepared(
    postgres(options.url, {
      max: options.poolSize ?? 10,
      onnotice: () => {},
      connection: { application_name: 'cairn' },
      // Recycled connections also drop their prepared statements.
      max_lifetime: 60 * 30,
      // After a restart or failover, come back within a couple of seconds: postgres.js waits up to
      // 20 s between attempts by default (3^n/100 s after n failures in a row).
      backoff: reconnectDelaySeconds,
      // A server that does not answer at all (a dropped route) fails requests with 503 after this
      // long instead of postgres.js's 30 s.
      connect_timeout: 10,
    }),
  );
  const db = drizzlePostgres({ client, schema }) as unknown as Db;
  const url = new URL(options.url);
  return {
    kind: 'postgres',
    db,
    location: `${url.hostname}:${url.port || '5432'}${url.pathname}`,
    async listen(channel, onNotify, onConnect) {
      const sub = await client.listen(channel, (payload) => onNotify(payload), onConnect);
      return { close: () => sub.unlisten() };
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

async function openPglite(options: { dataDir?: string; loadDataDir?: Blob | File }): Promise<Database> {
  let dataDir: string | undefined;
  if (options.dataDir) {
    dataDir = resolve(options.dataDir);
    mkdirSync(dirname(dataDir), { recursive: true });
  }
  const client = await PGlite.create({
    // Extensions the migrations create (pg_trgm: FAQ search); PGlite loads them on every open.
    extensions: { pg_trgm },
    ...(dataDir ? { dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    location: dataDir ?? 'memory',
    async listen(channel, onNotify, onConnect) {
      const unsubscribe = await client.listen(channel, (payload) => onNotify(payload));
      // One embedded connection: it cannot drop, so "connected" happens exactly once.
      onConnect?.();
      return { close: () => unsubscribe() };
    },
    async close() {
      await client.close();
    },
  };
}

/** The PGlite client behind a Database, for dumping test templates. */
export function pgliteClientOf(database: Database): PGlite | undefined {
  const session = (database.db as unknown as { $client?: unknown }).$client;
  return session instanceof PGlite ? session : undefined;
}

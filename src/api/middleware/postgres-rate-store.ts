// A hono-rate-limiter Store kept in the database (table rate_limits), so every process serving one
// database counts against the same limits. Fixed windows that start at a key's first hit; each hit
// is one atomic upsert. On PGlite the same table serves the one process.
import { sql } from 'drizzle-orm';
import type { ClientRateLimitInfo, HonoConfigType, Store } from 'hono-rate-limiter';
import { queryRows, type Database } from '../../db/client.ts';
import type { AppEnv } from '../types.ts';

/** Counters far beyond any limit stop here (the column is an int4). */
const MAX_HITS = 2_000_000_000;
/** Every this many hits, windows long over are deleted (one row per credential or guild and bucket). */
const SWEEP_EVERY = 1_000;

export class PostgresRateLimitStore implements Store<AppEnv> {
  readonly localKeys = false;
  #windowMs: number;
  #hitsSinceSweep = 0;

  constructor(
    private readonly database: Database,
    options: { windowMs: number },
  ) {
    this.#windowMs = options.windowMs;
  }

  init(options: HonoConfigType<AppEnv>): void {
    this.#windowMs = options.windowMs;
  }

  increment(key: string): Promise<ClientRateLimitInfo> {
    return this.add(key, 1);
  }

  /** Adds `weight` hits (events, for a weighted limit; negative to give some back) and returns the total. */
  async add(key: string, weight: number): Promise<ClientRateLimitInfo> {
    if (++this.#hitsSinceSweep >= SWEEP_EVERY) {
      this.#hitsSinceSweep = 0;
      await this.database.db.execute(sql`DELETE FROM rate_limits WHERE reset_at < now() - interval '1 hour'`);
    }
    // A window that is over restarts at this hit; otherwise the hit is added to it.
    const [row] = await queryRows<{ hits: number; reset_ms: number | string }>(
      this.database.db,
      sql`INSERT INTO rate_limits AS r (key, hits, reset_at)
          VALUES (${key}, GREATEST(${weight}::int, 0), now() + ${this.#windowMs}::int * interval '1 millisecond')
          ON CONFLICT (key) DO UPDATE SET
            hits = CASE WHEN r.reset_at > now() THEN LEAST(GREATEST(r.hits + ${weight}::int, 0), ${MAX_HITS}::int) ELSE EXCLUDED.hits END,
            reset_at = CASE WHEN r.reset_at > now() THEN r.reset_at ELSE EXCLUDED.reset_at END
          RETURNING r.hits, (extract(epoch FROM r.reset_at) * 1000)::float8 AS reset_ms`,
    );
    return { totalHits: Number(row!.hits), resetTime: new Date(Number(row!.reset_ms)) };
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const [row] = await queryRows<{ hits: number; reset_ms: number | string }>(
      this.database.db,
      sql`SELECT hits, (extract(epoch FROM reset_at) * 1000)::float8 AS reset_ms FROM rate_limits WHERE key = ${key} AND reset_at > now()`,
    );
    return row ? { totalHits: Number(row.hits), resetTime: new Date(Number(row.reset_ms)) } : undefined;
  }

  async decrement(key: string): Promise<void> {
    await this.database.db.execute(sql`UPDATE rate_limits SET hits = GREATEST(hits - 1, 0) WHERE key = ${key} AND reset_at > now()`);
  }

  async resetKey(key: string): Promise<void> {
    await this.database.db.execute(sql`DELETE FROM rate_limits WHERE key = ${key}`);
  }

  async resetAll(): Promise<void> {
    await this.database.db.execute(sql`DELETE FROM rate_limits`);
  }
}

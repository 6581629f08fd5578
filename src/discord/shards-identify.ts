// Discord lets `max_concurrency` shards IDENTIFY per 5 s, each in its bucket `shard_id %
// max_concurrency`. discord.js keeps to that inside one process; across processes on one Postgres a
// bucket is a row of gateway_identify claimed in one statement by moving its `free_at` 5 s ahead,
// only if it had passed: two processes never identify in the same bucket within 5 s, and nothing
// is held meanwhile (no lock, no connection), so a process that dies leaves nothing to clean up.
import { sql } from 'drizzle-orm';
import { SimpleIdentifyThrottler, type ClientOptions, type IIdentifyThrottler } from 'discord.js';
import type { Database } from '../db/client.ts';
import { queryRows } from '../db/client.ts';
import type { Logger } from '../log/logger.ts';

export interface IdentifyOptions {
  /** How long a bucket stays taken after an IDENTIFY starts (Discord's window is 5 s). */
  holdMs: number;
  /** Poll interval while another process holds the bucket. */
  pollMs: number;
}

export const DefaultIdentifyOptions = { holdMs: 5_000, pollMs: 250 } as const satisfies IdentifyOptions;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => (signal?.removeEventListener('abort', abort), resolve()), ms);
    const abort = () => (clearTimeout(timer), reject(signal?.reason));
    signal?.addEventListener('abort', abort, { once: true });
  });

export class ClusterIdentifyThrottler implements IIdentifyThrottler {
  readonly #options: IdentifyOptions;

  constructor(
    private readonly database: Database,
    private readonly maxConcurrency: number,
    private readonly logger: Logger,
    options: Partial<IdentifyOptions> = {},
  ) {
    this.#options = { ...DefaultIdentifyOptions, ...options };
  }

  async waitForIdentify(shardId: number, signal: AbortSignal): Promise<void> {
    const bucket = shardId % Math.max(1, this.maxConcurrency);
    for (let waited = 0; ; waited++) {
      let taken: boolean;
      try {
        taken = await this.#take(bucket);
      } catch (error) {
        // Without the database the bot records nothing anyway; waiting out a window keeps to the
        // limit as far as this process can see, and the shard still connects.
        this.logger.warn({ err: error, shardId, bucket }, 'could not claim the identify bucket; waiting one window instead');
        await sleep(this.#options.holdMs, signal);
        return;
      }
      if (taken) {
        if (waited > 0) this.logger.debug({ shardId, bucket, waits: waited }, 'identify bucket free; identifying');
        return;
      }
      await sleep(this.#options.pollMs, signal);
    }
  }

  /** Claims the bucket if it is free: one statement, true when this process got it. */
  async #take(bucket: number): Promise<boolean> {
    const claimed = await queryRows<{ bucket: number }>(
      this.database.db,
      sql`INSERT INTO gateway_identify AS g (bucket, free_at) VALUES (${bucket}, clock_timestamp() + ${this.#options.holdMs} * interval '1 millisecond')
          ON CONFLICT (bucket) DO UPDATE SET free_at = excluded.free_at WHERE g.free_at <= clock_timestamp()
          RETURNING g.bucket`,
    );
    return claimed.length > 0;
  }
}

type BuildThrottler = NonNullable<NonNullable<ClientOptions['ws']>['buildIdentifyThrottler']>;

/**
 * discord.js's `ws.buildIdentifyThrottler`: the cluster-wide claim on Postgres; on PGlite (one
 * process by construction) discord.js's own throttler.
 */
export function identifyThrottlerFor(database: Database | undefined, logger: Logger, options: Partial<IdentifyOptions> = {}): BuildThrottler {
  return async (manager) => {
    const info = await manager.fetchGatewayInformation();
    const maxConcurrency = info.session_start_limit.max_concurrency;
    if (database?.kind !== 'postgres') return new SimpleIdentifyThrottler(maxConcurrency);
    return new ClusterIdentifyThrottler(database, maxConcurrency, logger, options);
  };
}

// Discord lets `max_concurrency` shards IDENTIFY per 5 s, each in its bucket `shard_id %
// max_concurrency`. discord.js keeps to that inside one process; across processes on one Postgres a
// bucket is a transaction-scoped advisory lock held for the 5 s after an IDENTIFY starts, so two
// processes never identify in the same bucket at once. A crash ends the transaction and frees it.
import { sql } from 'drizzle-orm';
import { SimpleIdentifyThrottler, type ClientOptions, type IIdentifyThrottler } from 'discord.js';
import type { Database } from '../db/client.ts';
import { queryRows } from '../db/client.ts';
import type { Logger } from '../log/logger.ts';

/** First key of the advisory locks (the second is the bucket); "Cairn identify" in ASCII-ish. */
export const IDENTIFY_LOCK_CLASS = 0x4361_6964;

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
      if (await this.#take(bucket)) {
        if (waited > 0) this.logger.debug({ shardId, bucket, waits: waited }, 'identify bucket free; identifying');
        return;
      }
      await sleep(this.#options.pollMs, signal);
    }
  }

  /** Tries the bucket's lock; when taken, keeps its transaction open for holdMs in the background. */
  #take(bucket: number): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.database.db
        .transaction(async (tx) => {
          const [row] = await queryRows<{ taken: boolean }>(tx, sql`SELECT pg_try_advisory_xact_lock(${IDENTIFY_LOCK_CLASS}, ${bucket}) AS taken`);
          resolve(row?.taken === true);
          if (row?.taken) await sleep(this.#options.holdMs);
        })
        .catch((error: unknown) => {
          reject(error);
          this.logger.warn({ err: error, bucket }, 'identify lock transaction failed');
        });
    });
  }
}

/**
 * discord.js's `ws.buildIdentifyThrottler`: the cluster-wide lock on Postgres; on PGlite (one
 * process by construction) discord.js's own throttler.
 */
type BuildThrottler = NonNullable<NonNullable<ClientOptions['ws']>['buildIdentifyThrottler']>;

export function identifyThrottlerFor(database: Database | undefined, logger: Logger, options: Partial<IdentifyOptions> = {}): BuildThrottler {
  return async (manager) => {
    const info = await manager.fetchGatewayInformation();
    const maxConcurrency = info.session_start_limit.max_concurrency;
    if (database?.kind !== 'postgres') return new SimpleIdentifyThrottler(maxConcurrency);
    return new ClusterIdentifyThrottler(database, maxConcurrency, logger, options);
  };
}

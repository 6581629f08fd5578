// Is the database answering? For /healthz, which must answer fast even while the database is busy:
// on PGlite every query waits for the one connection, so a `SELECT 1` queued behind a long batch
// transaction is slow without anything being wrong. One ping at a time is shared by every caller;
// a caller waits a moment for it, and if it is still queued, a success within the last moment
// stands (the database is busy, not gone). With no recent success the caller waits for the ping.
import { sql } from 'drizzle-orm';
import type { Db } from './client.ts';

export const DefaultLivenessOptions = {
  /** How long a caller waits for a ping before a recent success answers for it. */
  answerWithinMs: 40,
  /** How long a success stands for a database that is busy. */
  recentMs: 2_000,
  /** A ping that takes longer counts as a failure. */
  timeoutMs: 2_000,
} as const;

export type LivenessOptions = { [K in keyof typeof DefaultLivenessOptions]: number };

export class DatabaseLiveness {
  readonly #options: LivenessOptions;
  #lastOk = Number.NEGATIVE_INFINITY;
  #ping: Promise<boolean> | undefined;

  constructor(
    private readonly db: Db,
    options: Partial<LivenessOptions> = {},
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    this.#options = { ...DefaultLivenessOptions, ...options };
  }

  async check(): Promise<'ok' | 'error'> {
    const ping = (this.#ping ??= this.#run());
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([ping, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), this.#options.answerWithinMs)))]);
    clearTimeout(timer);
    if (waited !== undefined) return waited ? 'ok' : 'error';
    if (performance.now() - this.#lastOk < this.#options.recentMs) return 'ok';
    return (await ping) ? 'ok' : 'error';
  }

  async #run(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.db.execute(sql`SELECT 1`),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${this.#options.timeoutMs} ms`)), this.#options.timeoutMs))),
      ]);
      this.#lastOk = performance.now();
      return true;
    } catch (error) {
      // A failure ends what a past success stood for.
      this.#lastOk = Number.NEGATIVE_INFINITY;
      this.onError(error);
      return false;
    } finally {
      clearTimeout(timer);
      this.#ping = undefined;
    }
  }
}

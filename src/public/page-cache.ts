// A small in-process cache of rendered public pages: entries live `ttlMs`, concurrent misses of one
// key share one render (50 readers arriving together run one query, not 50), and the oldest
// entries go first once `maxEntries` is reached.
export interface PageCacheOptions {
  ttlMs: number;
  maxEntries: number;
  now: () => number;
}

export const DefaultPageCacheOptions = { ttlMs: 30_000, maxEntries: 2_000, now: () => Date.now() } as const satisfies PageCacheOptions;

export class PageCache<T> {
  readonly #options: PageCacheOptions;
  readonly #entries = new Map<string, { expires: number; value: Promise<T> }>();

  constructor(options: Partial<PageCacheOptions> = {}) {
    this.#options = { ...DefaultPageCacheOptions, ...options };
  }

  /** The cached value of `key`, else `load()`'s (a failed load is not kept). */
  get(key: string, load: () => Promise<T>): { value: Promise<T>; hit: boolean } {
    const now = this.#options.now();
    const entry = this.#entries.get(key);
    if (entry && entry.expires > now) return { value: entry.value, hit: true };
    if (entry) this.#entries.delete(key);
    const value = load();
    this.#entries.set(key, { expires: now + this.#options.ttlMs, value });
    value.catch(() => this.#entries.get(key)?.value === value && this.#entries.delete(key));
    while (this.#entries.size > this.#options.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    return { value, hit: false };
  }

  /** Drops every entry whose key starts with `prefix` (e.g. one guild's pages). */
  invalidate(prefix: string): void {
    for (const key of this.#entries.keys()) if (key.startsWith(prefix)) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}

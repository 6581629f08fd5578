// Answers of the heavier Community queries (a week's engagement distribution, rising stars and churn
// risks) kept per question until a cheap signature of the data they read changes. Past weeks rarely
// change, so a big guild's page is computed once and then read from memory; a late event for one of
// those weeks, or a member joining or leaving, changes the signature and the next request recomputes.
export class AnswerCache {
  readonly #entries = new Map<string, { signature: string; value: Promise<unknown> }>();

  constructor(private readonly capacity = 1000) {}

  async get<T>(key: string, signature: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit && hit.signature === signature) {
      // Most recently used last: the oldest entry is the first to go.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    const value = compute();
    this.#entries.delete(key);
    this.#entries.set(key, { signature, value });
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
    while (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** One cache per database (a process normally has one; tests and benchmarks open several). */
const caches = new WeakMap<object, AnswerCache>();
export function answersFor(database: object): AnswerCache {
  let cache = caches.get(database);
  if (!cache) caches.set(database, (cache = new AnswerCache()));
  return cache;
}

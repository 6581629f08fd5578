// A value loaded from the API, with its loading and error states, reloadable; pages render it
// through <Async>.
export class Resource<T> {
  data = $state<T | undefined>(undefined);
  error = $state<unknown>(null);
  loading = $state(true);
  #controller: AbortController | null = null;

  constructor(private readonly fetcher: (signal: AbortSignal) => Promise<T>) {}

  async load(): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.loading = true;
    this.error = null;
    try {
      const value = await this.fetcher(controller.signal);
      if (controller.signal.aborted) return;
      this.data = value;
    } catch (error) {
      if (controller.signal.aborted) return;
      this.error = error;
    } finally {
      if (!controller.signal.aborted) this.loading = false;
    }
  }
}

/** Creates a resource and loads it at once. */
export function resource<T>(fetcher: (signal: AbortSignal) => Promise<T>): Resource<T> {
  const r = new Resource(fetcher);
  void r.load();
  return r;
}

// Attaches listeners to the client: one raw-dispatch router (unknown dispatch types are logged and
// skipped) and the client events. Every run is wrapped: a failure is logged as a ListenerError,
// never an unhandled rejection. On shutdown it stops accepting and waits for runs in flight.
import { Events, GatewayDispatchEvents, type Client } from 'discord.js';
import type { BotContext } from './context.ts';
import { ListenerError } from './errors.ts';
import type { ClientListener, DispatchListener, Listener } from './listener.ts';

const KNOWN_DISPATCHES = new Set<string>(Object.values(GatewayDispatchEvents));

export class ListenerHost {
  readonly #byDispatch = new Map<string, DispatchListener[]>();
  readonly #inFlight = new Set<Promise<void>>();
  #accepting = true;
  #attached: { event: string; handler: (...args: unknown[]) => void }[] = [];

  constructor(
    private readonly context: BotContext,
    private readonly listeners: readonly Listener[],
  ) {
    for (const l of listeners) {
      if ('dispatch' in l) this.#byDispatch.set(l.dispatch, [...(this.#byDispatch.get(l.dispatch) ?? []), l]);
    }
  }

  attach(client: Client): void {
    this.#on(client, Events.Raw, (packet) => this.#route(packet));
    for (const l of this.listeners) {
      if (!('event' in l)) continue;
      const listener = l as ClientListener;
      this.#on(client, listener.event, (...args) => {
        if (this.#accepting) this.#run(listener.name, () => (listener.run as (c: BotContext, ...a: unknown[]) => Promise<void> | void)(this.context, ...args));
      });
    }
  }

  detach(client: Client): void {
    for (const { event, handler } of this.#attached) client.off(event, handler);
    this.#attached = [];
  }

  /** Drops what arrives from now on (shutdown). */
  stopAccepting(): void {
    this.#accepting = false;
  }

  /** Waits for the runs in flight, at most `timeoutMs`. */
  async settle(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all([...this.#inFlight]), timeout]);
    clearTimeout(timer);
  }

  #on(client: Client, event: string, handler: (...args: unknown[]) => void): void {
    client.on(event, handler);
    this.#attached.push({ event, handler });
  }

  #route(packet: unknown): void {
    if (!this.#accepting) return;
    const { t, d } = (packet ?? {}) as { t?: unknown; d?: unknown };
    if (typeof t !== 'string') return;
    const listeners = this.#byDispatch.get(t);
    if (listeners) {
      for (const listener of listeners) this.#run(listener.name, () => listener.run(this.context, d));
    } else if (!KNOWN_DISPATCHES.has(t)) {
      this.context.logger.warn({ dispatch: t }, 'unknown gateway dispatch type skipped');
    }
  }

  #run(name: string, task: () => Promise<void> | void): void {
    const run = (async () => {
      try {
        await task();
      } catch (error) {
        this.context.logger.error({ err: new ListenerError(name, error), listener: name }, 'listener failed');
      }
    })();
    this.#inFlight.add(run);
    void run.finally(() => this.#inFlight.delete(run));
  }
}

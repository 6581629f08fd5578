// Each shard this process holds, as /healthz and /metrics show it: its state, heartbeat ping and the
// last dispatch it brought (a shard that is "ready" but silent for long is worth a look).
import { Events, type Client } from 'discord.js';
import { Gauge, type Registry } from 'prom-client';

export type ShardState = 'connecting' | 'ready' | 'reconnecting' | 'disconnected';

export interface ShardReport {
  id: number;
  status: ShardState;
  /** Last heartbeat round trip in ms; null before the first. */
  ping: number | null;
  /** When the shard last brought a dispatch (ISO time), null before the first. */
  lastEventAt: string | null;
  /** Dispatches received since the process started. */
  events: number;
}

interface Entry {
  status: ShardState;
  lastEventAt: number | null;
  events: number;
}

export class ShardBoard {
  readonly #shards = new Map<number, Entry>();

  constructor(private readonly client: Client) {
    const set = (id: number, status: ShardState) => (this.#entry(id).status = status);
    client.on(Events.ShardReady, (id) => set(id, 'ready'));
    client.on(Events.ShardResume, (id) => set(id, 'ready'));
    client.on(Events.ShardReconnecting, (id) => set(id, 'reconnecting'));
    client.on(Events.ShardDisconnect, (_event, id) => set(id, 'disconnected'));
    client.on(Events.Raw, (_packet: unknown, id: number) => {
      const entry = this.#entry(id);
      entry.lastEventAt = Date.now();
      entry.events++;
    });
  }

  /** The shards this process runs (known before they connect, so a shard that never does shows). */
  expect(ids: readonly number[]): void {
    for (const id of ids) this.#entry(id);
  }

  report(): ShardReport[] {
    return [...this.#shards.entries()]
      .sort(([a], [b]) => a - b)
      .map(([id, e]) => {
        const ping = this.client.ws.shards.get(id)?.ping ?? -1;
        return { id, status: e.status, ping: ping >= 0 ? ping : null, lastEventAt: e.lastEventAt === null ? null : new Date(e.lastEventAt).toISOString(), events: e.events };
      });
  }

  #entry(id: number): Entry {
    let entry = this.#shards.get(id);
    if (!entry) this.#shards.set(id, (entry = { status: 'connecting', lastEventAt: null, events: 0 }));
    return entry;
  }
}

const STATE_VALUE: Record<ShardState, number> = { connecting: 0, reconnecting: 0, disconnected: 0, ready: 1 };

/** Gauges per shard, read at each scrape. */
export function registerShardMetrics(registry: Registry, read: () => ShardReport[]): void {
  const each = (name: string, help: string, pick: (s: ShardReport) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['shard'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const s of read()) {
          const value = pick(s);
          if (value !== null) this.set({ shard: String(s.id) }, value);
        }
      },
    });
  each('cairn_discord_shard_up', '1 while a Discord shard held by this process is ready, else 0.', (s) => STATE_VALUE[s.status]);
  each('cairn_discord_shard_ping_seconds', 'Last heartbeat round trip of each shard held by this process.', (s) => (s.ping === null ? null : s.ping / 1000));
  each('cairn_discord_shard_events_total', 'Dispatches each shard held by this process received since it started.', (s) => s.events);
  each('cairn_discord_shard_last_event_age_seconds', 'Seconds since each shard held by this process brought a dispatch.', (s) => (s.lastEventAt === null ? null : (Date.now() - Date.parse(s.lastEventAt)) / 1000));
}

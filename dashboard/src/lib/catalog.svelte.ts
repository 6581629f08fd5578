// What the pickers offer for one guild: currencies, zones, and (when the API has it) the directory
// of channels and roles. Loaded once per guild; a missing directory means free-text ids.
import { api, g } from './api';
import type { Currency, Directory, Zone } from '$api/contract';

export class Catalog {
  currencies = $state<Currency[]>([]);
  zones = $state<Zone[]>([]);
  directory = $state<Directory | null>(null);
  loaded = $state(false);

  constructor(readonly guildId: string) {}

  async load() {
    const [currencies, zones, directory] = await Promise.allSettled([
      api.get<Currency[]>(g(this.guildId, 'currencies')),
      api.get<Zone[]>(g(this.guildId, 'zones')),
      api.get<Directory>(g(this.guildId, 'directory')),
    ]);
    if (currencies.status === 'fulfilled') this.currencies = currencies.value;
    if (zones.status === 'fulfilled') this.zones = zones.value;
    this.directory = directory.status === 'fulfilled' ? directory.value : null;
    this.loaded = true;
  }

  channelLabel(id: string): string {
    const c = this.directory?.channels.find((x) => x.id === id);
    return c?.name ? `#${c.name}` : id;
  }

  roleLabel(id: string): string {
    const r = this.directory?.roles.find((x) => x.id === id);
    return r?.name ? `@${r.name}` : id;
  }
}

const cache = new Map<string, Catalog>();

export function catalogFor(guildId: string): Catalog {
  let c = cache.get(guildId);
  if (!c) {
    c = new Catalog(guildId);
    cache.set(guildId, c);
    void c.load();
  }
  return c;
}

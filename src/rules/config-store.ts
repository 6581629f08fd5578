// Compiled configurations per guild, swapped atomically when the database says they changed
// (NOTIFY cairn_config from a trigger, from any process). A (re)connected listener reloads all.
import type { Database, Executor, Listener } from '../db/client.ts';
import type { Logger } from '../log/logger.ts';
import { silentLogger } from '../log/logger.ts';
import { compileConfig, type CompiledConfig } from './compiler.ts';
import { loadConfigInput } from './repository.ts';

export const CONFIG_CHANNEL = 'cairn_config';

export interface ConfigStoreOptions {
  maxChainDepth?: number;
}

export class ConfigStore {
  readonly #configs = new Map<string, CompiledConfig>();
  readonly #loading = new Map<string, Promise<CompiledConfig>>();
  /** Guilds whose configuration changed while a reload was running: reload once more after. */
  readonly #dirty = new Set<string>();
  /** Loads started so far, and for each guild the load its stored configuration came from. */
  #loadsStarted = 0;
  readonly #storedFrom = new Map<string, number>();
  #listener: Listener | undefined;
  #reloads = 0;
  #reconnects = 0;
  /** Called after each swap (tests and metrics observe reloads). */
  onReload: ((config: CompiledConfig) => void) | undefined;
  readonly #subscribers = new Set<(config: CompiledConfig) => void>();

  constructor(
    private readonly database: Database,
    private readonly logger: Logger = silentLogger,
    private readonly options: ConfigStoreOptions = {},
  ) {}

  /** The guild's compiled configuration, loaded (with `exec` inside a transaction) on first use. */
  async get(guildId: string, exec?: Executor): Promise<CompiledConfig> {
    const cached = this.#configs.get(guildId);
    if (cached) return cached;
    // Join a load already running (outside a transaction: inside one on PGlite, a load running
    // outside it would wait for the transaction waiting for it).
    const running = exec ? undefined : this.#loading.get(guildId);
    return running ?? this.#load(guildId, exec);
  }

  /** Loaded configuration versions per guild, for /healthz. */
  versions(): Record<string, number> {
    return Object.fromEntries([...this.#configs].map(([id, c]) => [id, c.version]));
  }

  get reloadCount(): number {
    return this.#reloads;
  }

  /** How many times the listener connection was re-established (each reloads everything). */
  get reconnectCount(): number {
    return this.#reconnects;
  }

  /**
   * Reloads a guild's configuration. The returned promise settles with a configuration read after
   * this call: if a load is already running (it may have read before the change), another follows.
   */
  async reload(guildId: string): Promise<CompiledConfig> {
    const running = this.#loading.get(guildId);
    if (running) {
      this.#dirty.add(guildId);
      // #load() re-runs when dirty; wait for that second load rather than the stale one.
      await running.catch(() => undefined);
      return this.#loading.get(guildId) ?? this.get(guildId);
    }
    return this.#load(guildId);
  }

  async #load(guildId: string, exec?: Executor): Promise<CompiledConfig> {
    const started = ++this.#loadsStarted;
    const pending = (async () => {
      try {
        const input = await loadConfigInput(exec ?? this.database.db, guildId);
        const config = compileConfig({ ...input, ...(this.options.maxChainDepth ? { maxChainDepth: this.options.maxChainDepth } : {}) });
        for (const p of config.problems) this.logger.warn({ guildId, rule: p.ruleKey, path: p.path }, `rule not loaded: ${p.message}`);
        // Two loads of a guild may overlap (one inside a transaction): the one started later read
        // later, so an earlier one ending after it never replaces its configuration.
        const newest = this.#storedFrom.get(guildId);
        if (newest !== undefined && newest > started && this.#configs.has(guildId)) return this.#configs.get(guildId)!;
        this.#storedFrom.set(guildId, started);
        this.#configs.set(guildId, config);
        this.#reloads++;
        this.onReload?.(config);
        for (const subscriber of this.#subscribers) {
          try {
            subscriber(config);
          } catch (error) {
            this.logger.error({ err: error, guildId }, 'configuration subscriber failed');
          }
        }
        return config;
      } catch (error) {
        // A configuration that could not be refreshed (say, the database went away just after its
        // NOTIFY) is not trusted: the next use loads it again instead of running on the old one.
        this.#configs.delete(guildId);
        throw error;
      } finally {
        this.#loading.delete(guildId);
      }
    })();
    this.#loading.set(guildId, pending);
    const config = await pending;
    // Again with the same executor: inside a batch's transaction on PGlite (one connection), a read
    // outside it would wait for the transaction that is waiting for this load.
    if (this.#dirty.delete(guildId)) return this.#load(guildId, exec);
    return config;
  }

  /** Calls `fn` with every configuration loaded from now on (the bot re-registers commands); returns the unsubscribe. */
  subscribe(fn: (config: CompiledConfig) => void): () => void {
    this.#subscribers.add(fn);
    return () => void this.#subscribers.delete(fn);
  }

  /** Drops a guild's configuration (e.g. when the reloading transaction rolled back). */
  forget(guildId: string): void {
    this.#configs.delete(guildId);
  }

  /** Listens for changes; on every (re)connection reloads what is cached, as notifications may be lost. */
  async start(): Promise<void> {
    let first = true;
    this.#listener = await this.database.listen(
      CONFIG_CHANNEL,
      (payload) => {
        if (!/^[0-9]+$/.test(payload)) return;
        if (!this.#configs.has(payload) && !this.#loading.has(payload)) return; // not in use here
        this.reload(payload).catch((error) => this.logger.error({ err: error, guildId: payload }, 'configuration reload failed'));
      },
      () => {
        if (first) {
          first = false;
          return;
        }
        this.#reconnects++;
        this.logger.info('configuration listener reconnected; reloading every guild');
        for (const guildId of this.#configs.keys()) {
          this.reload(guildId).catch((error) => this.logger.error({ err: error, guildId }, 'configuration reload failed'));
        }
      },
    );
  }

  async stop(): Promise<void> {
    await this.#listener?.close();
    this.#listener = undefined;
  }
}

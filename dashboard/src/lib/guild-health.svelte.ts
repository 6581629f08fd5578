// What is failing in the guild on screen, shared by the nav badge, the rules list and the health
// page: loaded by the guild layout (again on navigation, at most every REFRESH_MS) and at once by
// anything that changes it. A rule is failing when its last error was on its current version: a
// save since then (a fix, or enabling it again) clears it; its older errors stay listed.
import { api, g } from './api';
import type { GuildHealth, RuleHealth } from '$api/contract';
import type { Rule } from '$api/contract';

export type RuleState = 'quarantined' | 'failing' | 'recovered';

const REFRESH_MS = 30_000;

class GuildHealthState {
  guildId = $state<string | null>(null);
  data = $state<GuildHealth | null>(null);
  error = $state<unknown>(null);
  /** Current version of each rule listed in `data` (the health answer holds the failing version). */
  versions = $state<Record<string, number>>({});
  #loadedAt = 0;
  #loading: Promise<void> | null = null;

  /** Problems that need the admin: quarantined, failing and invalid rules, events set aside. */
  readonly problems = $derived(
    this.data ? this.data.rules.filter((r) => this.stateOf(r) !== 'recovered').length + this.data.invalidRules.length + this.data.failedEvents.count : 0,
  );

  /** `version`: the rule's current version when the caller has it (else the one loaded here). */
  stateOf(rule: RuleHealth, version?: number): RuleState {
    if (rule.quarantined) return 'quarantined';
    const current = version ?? this.versions[rule.key];
    return rule.enabled && rule.lastError && (current === undefined || rule.lastError.version === current) ? 'failing' : 'recovered';
  }

  /** The listed health of one rule, if it failed recently or is quarantined. */
  of(key: string): RuleHealth | undefined {
    return this.data?.rules.find((r) => r.key === key);
  }

  /** Loads the guild's health now (after a change), or only when stale (`whenStale`, on navigation). */
  load(guildId: string, whenStale = false): Promise<void> {
    if (whenStale && this.guildId === guildId && (this.#loading || Date.now() - this.#loadedAt < REFRESH_MS)) return this.#loading ?? Promise.resolve();
    if (this.guildId !== guildId) {
      this.guildId = guildId;
      this.data = null;
    }
    const loading = this.#fetch(guildId);
    this.#loading = loading;
    return loading.finally(() => {
      if (this.#loading === loading) this.#loading = null;
    });
  }

  async #fetch(guildId: string): Promise<void> {
    try {
      const data = await api.get<GuildHealth>(g(guildId, 'health'));
      // Rules that failed and are not quarantined: is the failing version still the current one?
      const versions: Record<string, number> = {};
      if (data.rules.some((r) => !r.quarantined && r.lastError)) {
        for (const rule of await api.get<Rule[]>(g(guildId, 'rules'))) versions[rule.key] = rule.version;
      }
      if (this.guildId !== guildId) return;
      this.versions = versions;
      this.data = data;
      this.error = null;
      this.#loadedAt = Date.now();
    } catch (error) {
      if (this.guildId === guildId) this.error = error;
    }
  }
}

export const guildHealth = new GuildHealthState();

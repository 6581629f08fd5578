// Which guilds are failing right now, in this process: rules that failed at run time and events
// set aside in the last few minutes. /healthz reports `degraded` with these reasons (the process
// itself serves on: one guild's bad rule must not take it out of a load balancer), /metrics counts
// them, and the health page shows the lasting record (rule_errors, ingest_failures) behind them.
import type { Clock } from '../app/clock.ts';

interface Failure {
  count: number;
  firstAt: number;
  lastMessage: string;
  lastAt: number;
}

interface GuildFailures {
  rules: Map<string, Failure>;
  events: Failure | undefined;
}

export interface FailingGuild {
  guildId: string;
  reasons: string[];
}

export const DefaultGuildHealthOptions = {
  /** A failure counts as current for this long after it happened. */
  windowMs: 5 * 60_000,
} as const satisfies Record<string, number>;

export class GuildHealth {
  readonly #guilds = new Map<string, GuildFailures>();
  readonly #options: typeof DefaultGuildHealthOptions;

  constructor(
    private readonly clock: Clock,
    options: Partial<typeof DefaultGuildHealthOptions> = {},
  ) {
    this.#options = { ...DefaultGuildHealthOptions, ...options };
  }

  #of(guildId: string): GuildFailures {
    let entry = this.#guilds.get(guildId);
    if (!entry) this.#guilds.set(guildId, (entry = { rules: new Map(), events: undefined }));
    return entry;
  }

  static #note(failure: Failure | undefined, message: string, at: number): Failure {
    if (!failure) return { count: 1, firstAt: at, lastMessage: message, lastAt: at };
    failure.count++;
    failure.lastMessage = message;
    failure.lastAt = at;
    return failure;
  }

  noteRuleError(guildId: string, ruleKey: string, message: string): void {
    const rules = this.#of(guildId).rules;
    rules.set(ruleKey, GuildHealth.#note(rules.get(ruleKey), message, this.clock.now().getTime()));
  }

  noteFailedEvent(guildId: string, message: string): void {
    const entry = this.#of(guildId);
    entry.events = GuildHealth.#note(entry.events, message, this.clock.now().getTime());
  }

  /** Guilds with a failure within the window, with one plain reason per failing rule or event kind. */
  failing(): FailingGuild[] {
    const since = this.clock.now().getTime() - this.#options.windowMs;
    const since_ = (f: Failure) => new Date(f.firstAt).toISOString();
    const out: FailingGuild[] = [];
    for (const [guildId, entry] of this.#guilds) {
      const reasons: string[] = [];
      for (const [key, f] of entry.rules) {
        if (f.lastAt < since) entry.rules.delete(key);
        else reasons.push(`rule "${key}" failed ${f.count} time(s) since ${since_(f)}: ${f.lastMessage}`);
      }
      if (entry.events && entry.events.lastAt < since) entry.events = undefined;
      if (entry.events) reasons.push(`${entry.events.count} event(s) failed and were set aside since ${since_(entry.events)}: ${entry.events.lastMessage}`);
      if (reasons.length === 0) this.#guilds.delete(guildId);
      else out.push({ guildId, reasons });
    }
    return out;
  }

  /**
   * What /healthz shows, which anyone may read: how many guilds fail and how, never which guild,
   * rule or message (those are on each guild's authenticated health page).
   */
  summary(): { failingGuilds: number; reasons: string[] } {
    const failing = this.failing();
    let ruleGuilds = 0;
    let rules = 0;
    let eventGuilds = 0;
    for (const g of failing) {
      const entry = this.#guilds.get(g.guildId)!;
      if (entry.rules.size > 0) {
        ruleGuilds++;
        rules += entry.rules.size;
      }
      if (entry.events) eventGuilds++;
    }
    const reasons: string[] = [];
    if (ruleGuilds > 0) reasons.push(`${rules} rule(s) in ${ruleGuilds} guild(s) failed at run time in the last ${this.#minutes} min (skipped for those events)`);
    if (eventGuilds > 0) reasons.push(`events of ${eventGuilds} guild(s) failed and were set aside in the last ${this.#minutes} min`);
    return { failingGuilds: failing.length, reasons };
  }

  get #minutes(): number {
    return Math.round(this.#options.windowMs / 60_000);
  }
}

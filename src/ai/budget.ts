// A guild's daily AI budget, kept in its settings JSON (settings.ai.daily_budget_usd; null means
// no limit), and what it has spent today (UTC), counted in memory once loaded from ai_calls.
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { guilds } from '../db/schema.ts';
import { dayStart, spentSince } from './call-log.ts';

export interface AiGuildSettings {
  /** US dollars per UTC day for all AI features of the guild; null: no limit. */
  daily_budget_usd: number | null;
  /** Where the weekly digest is posted; null: no digest. */
  digest_channel_id: string | null;
}

export const DefaultAiGuildSettings = { daily_budget_usd: 1, digest_channel_id: null } as const satisfies AiGuildSettings;

export function aiSettingsOf(settings: Record<string, unknown> | undefined): AiGuildSettings {
  const ai = settings?.ai;
  if (typeof ai !== 'object' || ai === null) return { ...DefaultAiGuildSettings };
  const { daily_budget_usd: budget, digest_channel_id: channel } = ai as Record<string, unknown>;
  return {
    daily_budget_usd: budget === null ? null : typeof budget === 'number' && budget >= 0 ? budget : DefaultAiGuildSettings.daily_budget_usd,
    digest_channel_id: typeof channel === 'string' ? channel : null,
  };
}

interface GuildBudget {
  day: number;
  spent: number;
  limitMicros: number | null;
  loadedAt: number;
}

/**
 * Budget state per guild: the budget and the day's spend (from the call log) are re-read after
 * `ttlMs` and the spend counted locally in between. The processes of a cluster spend from the same
 * budget: a guild overspends by at most what the others spent in that time.
 */
export class BudgetBook {
  readonly #guilds = new Map<string, GuildBudget>();
  readonly #loading = new Map<string, Promise<GuildBudget>>();

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly ttlMs = 5_000,
  ) {}

  async #state(guildId: string): Promise<GuildBudget> {
    const now = this.now();
    const day = dayStart(now).getTime();
    const cached = this.#guilds.get(guildId);
    if (cached && cached.day === day && now.getTime() - cached.loadedAt < this.ttlMs) return cached;
    let loading = this.#loading.get(guildId);
    if (!loading) {
      loading = (async () => {
        const [row] = await this.db.select({ settings: guilds.settings }).from(guilds).where(eq(guilds.id, guildId));
        const { daily_budget_usd } = aiSettingsOf(row?.settings);
        const spent = await spentSince(this.db, guildId, new Date(day));
        const state = { day, spent, limitMicros: daily_budget_usd === null ? null : Math.round(daily_budget_usd * 1_000_000), loadedAt: now.getTime() };
        this.#guilds.set(guildId, state);
        return state;
      })().finally(() => this.#loading.delete(guildId));
      this.#loading.set(guildId, loading);
    }
    return loading;
  }

  /** Whether the guild may spend more today, and what it has spent and may spend (micro-dollars). */
  async check(guildId: string): Promise<{ allowed: boolean; spentMicros: number; limitMicros: number | null }> {
    const s = await this.#state(guildId);
    return { allowed: s.limitMicros === null || s.spent < s.limitMicros, spentMicros: s.spent, limitMicros: s.limitMicros };
  }

  /** Counts a recorded call's cost (if the guild's day is loaded; otherwise the next load reads it). */
  add(guildId: string, micros: number): void {
    const s = this.#guilds.get(guildId);
    if (s && s.day === dayStart(this.now()).getTime()) s.spent += micros;
  }

  /** Drops what is known of a guild (its budget changed). */
  forget(guildId: string): void {
    this.#guilds.delete(guildId);
  }
}

/** Changes the guild's settings.ai (other keys kept); returns its AI settings before and after. */
export async function updateAiSettings(db: Db, guildId: string, patch: Partial<AiGuildSettings>): Promise<{ before: AiGuildSettings; after: AiGuildSettings } | undefined> {
  return db.transaction(async (tx) => {
    const [g] = await tx.select({ settings: guilds.settings }).from(guilds).where(eq(guilds.id, guildId)).for('update');
    if (!g) return undefined;
    const before = aiSettingsOf(g.settings);
    const previous = typeof g.settings.ai === 'object' && g.settings.ai !== null ? (g.settings.ai as Record<string, unknown>) : {};
    const settings = { ...g.settings, ai: { ...previous, ...patch } };
    await tx.update(guilds).set({ settings }).where(eq(guilds.id, guildId));
    return { before, after: aiSettingsOf(settings) };
  });
}

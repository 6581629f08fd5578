// One generation of a guild's suggestions: from statistics, or from the AI over the same figures;
// the drafts are stored (refreshing open ones, keeping dismissed ones dismissed) and listed.
import type { AiService } from '../ai/ai-service.ts';
import type { Database } from '../db/client.ts';
import { aiDrafts } from './from-ai.ts';
import { DefaultGenerateOptions, statisticsDrafts, type GenerateOptions } from './from-statistics.ts';
import { listSuggestions, storeDrafts, type StoreSummary } from './repository.ts';
import { windowOf } from './statistics.ts';
import type { SuggestionOut, SuggestionSource } from './types.ts';

export interface GenerateRequest extends Partial<GenerateOptions> {
  source: SuggestionSource;
  /** Days of history to read (the backtests' window). */
  days: number;
  now: Date;
}

export interface Generated extends StoreSummary {
  source: SuggestionSource;
  /** Milliseconds spent computing (figures and backtests). */
  ms: number;
  /** The guild's open suggestions after this generation. */
  suggestions: SuggestionOut[];
}

export async function generateSuggestions(deps: { database: Database; ai: AiService }, guildId: string, request: GenerateRequest): Promise<Generated> {
  const options: GenerateOptions = { ...DefaultGenerateOptions, ...definedOnly(request) };
  const w = windowOf(request.now, request.days);
  const started = performance.now();
  const drafts = request.source === 'ai' ? await aiDrafts(deps.ai, deps.database, guildId, w, options) : await statisticsDrafts(deps.database, guildId, w, options);
  const ms = Math.round(performance.now() - started);
  // Without replays, rule suggestions were not computed: the open ones stay as they were.
  const kinds = request.source === 'statistics' && options.maxRuleSuggestions === 0 ? (['milestone_threshold', 'unspent_currency'] as const) : undefined;
  const summary = await storeDrafts(deps.database.db, guildId, request.source, drafts, request.now, kinds);
  return { source: request.source, ms, ...summary, suggestions: await listSuggestions(deps.database.db, guildId, 'open') };
}

const definedOnly = (r: Partial<GenerateOptions>): Partial<GenerateOptions> =>
  Object.fromEntries(Object.entries({ percentile: r.percentile, maxBacktestEvents: r.maxBacktestEvents, maxRuleSuggestions: r.maxRuleSuggestions }).filter(([, v]) => v !== undefined));

// /api/guilds/:guildId/suggestions — suggestions computed from the guild's history (statistics,
// or Gemini from the same aggregates), each with its backtest; generate, dismiss, apply (a
// milestone or a rule version, audit-logged) and roll back what apply created.
import { Hono } from 'hono';
import { z } from 'zod';
import { AiSuggestionError } from '../../suggestions/from-ai.ts';
import { generateSuggestions } from '../../suggestions/generate.ts';
import { applySuggestion, dismissSuggestion, listSuggestions, rollbackSuggestion, type Decision } from '../../suggestions/repository.ts';
import { SUGGESTION_SOURCES, SUGGESTION_STATUSES, SuggestionOut } from '../../suggestions/types.ts';
import { AI_FAILURE_CODE, ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readOptionalJson } from '../validate.ts';
import { actorOf, guildOf } from './helpers.ts';

const ListQuery = z.object({ status: z.enum(SUGGESTION_STATUSES).optional() }).strict();
export const GenerateBody = z
  .object({
    source: z.enum(SUGGESTION_SOURCES).default('statistics').meta({ description: 'statistics (always available) or ai (Gemini, from the same aggregates; needs GEMINI_API_KEY and budget)' }),
    percentile: z.number().min(0.5).max(0.999).default(0.9).meta({ description: 'where milestone thresholds are placed among active members (0.9: about 10% reach it)' }),
    days: z.number().int().min(7).max(90).default(30).meta({ description: 'days of history read and backtested' }),
    max_replays: z.number().int().min(0).max(3).default(3).meta({
      description: 'at most this many rule suggestions (reward, cap), each replayed through the pipeline over ≤ 20,000 recent lake events (a minute or so each on a busy server); 0 for the statistics-only ones (thresholds, unspent currencies), which take seconds',
    }),
  })
  .strict()
  .meta({ id: 'SuggestionsRequest' });
export const GeneratedOut = z
  .object({
    source: z.enum(SUGGESTION_SOURCES),
    ms: z.number().meta({ description: 'time spent computing figures and backtests' }),
    offered: z.number().meta({ description: 'new or refreshed open suggestions' }),
    kept: z.number().meta({ description: 'computed again but left as decided before (a dismissed one stays dismissed)' }),
    removed: z.number().meta({ description: 'open suggestions of this source the figures no longer support' }),
    suggestions: z.array(SuggestionOut).meta({ description: "the guild's open suggestions" }),
  })
  .meta({ id: 'SuggestionsGenerated' });

const P = '/api/guilds/{guildId}/suggestions';
export const suggestionDocs: RouteDoc[] = [
  { method: 'get', path: P, summary: 'List suggestions (all, or ?status=open|dismissed|applied|rolled_back), each with its backtest', tag: 'suggestions', query: ListQuery, response: z.array(SuggestionOut) },
  {
    method: 'post', path: P, tag: 'suggestions', body: GenerateBody, response: GeneratedOut, statuses: [429, 503],
    summary: 'Compute suggestions from the last days of history (statistics, or Gemini from the aggregates) with their backtests; open ones are refreshed, dismissed ones stay dismissed',
  },
  { method: 'post', path: `${P}/{id}/dismiss`, summary: 'Dismiss an open suggestion (it is not offered again)', tag: 'suggestions', response: SuggestionOut, statuses: [404, 409] },
  {
    method: 'post', path: `${P}/{id}/apply`, tag: 'suggestions', response: SuggestionOut, statuses: [404, 409],
    summary: 'Apply an open suggestion: create its milestone or save its rule as a new version (validated, audit-logged, one transaction); `applied` says what was created. 409 when not open or not applicable',
  },
  {
    method: 'post', path: `${P}/{id}/rollback`, tag: 'suggestions', response: SuggestionOut, statuses: [404, 409],
    summary: 'Undo an applied suggestion: a created milestone or rule is deleted (restorable from its history), a changed one returns to its version before',
  },
];


function idOf(raw: string | undefined): number {
  const id = /^[1-9][0-9]{0,9}$/.test(raw ?? '') ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id > 2_147_483_647) throw new ApiError('not_found', `no suggestion ${JSON.stringify(raw)} in this guild`);
  return id;
}

function decided(decision: Decision) {
  if (decision.ok) return decision.suggestion;
  if (decision.code === 'not_found') throw new ApiError('not_found', decision.message);
  if (decision.code === 'conflict') throw new ApiError('conflict', decision.message);
  throw new ApiError('validation_failed', decision.message, decision.problems);
}

export function suggestionRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const q = parseWith(ListQuery, c.req.query(), 'query');
    return c.json(await listSuggestions(c.get('services').database.db, guildOf(c), q.status));
  });
  app.post('/', async (c) => {
    const body = parseWith(GenerateBody, (await readOptionalJson(c)) ?? {});
    const services = c.get('services');
    try {
      const { max_replays, ...request } = body;
      return c.json(await generateSuggestions({ database: services.database, ai: services.ai }, guildOf(c), { ...request, maxRuleSuggestions: max_replays, now: services.clock.now() }));
    } catch (error) {
      if (!(error instanceof AiSuggestionError)) throw error;
      const kind = error.failure?.kind ?? 'invalid_output';
      throw new ApiError(AI_FAILURE_CODE[kind], error.message, error.problems.length > 0 ? error.problems : { kind });
    }
  });
  app.post('/:id/dismiss', async (c) => {
    const services = c.get('services');
    return c.json(decided(await dismissSuggestion(services.database.db, guildOf(c), idOf(c.req.param('id')), actorOf(c), services.clock.now())));
  });
  // Apply and rollback change the configuration: in force here when the response leaves (other
  // processes follow through NOTIFY), as the configuration routes do.
  app.post('/:id/apply', async (c) => {
    const services = c.get('services');
    const out = decided(await applySuggestion(services.database.db, guildOf(c), idOf(c.req.param('id')), actorOf(c), services.clock.now()));
    await services.configs.reload(guildOf(c));
    return c.json(out);
  });
  app.post('/:id/rollback', async (c) => {
    const services = c.get('services');
    const out = decided(await rollbackSuggestion(services.database.db, guildOf(c), idOf(c.req.param('id')), actorOf(c), services.clock.now()));
    await services.configs.reload(guildOf(c));
    return c.json(out);
  });
  return app;
}

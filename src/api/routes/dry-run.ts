// POST /api/guilds/:guildId/dry-run — {"event", "rules"?, "only"?, "content"?} → the trace; writes
// nothing (an AI call to score `content` for ai_quality is recorded in the cost ledger). Checking
// the candidate rules and evaluating them share one pool of operations (rules/logic/limits.ts).
import { Hono } from 'hono';
import { z } from 'zod';
import { parseLakeEvent } from '../../events/lake-event.ts';
import type { CompiledConfig } from '../../rules/compiler.ts';
import { qualitySignalsFor } from '../../ai/quality.ts';
import { dryRun, dryRunNeedsAiQuality, loadStateForDryRun, milestonesForDryRun, withCandidateRules } from '../../rules/dry-run.ts';
import { withOperationPool } from '../../rules/logic/budget.ts';
import { MAX_REQUEST_OPERATIONS } from '../../rules/logic/limits.ts';
import { loadConfigInput, validateRuleDocument } from '../../rules/repository.ts';
import { ApiError } from '../errors.ts';
import { parseWith, readJson } from '../validate.ts';
import type { AppEnv } from '../types.ts';

const DryRunRequest = z
  .object({
    event: z.unknown(),
    rules: z.array(z.record(z.string(), z.unknown())).max(500).optional(),
    /** Evaluate only the given rules instead of overlaying them on the live ones. */
    only: z.boolean().default(false),
    /** A message's text, scored for rules that read ai_quality; used for this request only. */
    content: z.string().max(4000).optional(),
  })
  .strict();

export function dryRunRoutes() {
  return new Hono<AppEnv>().post('/', async (c) => {
    const guildId = c.req.param('guildId')!;
    const { db } = c.get('services').database;
    const body = parseWith(DryRunRequest, await readJson(c));
    const parsed = parseLakeEvent(body.event);
    if (!parsed.ok) throw new ApiError('validation_failed', 'the event is invalid', parsed.errors.map((e) => ({ ...e, path: `event.${e.path}` })));
    const event = parsed.value;
    if (event.guild_id !== guildId) throw new ApiError('validation_failed', 'the event belongs to another guild', [{ path: 'event.guild_id', message: `must be ${guildId}` }]);
    let config: CompiledConfig;
    if (body.rules) {
      const input = await loadConfigInput(db, guildId);
      const problems = withOperationPool(MAX_REQUEST_OPERATIONS, () =>
        body.rules!.flatMap((rule, i) => {
          const result = validateRuleDocument(rule, input.currencies, input.zones, guildId);
          return result.ok ? [] : result.problems.map((p) => ({ path: `rules[${i}].${p.path}`, message: p.message }));
        }),
      );
      if (problems.length > 0) throw new ApiError('validation_failed', 'a candidate rule is invalid', problems);
      config = withCandidateRules(input, body.rules, body.only);
    } else {
      // The live rules: the very configuration the engine runs, compiled once and kept current.
      config = await c.get('services').configs.get(guildId);
    }
    const state = await loadStateForDryRun(db, config, event);
    const signals = body.content !== undefined && dryRunNeedsAiQuality(config, event) ? await qualitySignalsFor(c.get('services').quality, guildId, body.content) : undefined;
    const milestones = await milestonesForDryRun(db, config, state, event);
    return c.json(withOperationPool(MAX_REQUEST_OPERATIONS, () => dryRun(config, state, event, milestones, signals)));
  });
}

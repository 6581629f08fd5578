// /api/guilds/:guildId/health — what is failing in a guild and what Cairn did about it: rules that
// failed at run time (per rule: failures in the last day, the last one, quarantine), rules that
// cannot be compiled, and events set aside because their processing failed (retry or discard).
import { Hono } from 'hono';
import { z } from 'zod';
import { wholeNumber } from '../../config/ranges.ts';
import { recentRuleErrors, ruleErrorSummaries } from '../../rules/rule-errors.ts';
import { rules } from '../../db/schema.ts';
import { and, eq } from 'drizzle-orm';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readOptionalJson } from '../validate.ts';
import { guildOf } from './helpers.ts';

const RuleHealthOut = z.object({
  ruleId: z.number(),
  key: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  errors24h: z.number(),
  lastError: z.object({ message: z.string(), at: z.string(), sourceId: z.string(), version: z.number() }).nullable(),
  quarantined: z.object({ at: z.string(), reason: z.string() }).nullable(),
});
const FailedEventOut = z.object({
  id: z.number(),
  sourceId: z.string(),
  type: z.string(),
  origin: z.string(),
  error: z.string(),
  attempts: z.number(),
  firstFailedAt: z.string(),
  lastFailedAt: z.string(),
});
export const GuildHealthOut = z
  .object({
    status: z.enum(['ok', 'failing']).meta({ description: 'failing: a rule failed or an event was set aside in the last few minutes (this process)' }),
    configVersion: z.number().meta({ description: 'the version of the configuration this process has loaded for the guild (hot reload)' }),
    reasons: z.array(z.string()),
    rules: z.array(RuleHealthOut).meta({ description: 'rules that failed in the last day or are quarantined' }),
    invalidRules: z.array(z.object({ rule: z.string(), path: z.string(), message: z.string() })).meta({ description: 'stored rules and milestones that cannot be compiled: they never run' }),
    failedEvents: z.object({ count: z.number(), items: z.array(FailedEventOut) }),
  })
  .meta({ id: 'GuildHealth' });
const RuleErrorsOut = z.array(z.object({ message: z.string(), at: z.string(), sourceId: z.string(), version: z.number(), lakeEventId: z.string().nullable() }));
/** Set-aside events are keyed by a serial (int4) id: a larger number is no id, and no query. */
const FailedEventIds = z.array(wholeNumber(1, 2_147_483_647)).min(1).max(1000);
const Ids = z.object({ ids: FailedEventIds }).strict();
const RetryBody = z.object({ ids: FailedEventIds.optional() }).strict();
const RetryOut = z.object({ retried: z.number(), resolved: z.number(), failed: z.number() });

const H = '/api/guilds/{guildId}/health';
export const guildHealthDocs: RouteDoc[] = [
  { method: 'get', path: H, summary: "What is failing in the guild: rule errors, quarantined and invalid rules, events set aside", tag: 'operations', response: GuildHealthOut },
  { method: 'get', path: `${H}/rules/{key}/errors`, summary: "A rule's last run-time failures, newest first", tag: 'operations', response: RuleErrorsOut, statuses: [404] },
  { method: 'post', path: `${H}/failed-events/retry`, summary: 'Ingest set-aside events again (all, or the given ids): written ones leave the list', tag: 'operations', body: RetryBody, response: RetryOut },
  { method: 'post', path: `${H}/failed-events/discard`, summary: 'Drop set-aside events', tag: 'operations', body: Ids, response: z.object({ discarded: z.number() }) },
];

export function guildHealthRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const services = c.get('services');
      const guildId = guildOf(c);
      const db = services.database.db;
      const config = await services.configs.get(guildId);
      const current = services.health.failing().find((g) => g.guildId === guildId);
      return c.json({
        status: current ? 'failing' : 'ok',
        configVersion: config.version,
        reasons: current?.reasons ?? [],
        rules: await ruleErrorSummaries(db, guildId, services.clock.now()),
        invalidRules: config.problems.map((p) => ({ rule: p.ruleKey, path: p.path, message: p.message })),
        failedEvents: { count: await services.failedEvents.count(guildId), items: await services.failedEvents.list(guildId) },
      });
    })
    .get('/rules/:key/errors', async (c) => {
      const services = c.get('services');
      const guildId = guildOf(c);
      const [rule] = await services.database.db.select({ id: rules.id }).from(rules).where(and(eq(rules.guildId, guildId), eq(rules.key, c.req.param('key'))));
      if (!rule) throw new ApiError('not_found', `no rule "${c.req.param('key')}"`);
      return c.json(await recentRuleErrors(services.database.db, guildId, rule.id));
    })
    .post('/failed-events/retry', async (c) => {
      const services = c.get('services');
      const body = parseWith(RetryBody, (await readOptionalJson(c)) ?? {});
      return c.json(await services.failedEvents.retry(services.pipeline, guildOf(c), body.ids));
    })
    .post('/failed-events/discard', async (c) => {
      const services = c.get('services');
      const body = parseWith(Ids, (await readOptionalJson(c)) ?? {});
      return c.json({ discarded: await services.failedEvents.discard(guildOf(c), body.ids) });
    });
}

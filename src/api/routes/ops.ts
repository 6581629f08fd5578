// Operations: the health view of a guild (its admins) and of every guild (the operator), and the
// pause switch. Handlers parse, call ops/operations.ts, and map.
import { Hono } from 'hono';
import { z } from 'zod';
import { requireOperator } from '../middleware/auth.ts';
import { ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson } from '../validate.ts';
import { actorOf, guildOf } from './helpers.ts';

const DatabaseOut = z.object({
  kind: z.enum(['postgres', 'pglite']),
  reachable: z.boolean(),
  latencyMs: z.number().nullable(),
  error: z.string().optional(),
  connections: z.object({ total: z.number(), active: z.number(), cairn: z.number() }).nullable(),
});
const DiscordOut = z.object({
  state: z.enum(['disabled', 'connecting', 'ready']),
  pingMs: z.number().nullable(),
  shards: z.array(z.object({ id: z.number(), status: z.string(), pingMs: z.number().nullable() })),
});
const AiOut = z.union([
  z.object({ state: z.literal('disabled'), reason: z.string() }),
  z.object({ state: z.literal('reachable'), model: z.string(), latencyMs: z.number(), checkedAt: z.string() }),
  z.object({ state: z.literal('unreachable'), model: z.string(), error: z.string(), checkedAt: z.string() }),
]);
const OutboxOut = z.object({
  backlog: z.number(),
  paused: z.number(),
  oldestPendingSeconds: z.number().nullable(),
  failed: z.number(),
  failuresByReason: z.array(z.object({ reason: z.string(), count: z.number() })),
});
const JobOut = z.object({
  name: z.string(),
  lastStartedAt: z.string().nullable(),
  lastFinishedAt: z.string().nullable(),
  lastOutcome: z.enum(['ok', 'failed', 'running']).nullable(),
  lastError: z.string().nullable(),
  lastDurationMs: z.number().nullable(),
  runs: z.number(),
  failures: z.number(),
  lastHolder: z.string().nullable(),
  lastRunAgeSeconds: z.number().nullable(),
});
const LakeGuildOut = z.object({
  guildId: z.string(),
  rows: z.number(),
  bytes: z.number(),
  perDay: z.array(z.object({ day: z.string(), events: z.number() })),
  growthPerDay: z.number(),
  bytesPerDay: z.number(),
});
const LakeOut = z.object({ rows: z.number(), bytes: z.number(), estimatedRows: z.number(), guilds: z.array(LakeGuildOut) });
const RuleSummaryOut = z.object({ guildId: z.string(), errors24h: z.number(), quarantined: z.array(z.object({ key: z.string(), at: z.string(), reason: z.string() })) });
const PausedOut = z.object({ guildId: z.string(), paused: z.boolean(), heldEvents: z.number() });
const HealthFields = {
  status: z.enum(['ok', 'degraded', 'down']),
  reasons: z.array(z.string()),
  checkedAt: z.string(),
  database: DatabaseOut,
  discord: DiscordOut,
  ai: AiOut,
  outbox: OutboxOut.nullable(),
  rules: z.array(RuleSummaryOut).nullable(),
  jobs: z.array(JobOut).nullable(),
  lake: LakeOut.nullable(),
  paused: z.array(PausedOut).nullable(),
};
export const OpsHealthOut = z.object(HealthFields).meta({ id: 'OpsHealth', description: 'null sections need the database, which is down' });
export const GuildOpsOut = z
  .object({
    ...HealthFields,
    guildId: z.string(),
    hourly: z
      .object({
        byType: z.array(z.object({ hour: z.string(), type: z.string(), events: z.number() })),
        byZone: z.array(z.object({ hour: z.string(), zone: z.string(), events: z.number() })),
      })
      .nullable(),
    errors: z.array(z.object({ id: z.number(), kind: z.string(), level: z.string(), message: z.string(), count: z.number(), at: z.string() })).nullable(),
  })
  .meta({ id: 'GuildOps' });
const PauseBody = z.object({ paused: z.boolean() }).strict();
export const PauseOut = z.object({ paused: z.boolean(), replayed: z.number().meta({ description: 'held events paid on unpause, in order' }) });

export const opsDocs: RouteDoc[] = [
  { method: 'get', path: '/api/guilds/{guildId}/ops', summary: "The guild's operations: database, gateway, AI, outbox, rule errors, jobs, lake size and growth, events per hour, its error log", tag: 'operations', response: GuildOpsOut },
  { method: 'put', path: '/api/guilds/{guildId}/pause', summary: 'Pause (payouts and Discord actions wait; events are still captured) or unpause (what waited is paid in order)', tag: 'operations', body: PauseBody, response: PauseOut, statuses: [404] },
  { method: 'get', path: '/api/ops/health', summary: 'Operations of every guild (operator only)', tag: 'operations', response: OpsHealthOut },
];

/** Mounted at /api/guilds/:guildId (guild-scoped). */
export function guildOpsRoutes() {
  return new Hono<AppEnv>()
    .get('/ops', async (c) => c.json(await c.get('services').ops.guildHealth(guildOf(c))))
    .put('/pause', async (c) => {
      const services = c.get('services');
      const guildId = guildOf(c);
      const body = parseWith(PauseBody, await readJson(c));
      const result = await services.ops.setPaused(guildId, body.paused, actorOf(c));
      if (!result.ok) throw result.code === 'invalid' ? new ApiError('validation_failed', 'the guild settings are invalid', result.problems) : new ApiError('not_found', `no guild ${guildId}`);
      await services.configs.reload(guildId);
      return c.json({ paused: result.paused, replayed: result.resumed?.replayed ?? 0 });
    });
}

/** Mounted at /api/ops (operator only). */
export function operatorOpsRoutes() {
  const app = new Hono<AppEnv>();
  app.use('*', requireOperator);
  app.get('/health', async (c) => c.json(await c.get('services').ops.health()));
  return app;
}

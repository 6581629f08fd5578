// /api/guilds/:guildId/ai/* — Gemini features from the panel and the API: status, /audit of a
// text, the cost ledger of the billing month, the last calls, and the guild's daily budget.
import { eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { AuditVerdictSchema, auditEmbed, auditText, MAX_AUDIT_TEXT } from '../../ai/audit.ts';
import { aiSettingsOf, updateAiSettings } from '../../ai/budget.ts';
import { costLedger, dayStart, recentCalls, spentSince } from '../../ai/call-log.ts';
import { digestEmbed, lastWeek, queueDigest, weekStats, writeDigest } from '../../ai/digest.ts';
import { audit } from '../../audit/audit.ts';
import { guilds } from '../../db/schema.ts';
import { Snowflake } from '../../events/lake-event.ts';
import { AI_FAILURE_CODE, ApiError } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppEnv } from '../types.ts';
import { parseWith, readJson } from '../validate.ts';
import { actorOf, guildOf } from './helpers.ts';

const AuditBody = z.object({ text: z.string().trim().min(1, 'must not be empty').max(MAX_AUDIT_TEXT) }).strict().meta({ id: 'AuditRequest' });
const BudgetBody = z
  .object({ daily_budget_usd: z.number().min(0).max(10_000).nullable() })
  .strict()
  .meta({ id: 'AiBudget', description: 'US dollars per UTC day for all AI features of the guild; null for no limit.' });
const DigestChannelBody = z.object({ channel_id: Snowflake.nullable() }).strict().meta({ id: 'AiDigestChannel', description: 'Where the weekly digest is posted; null turns it off.' });
const DigestBody = z.object({ post: z.boolean().default(false) }).strict().meta({ id: 'AiDigestRequest', description: "Writes last week's digest; post: true also queues it to the digest channel (once per week)." });
const CallsQuery = z.object({ limit: z.coerce.number().int().min(1).max(50).default(50) });

const Usd = z.number().min(0);
const BudgetOut = z.object({ daily_budget_usd: Usd.nullable(), spent_today_usd: Usd, remaining_today_usd: Usd.nullable() }).meta({ id: 'AiBudgetState' });
const Totals = z.object({ calls: z.number().int(), failed: z.number().int(), prompt_tokens: z.number().int(), response_tokens: z.number().int(), cost_micros: z.number().int(), cost_usd: Usd });
export const StatusOut = z.object({ enabled: z.boolean(), model: z.string(), message: z.string(), budget: BudgetOut }).meta({ id: 'AiStatus' });
const CostsOut = z
  .object({
    enabled: z.boolean(),
    model: z.string(),
    month: z.string().describe('The billing month (UTC), YYYY-MM'),
    from: z.string(),
    to: z.string(),
    total: Totals,
    by_feature: z.array(Totals.extend({ feature: z.string() })),
    by_day: z.array(z.object({ day: z.string(), calls: z.number().int(), cost_micros: z.number().int(), cost_usd: Usd })),
    budget: BudgetOut,
  })
  .meta({ id: 'AiCostLedger' });
const CallOut = z
  .object({
    id: z.number().int(), at: z.string(), feature: z.string(), model: z.string(), prompt_tokens: z.number().int(), response_tokens: z.number().int(),
    latency_ms: z.number().int(), cost_micros: z.number().int(), cost_usd: Usd,
    outcome: z.enum(['ok', 'timeout', 'rate_limited', 'error', 'invalid_output', 'budget_exhausted', 'cached', 'disabled']), error: z.string().nullable(),
  })
  .meta({ id: 'AiCall' });
const AuditOut = AuditVerdictSchema.extend({ model: z.string(), embed: z.object({ title: z.string(), description: z.string(), color: z.number().int(), fields: z.array(z.object({ name: z.string(), value: z.string() })) }).loose() }).meta({ id: 'AuditResult' });
const AiSettingsOut = z.object({ daily_budget_usd: Usd.nullable(), digest_channel_id: z.string().nullable() }).meta({ id: 'AiSettings' });
const DigestOut = z.object({ week: z.string(), stats: z.record(z.string(), z.unknown()), digest: z.object({ title: z.string(), summary: z.string(), highlights: z.array(z.string()) }), embed: z.record(z.string(), z.unknown()), queued: z.boolean() }).meta({ id: 'AiDigest' });

const G = '/api/guilds/{guildId}/ai';
export const aiDocs: RouteDoc[] = [
  { method: 'get', path: `${G}/status`, summary: 'Whether AI features are on, the model, and the daily budget', tag: 'ai', response: StatusOut },
  { method: 'post', path: `${G}/audit`, summary: 'Risk assessment of a text (green / yellow / red, summary, reasons) with its embed', tag: 'ai', body: AuditBody, response: AuditOut, statuses: [429, 503] },
  { method: 'get', path: `${G}/costs`, summary: 'AI cost ledger of the billing month (UTC): total, per feature, per day', tag: 'ai', response: CostsOut },
  { method: 'get', path: `${G}/calls`, summary: 'The latest AI calls (at most 50), newest first', tag: 'ai', query: CallsQuery, response: z.array(CallOut) },
  { method: 'get', path: `${G}/budget`, summary: "The guild's daily AI budget and today's spend", tag: 'ai', response: BudgetOut },
  { method: 'put', path: `${G}/budget`, summary: "Set the guild's daily AI budget (null: no limit)", tag: 'ai', body: BudgetBody, response: BudgetOut },
  { method: 'put', path: `${G}/digest`, summary: 'Set (or clear) the channel of the weekly AI digest', tag: 'ai', body: DigestChannelBody, response: AiSettingsOut },
  { method: 'post', path: `${G}/digest`, summary: "Write last week's digest (preview), and optionally queue it to the digest channel", tag: 'ai', body: DigestBody, response: DigestOut, statuses: [429, 503] },
];


export function aiRoutes() {
  const app = new Hono<AppEnv>();

  const budgetOf = async (c: Context<AppEnv>) => {
    const services = c.get('services');
    const guildId = guildOf(c);
    const [g] = await services.database.db.select({ settings: guilds.settings }).from(guilds).where(eq(guilds.id, guildId));
    if (!g) throw new ApiError('not_found', 'this guild is unknown to Cairn');
    const spent = await spentSince(services.database.db, guildId, dayStart(services.clock.now()));
    const { daily_budget_usd } = aiSettingsOf(g.settings);
    return { daily_budget_usd, spent_today_usd: spent / 1e6, remaining_today_usd: daily_budget_usd === null ? null : Math.max(0, daily_budget_usd - spent / 1e6) };
  };

  app.get('/status', async (c) => {
    const { ai } = c.get('services');
    return c.json({ enabled: ai.enabled, model: ai.modelName, message: ai.offReason ?? 'AI features are on.', budget: await budgetOf(c) });
  });

  app.post('/audit', async (c) => {
    const { text } = parseWith(AuditBody, await readJson(c));
    const { ai } = c.get('services');
    const result = await auditText(ai, guildOf(c), text);
    if (!result.ok) throw new ApiError(AI_FAILURE_CODE[result.failure.kind], result.failure.message, { kind: result.failure.kind });
    return c.json({ ...result.value, model: ai.modelName, embed: auditEmbed(result.value, ai.modelName) });
  });

  app.get('/costs', async (c) => {
    const services = c.get('services');
    const ledger = await costLedger(services.database.db, guildOf(c), services.clock.now());
    return c.json({ enabled: services.ai.enabled, model: services.ai.modelName, ...ledger, budget: await budgetOf(c) });
  });

  app.get('/calls', async (c) => {
    const { limit } = parseWith(CallsQuery, c.req.query(), 'query');
    return c.json(await recentCalls(c.get('services').database.db, guildOf(c), limit));
  });

  app.get('/budget', async (c) => c.json(await budgetOf(c)));

  app.put('/budget', async (c) => {
    const body = parseWith(BudgetBody, await readJson(c));
    const services = c.get('services');
    const guildId = guildOf(c);
    const changed = await updateAiSettings(services.database.db, guildId, { daily_budget_usd: body.daily_budget_usd });
    if (!changed) throw new ApiError('not_found', 'this guild is unknown to Cairn');
    await audit(services.database.db, { guildId, actor: actorOf(c), action: 'ai.budget', entityType: 'guild', entityKey: guildId, before: { ai: changed.before }, after: { ai: changed.after } });
    services.ai.budgets.forget(guildId);
    return c.json(await budgetOf(c));
  });

  app.put('/digest', async (c) => {
    const body = parseWith(DigestChannelBody, await readJson(c));
    const services = c.get('services');
    const guildId = guildOf(c);
    const changed = await updateAiSettings(services.database.db, guildId, { digest_channel_id: body.channel_id });
    if (!changed) throw new ApiError('not_found', 'this guild is unknown to Cairn');
    await audit(services.database.db, { guildId, actor: actorOf(c), action: 'ai.digest', entityType: 'guild', entityKey: guildId, before: { ai: changed.before }, after: { ai: changed.after } });
    return c.json(changed.after);
  });

  app.post('/digest', async (c) => {
    const body = parseWith(DigestBody, await readJson(c));
    const services = c.get('services');
    const guildId = guildOf(c);
    const db = services.database.db;
    const [g] = await db.select({ settings: guilds.settings }).from(guilds).where(eq(guilds.id, guildId));
    if (!g) throw new ApiError('not_found', 'this guild is unknown to Cairn');
    const channel = aiSettingsOf(g.settings).digest_channel_id;
    if (body.post && !channel) throw new ApiError('validation_failed', 'no digest channel is set', [{ path: 'post', message: 'set a channel first (PUT …/ai/digest)' }]);
    const now = services.clock.now();
    const stats = await weekStats(db, guildId, now);
    const result = await writeDigest(services.ai, guildId, stats);
    if (!result.ok) throw new ApiError(AI_FAILURE_CODE[result.failure.kind], result.failure.message, { kind: result.failure.kind });
    const queued = body.post && channel ? await queueDigest(db, guildId, channel, lastWeek(now).key, result.value) : false;
    return c.json({ week: stats.week, stats, digest: result.value, embed: digestEmbed(result.value, stats.week), queued });
  });

  return app;
}

// The cost ledger: every AI call as an ai_calls row, and the sums the panel shows (the billing
// month's running total, per feature, per day) and the latest calls.
import { desc, eq, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { aiCalls } from '../db/schema.ts';

export type AiFeature = 'audit' | 'quality' | 'digest' | 'health' | 'ticket_summary' | 'ticket_replies' | 'suggestions';
export type AiOutcome = 'ok' | 'timeout' | 'rate_limited' | 'error' | 'invalid_output' | 'budget_exhausted' | 'cached' | 'disabled';

export interface AiCallRecord {
  guildId: string | null;
  feature: AiFeature;
  model: string;
  promptTokens: number;
  responseTokens: number;
  latencyMs: number;
  costMicros: number;
  outcome: AiOutcome;
  error?: string | null;
  at: Date;
}

export async function recordCall(exec: Executor, call: AiCallRecord): Promise<void> {
  await exec.insert(aiCalls).values({
    guildId: call.guildId,
    feature: call.feature,
    model: call.model,
    promptTokens: call.promptTokens,
    responseTokens: call.responseTokens,
    latencyMs: Math.max(0, Math.round(call.latencyMs)),
    costMicros: call.costMicros,
    outcome: call.outcome,
    error: call.error ?? null,
    at: call.at,
  });
}

/** The first instant of the UTC calendar month (the billing month) and day holding `now`. */
export function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

export function dayStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** Micro-dollars a guild's AI calls cost since `since`. */
export async function spentSince(exec: Executor, guildId: string, since: Date): Promise<number> {
  const [row] = await queryRows<{ total: string | number | null }>(
    exec,
    sql`SELECT COALESCE(sum(cost_micros), 0)::text AS total FROM ai_calls WHERE guild_id = ${guildId} AND at >= ${since.toISOString()}::timestamptz`,
  );
  return Number(row?.total ?? 0);
}

export interface CostLedger {
  month: string;
  from: string;
  to: string;
  total: { calls: number; failed: number; prompt_tokens: number; response_tokens: number; cost_micros: number; cost_usd: number };
  by_feature: { feature: string; calls: number; failed: number; prompt_tokens: number; response_tokens: number; cost_micros: number; cost_usd: number }[];
  by_day: { day: string; calls: number; cost_micros: number; cost_usd: number }[];
}

const usd = (micros: number) => Math.round(micros) / 1_000_000;
const FAILED = sql.raw(`outcome NOT IN ('ok', 'cached')`);

/** The billing month holding `now` (UTC), every day of it up to `now` (days without calls are 0). */
export async function costLedger(exec: Executor, guildId: string, now: Date): Promise<CostLedger> {
  const from = monthStart(now);
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const features = await queryRows<{ feature: string; calls: string; failed: string; pt: string; rt: string; cost: string }>(
    exec,
    sql`SELECT feature, count(*)::text AS calls, count(*) FILTER (WHERE ${FAILED})::text AS failed,
               COALESCE(sum(prompt_tokens), 0)::text AS pt, COALESCE(sum(response_tokens), 0)::text AS rt, COALESCE(sum(cost_micros), 0)::text AS cost
        FROM ai_calls WHERE guild_id = ${guildId} AND at >= ${from.toISOString()}::timestamptz AND at < ${to.toISOString()}::timestamptz
        GROUP BY feature ORDER BY feature`,
  );
  const days = await queryRows<{ day: string; calls: string; cost: string }>(
    exec,
    sql`SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::text AS calls, COALESCE(sum(cost_micros), 0)::text AS cost
        FROM ai_calls WHERE guild_id = ${guildId} AND at >= ${from.toISOString()}::timestamptz AND at < ${to.toISOString()}::timestamptz
        GROUP BY 1 ORDER BY 1`,
  );
  const byFeature = features.map((f) => ({
    feature: f.feature, calls: Number(f.calls), failed: Number(f.failed), prompt_tokens: Number(f.pt), response_tokens: Number(f.rt), cost_micros: Number(f.cost), cost_usd: usd(Number(f.cost)),
  }));
  const total = byFeature.reduce(
    (t, f) => ({ calls: t.calls + f.calls, failed: t.failed + f.failed, prompt_tokens: t.prompt_tokens + f.prompt_tokens, response_tokens: t.response_tokens + f.response_tokens, cost_micros: t.cost_micros + f.cost_micros, cost_usd: 0 }),
    { calls: 0, failed: 0, prompt_tokens: 0, response_tokens: 0, cost_micros: 0, cost_usd: 0 },
  );
  total.cost_usd = usd(total.cost_micros);
  const perDay = new Map(days.map((d) => [d.day, d]));
  const byDay: CostLedger['by_day'] = [];
  for (let d = new Date(from); d <= now && d < to; d = new Date(d.getTime() + 86_400_000)) {
    const key = d.toISOString().slice(0, 10);
    const row = perDay.get(key);
    byDay.push({ day: key, calls: Number(row?.calls ?? 0), cost_micros: Number(row?.cost ?? 0), cost_usd: usd(Number(row?.cost ?? 0)) });
  }
  return { month: from.toISOString().slice(0, 7), from: from.toISOString(), to: to.toISOString(), total, by_feature: byFeature, by_day: byDay };
}

export interface AiCallView {
  id: number;
  at: string;
  feature: string;
  model: string;
  prompt_tokens: number;
  response_tokens: number;
  latency_ms: number;
  cost_micros: number;
  cost_usd: number;
  outcome: string;
  error: string | null;
}

export async function recentCalls(exec: Executor, guildId: string, limit = 50): Promise<AiCallView[]> {
  const rows = await exec.select().from(aiCalls).where(eq(aiCalls.guildId, guildId)).orderBy(desc(aiCalls.at), desc(aiCalls.id)).limit(limit);
  return rows.map((r) => ({
    id: r.id, at: r.at.toISOString(), feature: r.feature, model: r.model, prompt_tokens: r.promptTokens, response_tokens: r.responseTokens,
    latency_ms: r.latencyMs, cost_micros: r.costMicros, cost_usd: usd(r.costMicros), outcome: r.outcome, error: r.error,
  }));
}

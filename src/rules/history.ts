// Loads the stored firings that limits need (cooldowns, rates, caps), so limits hold across
// restarts and processes: they are derived from rule_firings, not from memory alone.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { bigintList, intList } from '../db/sql.ts';
import type { CompiledConfig, CompiledRule } from './compiler.ts';
import { lookbackStart, type FiringRecord, type LimitHistory } from './limits.ts';

export interface HistoryScope {
  /** Rules to load history for (only those with limits matter). */
  rules: CompiledRule[];
  /** Event time (ms) of the earliest event to be evaluated. */
  earliest: number;
  /** Only firings involving these members (plus every firing of guild-wide limits). */
  members: string[];
}

export async function loadLimitHistory(exec: Executor, config: CompiledConfig, history: LimitHistory, scope: HistoryScope): Promise<void> {
  const limited = scope.rules.filter((r) => r.limits.length > 0 && r.id > 0);
  if (limited.length === 0) return;
  const since = Math.min(...limited.map((r) => lookbackStart(r.limits, scope.earliest)));
  const guildWide = limited.filter((r) => r.limits.some((l) => l.per === 'guild')).map((r) => r.id);
  const rows = await queryRows<{ rule_id: number; at: string; actor_id: string | null; target_id: string | null; channel_id: string | null; amounts: Record<string, number> }>(
    exec,
    sql`SELECT rule_id, (EXTRACT(EPOCH FROM at) * 1000)::bigint::text AS at, actor_id::text, target_id::text, channel_id::text, amounts
        FROM rule_firings
        WHERE guild_id = ${config.guildId} AND rule_id IN ${intList(limited.map((r) => r.id))}
          AND at >= ${new Date(since).toISOString()}::timestamptz
          AND (actor_id IN ${bigintList(scope.members)} OR target_id IN ${bigintList(scope.members)} OR rule_id IN ${intList(guildWide)})
        ORDER BY at, id`,
  );
  const limitsById = new Map(limited.map((r) => [r.id, r.limits]));
  for (const r of rows) {
    const record: FiringRecord = { ruleId: r.rule_id, at: Number(r.at), actorId: r.actor_id, targetId: r.target_id, channelId: r.channel_id, amounts: r.amounts };
    history.add(record, limitsById.get(r.rule_id)!);
  }
}

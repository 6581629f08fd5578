// Loads the stored firings that limits need (cooldowns, rates, caps), so limits hold across
// restarts and processes: they are derived from rule_firings, not from memory alone. Each rule is
// read only as far back as its own limits look, member by member through an index.
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { readEach, type Reader } from '../db/read-together.ts';
import { bigintArray, perMember } from '../db/sql.ts';
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

interface FiringRow {
  rule_id: number;
  at: string;
  actor_id: string | null;
  target_id: string | null;
  channel_id: string | null;
  amounts: Record<string, number>;
}

/** `read`: how to run the query (the engine's batch runs it with its other reads, db/read-together.ts). */
export async function loadLimitHistory(exec: Executor, config: CompiledConfig, history: LimitHistory, scope: HistoryScope, read: Reader = readEach(exec)): Promise<void> {
  const limited = scope.rules.filter((r) => r.limits.length > 0 && r.id > 0);
  if (limited.length === 0 || scope.members.length === 0) return;
  const members = bigintArray(scope.members);
  const parts: SQL[] = [];
  for (const rule of limited) {
    const since = new Date(lookbackStart(rule.limits, scope.earliest)).toISOString();
    const pers = new Set(rule.limits.map((l) => l.per));
    const base = sql`SELECT rule_id, (EXTRACT(EPOCH FROM at) * 1000)::bigint::text AS at, actor_id::text, target_id::text, channel_id::text, amounts
                     FROM rule_firings WHERE guild_id = ${config.guildId} AND rule_id = ${rule.id} AND at >= ${since}::timestamptz`;
    if (pers.has('guild')) parts.push(base);
    else {
      // Member by member (db/sql.ts perMember), through the (guild, rule, actor, at) index and,
      // for caps per target, the (guild, rule, target, at) one. A firing whose actor is one of the
      // members is read once: by the actor part when the rule has one, else by the target part.
      const byActor = pers.has('actor') || pers.has('actor_channel') || pers.has('actor_target');
      if (byActor) parts.push(perMember(scope.members, (member) => sql`${base} AND actor_id = ${member}`));
      if (pers.has('target')) {
        parts.push(perMember(scope.members, (member) => (byActor ? sql`${base} AND target_id = ${member} AND actor_id <> ALL(${members})` : sql`${base} AND target_id = ${member}`)));
      }
    }
  }
  const rows = await read<FiringRow>(sql`${sql.join(parts, sql` UNION ALL `)} ORDER BY at`);
  // In time order (a reader of several queries does not keep the order).
  rows.sort((a, b) => Number(a.at) - Number(b.at));
  const limitsById = new Map(limited.map((r) => [r.id, r.limits]));
  for (const r of rows) {
    const record: FiringRecord = { ruleId: r.rule_id, at: Number(r.at), actorId: r.actor_id, targetId: r.target_id, channelId: r.channel_id, amounts: r.amounts };
    history.add(record, limitsById.get(r.rule_id)!);
  }
}

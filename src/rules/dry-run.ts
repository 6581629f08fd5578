// Dry run: what the rules would do with an event — every rule's trigger match, condition values,
// limit states and computed effects, the chain of internal events, and the resulting balances —
// computed on a copy of the state and written nowhere.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';
import { bigintArray } from '../db/sql.ts';
import type { LakeEvent } from '../events/lake-event.ts';
import { readStoredAmount } from '../ledger/wallet.ts';
import { compileConfig, type CompiledConfig, type ConfigInput, type CurrencyInfo } from './compiler.ts';
import { evaluate } from './engine.ts';
import { loadLimitHistory } from './history.ts';
import type { EventSignals, EventTrace, MilestoneHook, PlannedOutbox, RuleTrace } from './types.ts';
import { MemoryState } from './state.ts';
import { MilestoneChecker } from '../milestones/checker.ts';

export interface DryRunResult {
  guild_id: string;
  rules_version: number;
  event: EventTrace['event'];
  /** Every enabled rule, in priority order, for the event itself. */
  rules: RuleTrace[];
  /** Internal events the rules emitted, each with its own rule traces. */
  chain: EventTrace[];
  notes: string[];
  balances: Record<string, Record<string, { before: number; after: number }>>;
  levels: Record<string, Record<string, { before: number | null; after: number | null }>>;
  outbox: PlannedOutbox[];
  milestones: { member: string; milestone: string }[];
  errors: { rule: string; message: string }[];
  /** Rules of the configuration that could not be compiled (they never run). */
  invalid_rules: { rule: string; path: string; message: string }[];
}

type Snapshot = Map<string, { balance: number; lifetimeEarned: number; level: number | null }>;

function snapshot(state: MemoryState, members: string[], currencies: CurrencyInfo[]): Snapshot {
  const out: Snapshot = new Map();
  for (const m of members) for (const c of currencies) out.set(`${m}:${c.key}`, { ...state.wallet(m, c) });
  return out;
}

/** Whether a rule the event's type triggers (shadow ones too) reads ai_quality. */
export function dryRunNeedsAiQuality(config: CompiledConfig, event: Pick<LakeEvent, 'type'>): boolean {
  return config.aiQuality && (config.byType.get(event.type) ?? []).some((r) => r.usesAiQuality);
}

export function dryRun(
  config: CompiledConfig,
  state: MemoryState,
  event: LakeEvent,
  milestones?: MilestoneHook & { advance(event: LakeEvent): void },
  signals?: EventSignals,
): DryRunResult {
  const currencies = [...config.currencies.values()];
  const members = [...new Set([event.actor_id, event.target_id].filter((m): m is string => !!m))];
  const before = snapshot(state, members, currencies);
  const hook = milestones ?? MilestoneChecker.empty(config, state);
  hook.advance(event);
  // A rule reading ai_quality sees null unless the caller computed it; the trace says why.
  const given = signals ?? (dryRunNeedsAiQuality(config, event) ? { ai_quality: null, notes: ['ai_quality is null: a dry run has no message content to score (Cairn never stores message text)'] } : undefined);
  const evaluation = evaluate(config, state, event, { trace: true, includeShadow: true, milestones: hook, ...(given ? { signals: given } : {}) });
  const after = snapshot(state, members, currencies);
  const [root, ...chain] = evaluation.trace ?? [];
  const seen = new Set(root?.rules.map((r) => r.rule));
  // Rules that do not listen to this event type, so a tester sees why they stayed silent.
  const others: RuleTrace[] = config.rules
    .filter((r) => !seen.has(r.rule.key))
    .map((r) => ({
      rule: r.rule.key, name: r.rule.name, ruleId: r.id, version: r.version, module: r.rule.module, mode: r.rule.mode, priority: r.rule.priority,
      trigger: { matched: false, listening: false, reason: `listens to ${r.rule.trigger.events.join(', ')}, not ${event.type}` },
      conditions: [], limits: [], effects: [], fired: false, applied: false,
    }));
  // Rules of a module the guild switched off: listed, so a tester sees why they stayed silent.
  const off: RuleTrace[] = config.moduleOff.map(({ id, version, rule: r }) => ({
    rule: r.key, name: r.name, ruleId: id, version, module: r.module, mode: r.mode, priority: r.priority,
    trigger: { matched: false, reason: `module ${r.module} is off` },
    conditions: [], limits: [], effects: [], fired: false, applied: false, skipped: `module ${r.module} is off`,
  }));
  const offModules = [...new Set(config.moduleOff.filter((r) => r.rule.trigger.events.includes(event.type)).map((r) => r.rule.module))].sort();
  const balances: DryRunResult['balances'] = {};
  const levels: DryRunResult['levels'] = {};
  for (const m of members) {
    balances[m] = {};
    levels[m] = {};
    for (const c of currencies) {
      const b = before.get(`${m}:${c.key}`)!;
      const a = after.get(`${m}:${c.key}`)!;
      balances[m][c.key] = { before: b.balance, after: a.balance };
      if (c.level_curve) levels[m][c.key] = { before: b.level, after: a.level };
    }
  }
  return {
    guild_id: config.guildId,
    rules_version: config.version,
    event: root?.event ?? { type: event.type, source_id: event.source_id, actor_id: event.actor_id, target_id: event.target_id, channel_id: event.channel_id, occurred_at: event.occurred_at, data: event.data },
    rules: [...(root?.rules ?? []), ...others, ...off].sort((a, b) => b.priority - a.priority || (a.rule < b.rule ? -1 : 1)),
    chain,
    notes: [...offModules.map((m) => `module ${m} is off: its rules for ${event.type} did not run`), ...evaluation.notes],
    balances,
    levels,
    outbox: evaluation.plan.outbox,
    milestones: evaluation.plan.milestoneAwards.map((a) => ({ member: a.userId, milestone: a.key })),
    errors: evaluation.errors.map((e) => ({ rule: e.rule, message: e.message })),
    invalid_rules: config.problems.map((p) => ({ rule: p.ruleKey, path: p.path, message: p.message })),
  };
}

/** Overlays candidate rule documents on a configuration (same key replaces; `only` drops the rest). */
export function withCandidateRules(input: ConfigInput, candidates: unknown[], only = false): CompiledConfig {
  const byKey = new Map((only ? [] : input.rules).map((r) => [String((r.document as { key?: unknown }).key), r]));
  candidates.forEach((document, i) => {
    const key = String((document as { key?: unknown })?.key ?? `candidate-${i}`);
    const existing = byKey.get(key);
    byKey.set(key, { id: existing?.id ?? -(i + 1), version: (existing?.version ?? 0) + 1, document });
  });
  return compileConfig({ ...input, rules: [...byKey.values()] });
}

/** A milestone checker over stored counters for a dry run (reads only). */
export function milestonesForDryRun(exec: Executor, config: CompiledConfig, state: MemoryState, event: LakeEvent) {
  const members = [...new Set([event.actor_id, event.target_id].filter((m): m is string => !!m))];
  return new MilestoneChecker().prepare(exec, config, members, state, []);
}

/** Reads (never locks) what the rules may look at for these members: wallets, roles, limit history. */
export async function loadStateForDryRun(exec: Executor, config: CompiledConfig, event: LakeEvent): Promise<MemoryState> {
  const state = new MemoryState(config.guildId);
  const members = [...new Set([event.actor_id, event.target_id].filter((m): m is string => !!m))];
  const wallets = await queryRows<{ user_id: string; currency_id: number; balance: string; lifetime_earned: string; level: number | null }>(
    exec,
    sql`SELECT user_id::text, currency_id, balance::text, lifetime_earned::text, level FROM wallets
        WHERE guild_id = ${config.guildId} AND user_id = ANY(${bigintArray(members)})`,
  );
  for (const w of wallets) {
    // Parsed as the ledger parses them, so a wallet it would refuse to change is refused here too.
    const balance = readStoredAmount(w.balance, 'balance');
    const lifetime = readStoredAmount(w.lifetime_earned, 'lifetime total');
    const problem = balance.problem ?? lifetime.problem;
    state.setWallet(w.user_id, w.currency_id, { balance: balance.value, lifetimeEarned: lifetime.value, level: w.level, ...(problem ? { problem } : {}) });
  }
  const roles = await queryRows<{ user_id: string; roles: string[]; announce_opt_out: boolean }>(
    exec,
    sql`SELECT user_id::text, roles, announce_opt_out FROM members WHERE guild_id = ${config.guildId} AND user_id = ANY(${bigintArray(members)})`,
  );
  for (const r of roles) {
    state.setRoles(r.user_id, r.roles);
    state.setAnnouncementOptOut(r.user_id, r.announce_opt_out);
  }
  await loadLimitHistory(exec, config, state.limits, { rules: config.rules, earliest: Date.parse(event.occurred_at), members });
  return state;
}

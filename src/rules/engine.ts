// The engine: for one event, the rules its type can trigger, by priority → trigger filters →
// conditions → limits → effects, then level checks and internal events chained to a depth limit.
// Pure: it reads and changes an in-memory EngineState and returns a plan (and, asked, a trace).
import type { LakeEvent } from '../events/lake-event.ts';
import { levelAfter } from '../ledger/currency.ts';
import type { CompiledConfig, CompiledEffect, CompiledRule, CurrencyInfo } from './compiler.ts';
import { buildContext, type EvalContext } from './context.ts';
import { jsonLogic } from './logic/operations.ts';
import type { LimitCheck } from './limits.ts';
import type { EngineState, WalletView } from './state.ts';
import { renderTemplate } from './template.ts';
import type {
  EffectTrace,
  EventTrace,
  Evaluation,
  MilestoneHook,
  Plan,
  PlannedPosting,
  RuleError,
  RuleTrace,
} from './types.ts';

export interface EvaluateOptions {
  /** The lake row of the root event (null in dry runs). */
  lakeEventId?: number | null;
  trace?: boolean;
  /** Evaluate shadow rules too (always traced, never applied). */
  includeShadow?: boolean;
  milestones?: MilestoneHook;
}

interface QueuedEvent {
  event: LakeEvent;
  depth: number;
  /** Keys of the rules whose firing led to this event. */
  path: string[];
}

const ROUND = {
  trunc: Math.trunc,
  floor: Math.floor,
  ceil: Math.ceil,
  round: Math.round,
} as const;

export function emptyPlan(): Plan {
  return { postings: [], levels: [], firings: [], outbox: [], milestoneAwards: [] };
}

/** One change to a wallet inside a rule, undone if a later effect of the same rule fails. */
interface Undo {
  wallet: WalletView;
  balance: number;
  lifetimeEarned: number;
}

class RuleAbort extends Error {}

export function evaluate(config: CompiledConfig, state: EngineState, root: LakeEvent, options: EvaluateOptions = {}): Evaluation {
  const plan = emptyPlan();
  const traces: EventTrace[] = [];
  const errors: RuleError[] = [];
  const notes: string[] = [];
  const levelsGained = new Map<string, number>();
  const queue: QueuedEvent[] = [{ event: root, depth: 0, path: [] }];
  let emitted = 0;

  for (let q = 0; q < queue.length; q++) {
    const { event, depth, path } = queue[q]!;
    const trace: EventTrace | undefined = options.trace ? { event: summary(event), depth, rules: [], notes: [] } : undefined;
    if (trace) traces.push(trace);
    const credited = new Map<string, { userId: string; currency: CurrencyInfo }>();
    const ctx = buildContext(config, state, event, depth, root.type);
    const emit = (type: LakeEvent['type'], member: string, data: Record<string, unknown>, via: string[]) => {
      if (!config.listened.has(type)) return;
      const child: LakeEvent = {
        source_id: `${root.source_id}:${++emitted}`,
        type,
        guild_id: root.guild_id,
        actor_id: member,
        target_id: null,
        channel_id: event.channel_id,
        occurred_at: event.occurred_at,
        data,
      };
      if (depth + 1 > config.maxChainDepth) {
        const note = `depth limit ${config.maxChainDepth} reached: ${type} for ${member} (via ${via.join(' → ')}) was not processed`;
        notes.push(note);
        trace?.notes.push(note);
        return;
      }
      queue.push({ event: child, depth: depth + 1, path: via });
    };

    if (depth === 0 && event.type === 'manual_award') applyManualAward(config, state, event, plan, credited, trace, notes);

    let stopped: string | undefined;
    for (const rule of config.byType.get(event.type) ?? []) {
      const shadow = rule.rule.mode === 'shadow';
      if (shadow && !options.includeShadow && !options.trace) continue;
      if (stopped && !shadow) {
        trace?.rules.push(skippedTrace(rule, `not evaluated: "${stopped}" fired with stop_processing`));
        continue;
      }
      const rt = evaluateRule(rule, event, ctx, depth, path, state, plan, config, options, credited, emit, errors);
      if (trace) trace.rules.push(rt);
      if (rt.fired && !shadow && rule.rule.stop_processing) stopped = rule.rule.key;
      if (rt.cycle) {
        const note = `cycle detected: ${[...path, rule.rule.key].join(' → ')}`;
        if (!notes.includes(note)) notes.push(note);
        trace?.notes.push(note);
      }
    }

    // Levels: a member whose curved currency rose in this step may gain levels (capped per root event).
    for (const [key, { userId, currency }] of credited) {
      const curve = currency.level_curve;
      if (!curve) continue;
      const wallet = state.wallet(userId, currency);
      const before = wallet.level ?? curve.start_level;
      const total = curve.based_on === 'balance' ? wallet.balance : wallet.lifetimeEarned;
      const gained = levelsGained.get(key) ?? 0;
      const after = levelAfter(curve, before, total, gained);
      if (after === before) continue;
      wallet.level = after;
      levelsGained.set(key, gained + (after - before));
      plan.levels.push({ userId, currencyId: currency.id, level: after });
      ctx.actor.invalidate();
      ctx.target?.invalidate();
      trace?.notes.push(`${userId} reached ${currency.key} level ${after}`);
      for (let level = before + 1; level <= after; level++) {
        emit('level_up', userId, { currency: currency.key, level, previous_level: level - 1 }, path);
      }
    }
  }
  return { plan, errors, notes, ...(options.trace ? { trace: traces } : {}) };
}

/** A manual_award moves the target's wallet directly (source "manual"); rules may react as well. */
function applyManualAward(
  config: CompiledConfig,
  state: EngineState,
  event: LakeEvent,
  plan: Plan,
  credited: Map<string, { userId: string; currency: CurrencyInfo }>,
  trace: EventTrace | undefined,
  notes: string[],
): void {
  const currency = config.currencies.get(String(event.data.currency));
  const amount = Number(event.data.amount);
  const userId = event.target_id;
  const skip = (why: string) => {
    notes.push(`manual award not applied: ${why}`);
    trace?.notes.push(`manual award not applied: ${why}`);
  };
  if (!currency) return skip(`unknown currency "${String(event.data.currency)}"`);
  if (!userId || !Number.isSafeInteger(amount) || amount === 0) return skip('no member or no amount');
  const wallet = state.wallet(userId, currency);
  if (amount < 0 && wallet.balance + amount < 0 && !currency.allow_negative) return skip(`balance ${wallet.balance} is too low for ${amount}`);
  wallet.balance += amount;
  if (amount > 0) {
    wallet.lifetimeEarned += amount;
    credited.set(`${userId}:${currency.id}`, { userId, currency });
  }
  plan.postings.push({
    userId,
    currencyId: currency.id,
    currency: currency.key,
    delta: amount,
    balanceAfter: wallet.balance,
    source: 'manual',
    ruleId: null,
    ruleVersion: null,
    reason: `${String(event.data.reason || 'manual award')} (by ${event.actor_id})`,
    detail: {},
    at: event.occurred_at,
  });
  trace?.notes.push(`manual award: ${amount} ${currency.key} to ${userId}`);
}

function summary(event: LakeEvent): EventTrace['event'] {
  return {
    type: event.type,
    source_id: event.source_id,
    actor_id: event.actor_id,
    target_id: event.target_id,
    channel_id: event.channel_id,
    occurred_at: event.occurred_at,
    data: event.data,
  };
}

function baseTrace(rule: CompiledRule): RuleTrace {
  return {
    rule: rule.rule.key,
    name: rule.rule.name,
    ruleId: rule.id,
    version: rule.version,
    module: rule.rule.module,
    mode: rule.rule.mode,
    priority: rule.rule.priority,
    trigger: { matched: false },
    conditions: [],
    limits: [],
    effects: [],
    fired: false,
    applied: false,
  };
}

function skippedTrace(rule: CompiledRule, reason: string): RuleTrace {
  const rt = baseTrace(rule);
  rt.trigger = { matched: true };
  rt.skipped = reason;
  return rt;
}

/** Why the trigger's filters do not match, or undefined if they do. */
function triggerMismatch(rule: CompiledRule, event: LakeEvent, state: EngineState): string | undefined {
  const t = rule.rule.trigger;
  if (rule.channels && !(event.channel_id && rule.channels.has(event.channel_id))) return `channel ${event.channel_id ?? '(none)'} is not in the trigger's channels or zones`;
  if (rule.excludeChannels && event.channel_id && rule.excludeChannels.has(event.channel_id)) return `channel ${event.channel_id} is excluded`;
  if (t.exclude_self && event.target_id === event.actor_id) return 'the actor is also the target';
  if (t.has_target === true && !event.target_id) return 'the event has no target member';
  if (t.has_target === false && event.target_id) return 'the event has a target member';
  if (t.currency !== undefined && event.data.currency !== t.currency) return `currency is ${String(event.data.currency)}, not ${t.currency}`;
  if (t.milestone !== undefined && event.data.milestone !== t.milestone) return `milestone is ${String(event.data.milestone)}, not ${t.milestone}`;
  if (t.roles) {
    const roles = state.roles(event.actor_id);
    if (t.roles.any && !t.roles.any.some((r) => roles.includes(r))) return 'the actor has none of the required roles';
    if (t.roles.all && !t.roles.all.every((r) => roles.includes(r))) return 'the actor lacks a required role';
    if (t.roles.none && t.roles.none.some((r) => roles.includes(r))) return 'the actor has an excluded role';
  }
  return undefined;
}

function evaluateRule(
  rule: CompiledRule,
  event: LakeEvent,
  ctx: EvalContext,
  depth: number,
  path: string[],
  state: EngineState,
  plan: Plan,
  config: CompiledConfig,
  options: EvaluateOptions,
  credited: Map<string, { userId: string; currency: CurrencyInfo }>,
  emit: (type: LakeEvent['type'], member: string, data: Record<string, unknown>, via: string[]) => void,
  errors: RuleError[],
): RuleTrace & { cycle?: boolean } {
  const tracing = options.trace === true;
  const rt: RuleTrace & { cycle?: boolean } = baseTrace(rule);
  const mismatch = triggerMismatch(rule, event, state);
  if (mismatch) {
    rt.trigger = { matched: false, reason: mismatch };
    return rt;
  }
  rt.trigger = { matched: true };
  const live = rule.rule.mode === 'live';
  const at = Date.parse(event.occurred_at);
  const scope = { actorId: event.actor_id, targetId: event.target_id, channelId: event.channel_id };
  try {
    ctx.vars = {};
    for (const [name, compute] of rule.vars) ctx.vars[name] = compute(ctx);
    if (tracing && rule.vars.length > 0) rt.vars = { ...ctx.vars };
    let pass = true;
    for (const condition of rule.conditions) {
      const value = condition.test(ctx);
      const passed = jsonLogic.truthy(value);
      if (tracing) rt.conditions.push({ name: condition.name, value, passed });
      if (!passed) {
        pass = false;
        if (!tracing) break;
      }
    }
    if (!pass) return rt;
    let capRemaining: Map<string, number> | undefined;
    for (const limit of rule.limits) {
      const check: LimitCheck = state.limits.check(rule.id, limit, at, scope);
      if (tracing) rt.limits.push({ kind: limit.kind, per: limit.per, passed: check.passed, state: check.state });
      if (!check.passed) pass = false;
      if (limit.kind === 'cap' && check.remaining !== undefined) (capRemaining ??= new Map()).set(`${limit.per}.${limit.currency}`, check.remaining);
    }
    if (!pass) return rt;

    // Effects, in order. A failing effect undoes this rule's earlier changes (all or nothing).
    const undo: Undo[] = [];
    const planMarks = { postings: plan.postings.length, outbox: plan.outbox.length, awards: plan.milestoneAwards.length };
    const amounts: Record<string, number> = {};
    const pendingEmits: [LakeEvent['type'], string, Record<string, unknown>][] = [];
    const pendingCredits: [string, { userId: string; currency: CurrencyInfo }][] = [];
    try {
      rule.effects.forEach((effect, index) => {
        const et = applyEffect(effect, index, rule, event, ctx, state, plan, config, live, undo, capRemaining, amounts, pendingEmits, pendingCredits, options);
        if (tracing) rt.effects.push(et);
        if (et.status === 'failed') throw new RuleAbort(et.note ?? 'effect failed');
      });
    } catch (error) {
      if (!(error instanceof RuleAbort)) throw error;
      for (const u of undo.reverse()) {
        u.wallet.balance = u.balance;
        u.wallet.lifetimeEarned = u.lifetimeEarned;
      }
      plan.postings.length = planMarks.postings;
      plan.outbox.length = planMarks.outbox;
      plan.milestoneAwards.length = planMarks.awards;
      ctx.actor.invalidate();
      ctx.target?.invalidate();
      rt.skipped = `not applied: ${error.message}`;
      return rt;
    }
    rt.fired = true;
    rt.applied = live;
    if (!live) return rt;
    if (path.includes(rule.rule.key)) rt.cycle = true;
    const firing = { ruleId: rule.id, at, actorId: event.actor_id, targetId: event.target_id, channelId: event.channel_id, amounts };
    if (rule.limits.length > 0) state.limits.add(firing, rule.limits);
    plan.firings.push({ ...firing, ruleVersion: rule.version, depth });
    for (const [key, value] of pendingCredits) credited.set(key, value);
    for (const [type, member, data] of pendingEmits) emit(type, member, data, [...path, rule.rule.key]);
  } catch (error) {
    // A rule that fails at run time is skipped and reported; other rules go on.
    const message = error instanceof Error ? error.message : String(error);
    rt.error = message;
    rt.fired = false;
    errors.push({ rule: rule.rule.key, ruleId: rule.id, message, event: event.source_id });
  }
  return rt;
}

function memberOf(event: LakeEvent, who: 'actor' | 'target'): string | null {
  return who === 'actor' ? event.actor_id : event.target_id;
}

function computeAmount(effect: CompiledEffect & { round: keyof typeof ROUND }, ctx: EvalContext): { raw: number; amount: number } {
  const value = effect.compiledAmount!(ctx);
  const raw = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(raw)) throw new Error(`amount is not a number (got ${JSON.stringify(value)})`);
  return { raw, amount: ROUND[effect.round](raw) };
}

function applyEffect(
  effect: CompiledEffect,
  index: number,
  rule: CompiledRule,
  event: LakeEvent,
  ctx: EvalContext,
  state: EngineState,
  plan: Plan,
  config: CompiledConfig,
  live: boolean,
  undo: Undo[],
  capRemaining: Map<string, number> | undefined,
  amounts: Record<string, number>,
  pendingEmits: [LakeEvent['type'], string, Record<string, unknown>][],
  pendingCredits: [string, { userId: string; currency: CurrencyInfo }][],
  options: EvaluateOptions,
): EffectTrace {
  const at = event.occurred_at;
  const posting = (userId: string, currency: CurrencyInfo, delta: number, detail: Record<string, unknown>): PlannedPosting => ({
    userId,
    currencyId: currency.id,
    currency: currency.key,
    delta,
    balanceAfter: state.wallet(userId, currency).balance,
    source: 'rule',
    ruleId: rule.id,
    ruleVersion: rule.version,
    reason: 'reason' in effect && effect.reason ? effect.reason : rule.rule.name,
    detail: { rule: rule.rule.key, effect: index, ...detail },
    at,
  });
  const move = (userId: string, currency: CurrencyInfo, delta: number) => {
    const wallet = state.wallet(userId, currency);
    undo.push({ wallet, balance: wallet.balance, lifetimeEarned: wallet.lifetimeEarned });
    wallet.balance += delta;
    if (delta > 0) wallet.lifetimeEarned += delta;
    ctx.actor.invalidate();
    ctx.target?.invalidate();
  };

  switch (effect.type) {
    case 'credit':
    case 'debit':
    case 'transfer': {
      const currency = config.currencies.get(effect.currency)!;
      const { raw, amount: computed } = computeAmount(effect, ctx);
      const base: EffectTrace = { type: effect.type, currency: currency.key, expression: effect.amount, value: raw, amount: computed, status: 'planned' };
      const fromWho = effect.type === 'credit' ? undefined : effect.from;
      const toWho = effect.type === 'debit' ? undefined : effect.to;
      const from = fromWho ? memberOf(event, fromWho) : null;
      const to = toWho ? memberOf(event, toWho) : null;
      base.member = effect.type === 'debit' ? from : to;
      if ((fromWho && !from) || (toWho && !to)) return { ...base, status: 'skipped', note: 'the event has no target member' };
      let amount = computed;
      if (amount <= 0) return { ...base, amount: 0, status: 'skipped', note: 'computed amount is not positive: nothing to move' };
      if (toWho && capRemaining?.has(`${toWho}.${currency.key}`)) {
        const remaining = capRemaining.get(`${toWho}.${currency.key}`)!;
        if (amount > remaining) {
          amount = remaining;
          base.note = `capped to ${remaining} by the ${currency.key} cap`;
        }
        capRemaining.set(`${toWho}.${currency.key}`, remaining - amount);
        if (amount <= 0) return { ...base, amount: 0, status: 'skipped', note: 'cap reached' };
      }
      base.amount = amount;
      if (from) {
        const wallet = state.wallet(from, currency);
        if (wallet.balance - amount < 0 && !currency.allow_negative) {
          return { ...base, status: 'failed', note: `insufficient ${currency.key}: balance ${wallet.balance}, needs ${amount}` };
        }
      }
      if (!live) return base;
      if (from) {
        move(from, currency, -amount);
        plan.postings.push(posting(from, currency, -amount, effect.type === 'transfer' ? { to } : {}));
        if (config.listened.has('currency_debited')) {
          pendingEmits.push(['currency_debited', from, { currency: currency.key, amount, balance_after: state.wallet(from, currency).balance }]);
        }
      }
      if (to) {
        move(to, currency, amount);
        plan.postings.push(posting(to, currency, amount, effect.type === 'transfer' ? { from } : {}));
        amounts[`${toWho}.${currency.key}`] = (amounts[`${toWho}.${currency.key}`] ?? 0) + amount;
        pendingCredits.push([`${to}:${currency.id}`, { userId: to, currency }]);
        if (config.listened.has('currency_credited')) {
          pendingEmits.push(['currency_credited', to, { currency: currency.key, amount, balance_after: state.wallet(to, currency).balance }]);
        }
      }
      return base;
    }
    case 'role_add':
    case 'role_remove': {
      const who = effect.type === 'role_add' ? effect.to : effect.from;
      const userId = memberOf(event, who);
      const trace: EffectTrace = { type: effect.type, member: userId, role: effect.role, status: 'planned' };
      if (!userId) return { ...trace, status: 'skipped', note: 'the event has no target member' };
      if (!live) return trace;
      const roles = new Set(state.roles(userId));
      if (effect.type === 'role_add') {
        for (const other of effect.replace ?? []) {
          if (other !== effect.role && roles.delete(other)) {
            plan.outbox.push({ kind: 'role_remove', ruleId: rule.id, payload: { user_id: userId, role_id: other, reason: rule.rule.name } });
          }
        }
        roles.add(effect.role);
        plan.outbox.push({ kind: 'role_add', ruleId: rule.id, payload: { user_id: userId, role_id: effect.role, reason: rule.rule.name } });
      } else {
        roles.delete(effect.role);
        plan.outbox.push({ kind: 'role_remove', ruleId: rule.id, payload: { user_id: userId, role_id: effect.role, reason: rule.rule.name } });
      }
      state.setRoles(userId, [...roles]);
      return trace;
    }
    case 'message':
    case 'dm': {
      const values = templateValues(ctx);
      const content = renderTemplate(effect.template, values);
      const embed = effect.embed
        ? {
            ...effect.embed,
            ...(effect.embed.title ? { title: renderTemplate(effect.embed.title, values) } : {}),
            ...(effect.embed.description ? { description: renderTemplate(effect.embed.description, values) } : {}),
            ...(effect.embed.fields ? { fields: effect.embed.fields.map((f) => ({ ...f, name: renderTemplate(f.name, values), value: renderTemplate(f.value, values) })) } : {}),
          }
        : undefined;
      if (effect.type === 'message') {
        const channel = effect.channel === 'event_channel' ? event.channel_id : effect.channel;
        const trace: EffectTrace = { type: 'message', channel, content, status: 'planned' };
        if (!channel) return { ...trace, status: 'skipped', note: 'the event has no channel' };
        if (live) plan.outbox.push({ kind: 'message', ruleId: rule.id, payload: { channel_id: channel, content, ...(embed ? { embed } : {}) } });
        return trace;
      }
      const userId = memberOf(event, effect.to);
      const trace: EffectTrace = { type: 'dm', member: userId, content, status: 'planned' };
      if (!userId) return { ...trace, status: 'skipped', note: 'the event has no target member' };
      if (live) plan.outbox.push({ kind: 'dm', ruleId: rule.id, payload: { user_id: userId, content, ...(embed ? { embed } : {}) } });
      return trace;
    }
    case 'milestone_check': {
      const members = effect.member === 'both' ? [event.actor_id, event.target_id] : [memberOf(event, effect.member)];
      const trace: EffectTrace = { type: 'milestone_check', status: 'planned', awarded: [] };
      if (!options.milestones) return { ...trace, status: 'skipped', note: 'no milestone checker in this context' };
      for (const userId of members) {
        if (!userId) continue;
        const awards = options.milestones.check(userId, event, effect.milestones, live);
        for (const award of awards) {
          trace.awarded!.push(`${userId}:${award.key}`);
          if (!live) continue;
          plan.milestoneAwards.push({ userId, milestoneId: award.id, key: award.key, seasonId: award.seasonId, ruleId: rule.id });
          pendingEmits.push(['milestone_earned', userId, { milestone: award.key, name: award.name, rarity: award.rarity }]);
          for (const row of award.outbox) plan.outbox.push({ ...row, ruleId: rule.id });
        }
      }
      return trace;
    }
    case 'emit': {
      const userId = memberOf(event, effect.member);
      const data = Object.fromEntries(Object.entries(effect.compiledData ?? {}).map(([k, compute]) => [k, compute(ctx)]));
      const trace: EffectTrace = { type: 'emit', member: userId, event: effect.event, data, status: 'planned' };
      if (!userId) return { ...trace, status: 'skipped', note: 'the event has no target member' };
      if (live) pendingEmits.push([effect.event, userId, data]);
      return trace;
    }
  }
}

function templateValues(ctx: EvalContext): Record<string, unknown> {
  return {
    actor: { id: ctx.actor.id, mention: ctx.actor.mention, balances: ctx.actor.balances, levels: ctx.actor.levels },
    target: ctx.target ? { id: ctx.target.id, mention: ctx.target.mention, balances: ctx.target.balances, levels: ctx.target.levels } : null,
    event: ctx.event,
    data: ctx.event.data,
    vars: ctx.vars,
    zone: ctx.zone,
  };
}

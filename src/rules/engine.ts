// The engine: for one event, the rules its type can trigger, by priority → trigger filters →
// conditions → limits → effects, then level checks and internal events chained to a depth limit.
// Pure: it reads and changes an in-memory EngineState and returns a plan (and, asked, a trace).
// Without a trace it allocates little per rule: this loop is the hot path of every event.
import { MAX_AMOUNT, MAX_BALANCE } from '../config/ranges.ts';
import type { LakeEvent } from '../events/lake-event.ts';
import { postingProblem } from '../ledger/apply-postings.ts';
import { levelAfter, rewardRoles } from '../ledger/currency.ts';
import { candidatesFor, type CompiledConfig, type CompiledEffect, type CompiledRule, type CurrencyInfo } from './compiler.ts';
import { EvalContext, eventTime } from './context.ts';
import { jsonLogic } from './logic/operations.ts';
import type { IdIndex } from './id-index.ts';
import { NO_AMOUNTS, type ScopeIds } from './limits.ts';
import { ANNOUNCED_EVENTS, type EngineState, type WalletView } from './state.ts';
import { cachedThreshold } from './levels.ts';
import { renderTemplate } from './template.ts';
import type { EffectTrace, EventSignals, EventTrace, Evaluation, MilestoneHook, Plan, PlannedLevel, PlannedMilestoneAward, PlannedOutbox, PlannedPosting, RuleError, RuleTrace } from './types.ts';

export interface EvaluateOptions {
  /** The lake row of the root event (null in dry runs). */
  lakeEventId?: number | null;
  trace?: boolean;
  /** Evaluate shadow rules too (always traced, never applied). */
  includeShadow?: boolean;
  milestones?: MilestoneHook;
  /** Signals of the root event (ai_quality), computed before evaluation. */
  signals?: EventSignals;
}

interface QueuedEvent {
  event: LakeEvent;
  depth: number;
  /** Keys of the rules whose firing led to this event (never changed: chained events copy it). */
  path: readonly string[];
  /** Event time in ms: a chained event happens when the event that led to it did, so it is not parsed again. */
  at: number;
}

/** The path of a root event: shared, frozen. */
const NO_PATH: readonly string[] = Object.freeze([]);
/** The errors and notes of an evaluation that has none (most): shared, frozen. */
const NONE_YET: never[] = Object.freeze([]) as never[];
const NO_OPTIONS: EvaluateOptions = Object.freeze({});

/**
 * A plan to fill. Most events change no level and produce no outbox row or award: those lists
 * start as one shared, frozen empty array, replaced by the first row (see Evaluator#outbox).
 */
export function emptyPlan(): Plan {
  return { postings: [], levels: NONE_YET, firings: [], outbox: NONE_YET, milestoneAwards: NONE_YET };
}

/** Evaluates one root event and its chain. */
export function evaluate(config: CompiledConfig, state: EngineState, root: LakeEvent, options: EvaluateOptions = NO_OPTIONS): Evaluation {
  return new Evaluator(config, state, root, options).run();
}

/** An effect that could not be applied (e.g. too low a balance): the rule is skipped, as planned. */
class RuleAbort extends Error {}

/**
 * An effect that must not be applied — a computed amount that is not a number or is beyond the
 * limits, a balance that would pass them: the rule's changes are undone and it is reported as a
 * rule error. Carries the effect's trace, so a dry run shows the failure where it happened.
 */
class EffectError extends Error {
  constructor(
    message: string,
    readonly trace: EffectTrace,
  ) {
    super(message);
  }
}

/** Why the ledger would refuse this change of a member's wallet, or undefined. */
function walletProblem(wallet: WalletView, userId: string, currency: CurrencyInfo, delta: number): string | undefined {
  // The common case, decided without building a posting: a whole amount within the limits that
  // leaves the balance (and, for a credit, the lifetime total) within them (config/ranges.ts).
  if (wallet.problem === undefined && Number.isSafeInteger(delta) && delta <= MAX_AMOUNT && delta >= -MAX_AMOUNT) {
    const after = wallet.balance + delta;
    if (after <= MAX_BALANCE && after >= -MAX_BALANCE && (delta <= 0 || wallet.lifetimeEarned + delta <= MAX_BALANCE)) return undefined;
  }
  const problem = postingProblem(wallet, { delta, source: 'rule' });
  return problem && `${currency.key} of member ${userId}: ${problem}`;
}

const formatNumber = (n: number) => (Number.isFinite(n) ? n.toLocaleString('en-US') : String(n));

/** A value as a short text for a message (a computed amount may be anything). */
function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The ids of the event being evaluated, interned (state.ids) when a rule first needs them: its
 * members for wallets and limits, its channel only for limits counted per channel.
 */
class EventIds implements ScopeIds {
  readonly actor: number;
  readonly target: number;
  #channel = -1;

  constructor(
    readonly index: IdIndex,
    readonly event: LakeEvent,
  ) {
    this.actor = index.of(event.actor_id);
    this.target = index.of(event.target_id);
  }

  get channel(): number {
    if (this.#channel < 0) this.#channel = this.index.of(this.event.channel_id);
    return this.#channel;
  }
}

/** A member whose curved currency rose, with the wallet it rose in (looked up when credited). */
interface Credited {
  userId: string;
  currency: CurrencyInfo;
  wallet: WalletView;
}

/**
 * What one firing rule changes, collected so it can be undone or committed as a whole. An
 * evaluation applies one rule at a time, so it keeps one run and resets it for each rule.
 */
interface RuleRun {
  rule: CompiledRule;
  ctx: EvalContext;
  live: boolean;
  /** Moved a wallet (its undo entries are in the evaluation's journal from `journalMark`). */
  moved: boolean;
  journalMark: number;
  amounts: Record<string, number> | undefined;
  emits: [LakeEvent['type'], string, Record<string, unknown>][] | undefined;
  /** Curved currencies it raised (the first `pendingCount` of the evaluation's pending list). */
  pendingCount: number;
  /** Members' roles before the rule changed them, to restore if it is undone. */
  roles: [string, string[]][] | undefined;
  capRemaining: Map<string, number> | undefined;
  /** Produced something the ledger does not record: outbox rows, internal events, awards. */
  produced: boolean;
}

function summary(event: LakeEvent): EventTrace['event'] {
  const { type, source_id, actor_id, target_id, channel_id, occurred_at, data } = event;
  return { type, source_id, actor_id, target_id, channel_id, occurred_at, data };
}

function ruleTrace(rule: CompiledRule): RuleTrace {
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

/** Whether the trigger's filters match (triggerMismatch without building the reason). */
function triggerMatches(rule: CompiledRule, event: LakeEvent, state: EngineState): boolean {
  const f = rule.filter;
  if (rule.channels && !(event.channel_id && rule.channels.has(event.channel_id))) return false;
  if (rule.excludeChannels && event.channel_id && rule.excludeChannels.has(event.channel_id)) return false;
  if (f.excludeSelf && event.target_id === event.actor_id) return false;
  if (f.hasTarget === true && !event.target_id) return false;
  if (f.hasTarget === false && event.target_id) return false;
  if (f.currency !== undefined && event.data.currency !== f.currency) return false;
  if (f.milestone !== undefined && event.data.milestone !== f.milestone) return false;
  if (f.item !== undefined && event.data.item !== f.item) return false;
  if (f.roles) return triggerMismatch(rule, event, state) === undefined;
  return true;
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
  if (t.item !== undefined && event.data.item !== t.item) return `item is ${String(event.data.item)}, not ${t.item}`;
  if (t.roles) {
    const roles = state.roles(event.actor_id);
    if (t.roles.any && !t.roles.any.some((r) => roles.includes(r))) return 'the actor has none of the required roles';
    if (t.roles.all && !t.roles.all.every((r) => roles.includes(r))) return 'the actor lacks a required role';
    if (t.roles.none && t.roles.none.some((r) => roles.includes(r))) return 'the actor has an excluded role';
  }
  return undefined;
}

/**
 * Working lists an evaluation fills and empties by count (credited currencies, the rule's pending
 * credits, the undo journal): kept between evaluations rather than allocated for each event. An
 * evaluation takes a set and gives it back; one started inside another gets a set of its own.
 */
interface WorkLists {
  credited: Credited[];
  pending: Credited[];
  journal: (WalletView | number)[];
}
const spareLists: WorkLists[] = [];

class Evaluator {
  readonly plan = emptyPlan();
  readonly traces: EventTrace[] | undefined;
  /** Allocated by the first error or note (see fail() and note()). */
  errors: RuleError[] = NONE_YET;
  notes: string[] = NONE_YET;
  /** Chained events waiting for their step (allocated by the first). */
  queue: QueuedEvent[] | undefined;
  readonly tracing: boolean;
  /** Levels gained per member and currency in this root event (capped per event). */
  levelsGained: Map<string, number> | undefined;
  emitted = 0;
  /** The event being evaluated and its trace. */
  current!: QueuedEvent;
  trace: EventTrace | undefined;
  /**
   * Curved currencies credited in the current step, by member: the first `creditedCount` entries
   * (a count rather than `length = 0`, which is a call into the runtime, once per rule).
   */
  readonly credited: Credited[];
  creditedCount = 0;
  /** Curved currencies raised by the rule being applied, credited once it is done. */
  readonly #pending: Credited[];
  /** The current event's interned ids, once a rule needed them. */
  #ids: EventIds | undefined;
  /** The run of the rule being applied (one object, reset per rule). */
  #run: RuleRun | undefined;
  /**
   * Wallets as they were before the moves of the rule being applied, to undo them: flat triples
   * (wallet, balance, lifetime earned), emptied when the rule is done.
   */
  readonly #journal: (WalletView | number)[];
  #journalLength = 0;

  constructor(
    readonly config: CompiledConfig,
    readonly state: EngineState,
    readonly root: LakeEvent,
    readonly options: EvaluateOptions,
  ) {
    this.tracing = options.trace === true;
    this.traces = this.tracing ? [] : undefined;
    this.#lists = spareLists.pop() ?? { credited: [], pending: [], journal: [] };
    this.credited = this.#lists.credited;
    this.#pending = this.#lists.pending;
    this.#journal = this.#lists.journal;
  }

  readonly #lists: WorkLists;

  run(): Evaluation {
    try {
      this.step({ event: this.root, depth: 0, path: NO_PATH, at: eventTime(this.root.occurred_at) });
      const queue = this.queue;
      if (queue) for (let q = 0; q < queue.length; q++) this.step(queue[q]!);
    } finally {
      spareLists.push(this.#lists);
    }
    return this.traces ? { plan: this.plan, errors: this.errors, notes: this.notes, trace: this.traces } : { plan: this.plan, errors: this.errors, notes: this.notes };
  }

  note(text: string): void {
    if (this.notes === NONE_YET) this.notes = [text];
    else if (!this.notes.includes(text)) this.notes.push(text);
    this.trace?.notes.push(text);
  }

  outbox(row: PlannedOutbox): void {
    if (this.plan.outbox === NONE_YET) this.plan.outbox = [row];
    else this.plan.outbox.push(row);
  }

  level(row: PlannedLevel): void {
    if (this.plan.levels === NONE_YET) this.plan.levels = [row];
    else this.plan.levels.push(row);
  }

  award(row: PlannedMilestoneAward): void {
    if (this.plan.milestoneAwards === NONE_YET) this.plan.milestoneAwards = [row];
    else this.plan.milestoneAwards.push(row);
  }

  fail(error: RuleError): void {
    if (this.errors === NONE_YET) this.errors = [error];
    else this.errors.push(error);
  }

  step(item: QueuedEvent): void {
    const { event, depth, at } = item;
    this.current = item;
    this.#ids = undefined;
    this.trace = this.tracing ? { event: summary(event), depth, rules: [], notes: [] } : undefined;
    if (this.trace) this.traces!.push(this.trace);
    this.creditedCount = 0;
    const ctx = new EvalContext(event, this.config, this.state, depth, this.root.type, at);
    if (depth === 0) {
      const signals = this.options.signals;
      if (typeof signals?.ai_quality === 'number') ctx.ai_quality = signals.ai_quality;
      if (this.trace && signals?.notes) for (const text of signals.notes) this.note(text);
      if (event.type === 'manual_award') this.manualAward(event);
    }

    let stopped: string | undefined;
    // A trace shows every rule of the type; otherwise only those the channel index lets through.
    const candidates = this.tracing ? (this.config.byType.get(event.type) ?? []) : candidatesFor(this.config, event.type, event.channel_id);
    if (candidates.length > 0) {
      for (const rule of candidates) {
        const shadow = rule.shadow;
        if (shadow && !this.options.includeShadow && !this.tracing) continue;
        if (stopped && !shadow) {
          if (this.trace) {
            const rt = ruleTrace(rule);
            rt.trigger = { matched: true };
            rt.skipped = `not evaluated: "${stopped}" fired with stop_processing`;
            this.trace.rules.push(rt);
          }
          continue;
        }
        const fired = this.evaluateRule(rule, ctx);
        if (fired && !shadow && rule.stopProcessing) stopped = rule.key;
        // Levels move as soon as a rule raised a curved currency, so later rules see them.
        if (this.creditedCount > 0) this.checkLevels(ctx);
      }
    }
    this.checkLevels(ctx);
  }

  /**
   * Levels: a member whose curved currency rose may gain levels — at most max_levels_per_event per
   * root event, however many rules and chained events credited it.
   */
  checkLevels(ctx: EvalContext): void {
    const credited = this.credited;
    const count = this.creditedCount;
    if (count === 0) return;
    // Nothing below marks a member credited (markCredited runs only after a rule), so the list is
    // walked in place and emptied for the next check.
    for (let i = 0; i < count; i++) {
      const { userId, currency, wallet } = credited[i]!;
      const curve = currency.level_curve!;
      const before = wallet.level ?? curve.start_level;
      const total = curve.based_on === 'balance' ? wallet.balance : wallet.lifetimeEarned;
      // Most credits reach no new level: levelAfter would return `before` for them.
      if (total < cachedThreshold(curve, before)) continue;
      const key = `${userId}:${currency.id}`;
      const gained = this.levelsGained?.get(key) ?? 0;
      const after = levelAfter(curve, before, total, gained);
      if (after === before) continue;
      wallet.level = after;
      (this.levelsGained ??= new Map()).set(key, gained + (after - before));
      this.level({ userId, currencyId: currency.id, level: after });
      ctx.invalidate();
      this.trace?.notes.push(`${userId} reached ${currency.key} level ${after}`);
      if (curve.rewards.length > 0) this.syncRewardRoles(userId, curve, after, `${currency.name} level ${after}`);
      for (let level = before + 1; level <= after; level++) {
        this.emit('level_up', userId, { currency: currency.key, level, previous_level: level - 1 }, this.current.path);
      }
    }
    this.creditedCount = 0;
  }

  /** Gives (and, in replace mode, takes) the roles a level earns. */
  syncRewardRoles(userId: string, curve: NonNullable<CurrencyInfo['level_curve']>, level: number, reason: string): void {
    const { hold, drop } = rewardRoles(curve, level);
    const roles = new Set(this.state.roles(userId));
    for (const role of drop) {
      if (roles.delete(role)) this.outbox({ kind: 'role_remove', ruleId: null, payload: { user_id: userId, role_id: role, reason } });
    }
    for (const role of hold) {
      if (!roles.has(role)) {
        roles.add(role);
        this.outbox({ kind: 'role_add', ruleId: null, payload: { user_id: userId, role_id: role, reason } });
      }
    }
    this.state.setRoles(userId, [...roles]);
  }

  emit(type: LakeEvent['type'], member: string, data: Record<string, unknown>, via: readonly string[]): void {
    if (!this.config.listened.has(type)) return;
    const { event, depth } = this.current;
    if (depth + 1 > this.config.maxChainDepth) {
      this.note(`depth limit ${this.config.maxChainDepth} reached: ${type} for ${member} (via ${via.join(' → ')}) was not processed`);
      return;
    }
    const child: LakeEvent = {
      source_id: `${this.root.source_id}:${++this.emitted}`,
      type,
      guild_id: this.root.guild_id,
      actor_id: member,
      target_id: null,
      channel_id: event.channel_id,
      occurred_at: event.occurred_at,
      data,
    };
    (this.queue ??= []).push({ event: child, depth: depth + 1, path: via, at: this.current.at });
  }

  /** Records a positive move of a curved currency for the level check at the end of the step. */
  markCredited(entry: Credited): void {
    if (!entry.currency.level_curve) return;
    const credited = this.credited;
    const count = this.creditedCount;
    for (let i = 0; i < count; i++) {
      const c = credited[i]!;
      if (c.userId === entry.userId && c.currency === entry.currency) return;
    }
    credited[count] = entry;
    this.creditedCount = count + 1;
  }

  /** A manual_award moves the target's wallet directly (source "manual"); rules may react as well. */
  manualAward(event: LakeEvent): void {
    const currency = this.config.currencies.get(String(event.data.currency));
    const amount = Number(event.data.amount);
    const userId = event.target_id;
    if (!currency) return this.note(`manual award not applied: unknown currency "${String(event.data.currency)}"`);
    if (!userId || !Number.isSafeInteger(amount) || amount === 0) return this.note('manual award not applied: no member or no amount');
    const wallet = this.state.wallet(userId, currency);
    if (amount < 0 && wallet.balance + amount < 0 && !currency.allow_negative) {
      return this.note(`manual award not applied: balance ${wallet.balance} is too low for ${amount}`);
    }
    const problem = postingProblem(wallet, { delta: amount, source: 'manual' });
    if (problem) return this.note(`manual award not applied: ${problem}`);
    wallet.balance += amount;
    if (amount > 0) {
      wallet.lifetimeEarned += amount;
      this.markCredited({ userId, currency, wallet });
    }
    this.plan.postings.push({
      userId, currencyId: currency.id, currency: currency.key, delta: amount, balanceAfter: wallet.balance, source: 'manual',
      ruleId: null, ruleVersion: null, reason: `${String(event.data.reason || 'manual award')} (by ${event.actor_id})`, detail: null, at: event.occurred_at,
    });
    this.trace?.notes.push(`manual award: ${amount} ${currency.key} to ${userId}`);
  }

  /**
   * Returns whether the rule fired. Outside traces (dry runs), a rule's run-time health is kept
   * on its compiled form: failures in a row, reset by any evaluation that did not fail.
   */
  evaluateRule(rule: CompiledRule, ctx: EvalContext): boolean {
    const errors = this.errors.length;
    const outcome = this.#evaluateRule(rule, ctx);
    if (outcome !== undefined && !this.tracing) rule.health.failuresInARow = this.errors.length > errors ? rule.health.failuresInARow + 1 : 0;
    return outcome === true;
  }

  /** Whether the rule fired; undefined when its trigger's filters did not match (it did not run). */
  #evaluateRule(rule: CompiledRule, ctx: EvalContext): boolean | undefined {
    const { event, depth, path } = this.current;
    const rt = this.trace ? ruleTrace(rule) : undefined;
    if (rt) this.trace!.rules.push(rt);
    if (rt) {
      const mismatch = triggerMismatch(rule, event, this.state);
      if (mismatch) {
        rt.trigger = { matched: false, reason: mismatch };
        return undefined;
      }
      rt.trigger = { matched: true };
    } else if (!triggerMatches(rule, event, this.state)) return undefined;
    const live = rule.live;
    try {
      if (rule.vars.length > 0) {
        ctx.vars = {};
        for (let i = 0; i < rule.vars.length; i++) ctx.vars[rule.vars[i]![0]] = rule.vars[i]![1](ctx);
        if (rt) rt.vars = { ...ctx.vars };
      }
      let pass = true;
      for (const condition of rule.conditions) {
        const value = condition.test(ctx);
        const passed = jsonLogic.truthy(value);
        if (rt) rt.conditions.push({ name: condition.name, value, passed });
        if (!passed) {
          pass = false;
          if (!rt) break;
        }
      }
      if (!pass) return false;
      let capRemaining: Map<string, number> | undefined;
      if (rule.limits.length > 0) {
        const scope = this.ids();
        for (const limit of rule.limits) {
          if (rt) {
            const check = this.state.limits.check(rule.id, limit, ctx.at, scope);
            rt.limits.push({ kind: limit.kind, per: limit.per, passed: check.passed, state: check.state });
            if (!check.passed) pass = false;
            if (limit.kind === 'cap' && check.remaining !== undefined) (capRemaining ??= new Map()).set(`${limit.per}.${limit.currency}`, check.remaining);
            continue;
          }
          // Without a trace, the first limit that refuses ends the rule (later ones have no say).
          const remaining = this.state.limits.remaining(rule.id, limit, ctx.at, scope);
          if (!(remaining > 0)) return false;
          if (limit.kind === 'cap') (capRemaining ??= new Map()).set(`${limit.per}.${limit.currency}`, remaining);
        }
        if (!pass) return false;
      }

      const run = this.#startRun(rule, ctx, live, capRemaining);
      const postings = this.plan.postings.length;
      const outbox = this.plan.outbox.length;
      const awards = this.plan.milestoneAwards.length;
      try {
        for (let index = 0; index < rule.effects.length; index++) {
          const et = this.applyEffect(run, rule.effects[index]!, index);
          if (rt && et) rt.effects.push(et);
          if (et?.status === 'failed') throw new RuleAbort(et.note ?? 'effect failed');
        }
      } catch (error) {
        // Whatever went wrong, none of the rule's changes stay: all its effects or none.
        this.undoRule(run, { postings, outbox, awards });
        if (error instanceof EffectError && rt) rt.effects.push(error.trace);
        if (!(error instanceof RuleAbort)) throw error;
        if (rt) rt.skipped = `not applied: ${error.message}`;
        return false;
      }
      if (rt) {
        rt.fired = true;
        rt.applied = live;
      }
      if (!live) return true;
      const cycle = path.length > 0 && path.includes(rule.key);
      if (cycle) this.note(`cycle detected: ${[...path, rule.key].join(' → ')}`);
      const amounts = run.amounts ?? NO_AMOUNTS;
      // A firing that moved the ledger is already recorded by its transactions (rule, version,
      // event); rule_firings keeps every firing of a rule whose limits need history, and those
      // that did something else (outbox rows, internal events, awards). One that changed nothing
      // leaves no trace. The planned row is also the limit history's record (never changed after).
      if (run.moved) this.#journalLength = run.journalMark;
      if (rule.limits.length > 0 || (!run.moved && (run.produced || run.emits !== undefined))) {
        const firing = { ruleId: rule.id, ruleVersion: rule.version, depth, actorId: event.actor_id, targetId: event.target_id, channelId: event.channel_id, amounts, at: ctx.at };
        if (rule.limits.length > 0) this.state.limits.record(firing, rule.limits, this.ids());
        this.plan.firings.push(firing);
      }
      for (let i = 0; i < run.pendingCount; i++) this.markCredited(this.#pending[i]!);
      if (run.emits) {
        const via = [...path, rule.key];
        for (const [type, member, data] of run.emits) this.emit(type, member, data, via);
      }
      return true;
    } catch (error) {
      // A rule that fails at run time is skipped and reported; other rules go on.
      const message = error instanceof Error ? error.message : String(error);
      if (rt) {
        rt.error = message;
        rt.fired = false;
      }
      this.fail({ rule: rule.key, ruleId: rule.id, message, event: event.source_id });
      return false;
    }
  }

  #startRun(rule: CompiledRule, ctx: EvalContext, live: boolean, capRemaining: Map<string, number> | undefined): RuleRun {
    const run = this.#run;
    if (!run) return (this.#run = { rule, ctx, live, moved: false, journalMark: 0, amounts: undefined, emits: undefined, pendingCount: 0, roles: undefined, capRemaining, produced: false });
    run.rule = rule;
    run.ctx = ctx;
    run.live = live;
    run.moved = false;
    run.amounts = undefined;
    run.emits = undefined;
    run.pendingCount = 0;
    run.roles = undefined;
    run.capRemaining = capRemaining;
    run.produced = false;
    return run;
  }

  /** Takes back everything a rule changed in this event: wallets, roles, planned rows, awards. */
  undoRule(run: RuleRun, marks: { postings: number; outbox: number; awards: number }): void {
    if (run.moved) {
      const journal = this.#journal;
      for (let i = this.#journalLength - 3; i >= run.journalMark; i -= 3) {
        const wallet = journal[i] as WalletView;
        wallet.balance = journal[i + 1] as number;
        wallet.lifetimeEarned = journal[i + 2] as number;
      }
      this.#journalLength = run.journalMark;
    }
    if (run.roles) for (let i = run.roles.length - 1; i >= 0; i--) this.state.setRoles(...run.roles[i]!);
    for (const award of this.plan.milestoneAwards.slice(marks.awards)) this.options.milestones?.forget?.(award.userId, award.milestoneId, award.seasonId);
    // The shared empty lists are never shortened (nor need to be).
    if (this.plan.postings.length > marks.postings) this.plan.postings.length = marks.postings;
    if (this.plan.outbox.length > marks.outbox) this.plan.outbox.length = marks.outbox;
    if (this.plan.milestoneAwards.length > marks.awards) this.plan.milestoneAwards.length = marks.awards;
    run.ctx.invalidate();
  }

  memberOf(who: 'actor' | 'target'): string | null {
    return who === 'actor' ? this.current.event.actor_id : this.current.event.target_id;
  }

  /** The current event's ids, interned on first use in the step. */
  ids(): EventIds {
    return (this.#ids ??= new EventIds(this.state.ids, this.current.event));
  }

  move(run: RuleRun, userId: string, wallet: WalletView, currency: CurrencyInfo, delta: number, detail: Record<string, unknown> | null, reason: string | undefined): void {
    const journal = this.#journal;
    const n = this.#journalLength;
    if (!run.moved) {
      run.moved = true;
      run.journalMark = n;
    }
    journal[n] = wallet;
    journal[n + 1] = wallet.balance;
    journal[n + 2] = wallet.lifetimeEarned;
    this.#journalLength = n + 3;
    wallet.balance += delta;
    if (delta > 0) wallet.lifetimeEarned += delta;
    run.ctx.invalidate();
    const posting: PlannedPosting = {
      userId, currencyId: currency.id, currency: currency.key, delta, balanceAfter: wallet.balance, source: 'rule',
      ruleId: run.rule.id, ruleVersion: run.rule.version, reason: reason || run.rule.name, detail, at: this.current.event.occurred_at,
    };
    this.plan.postings.push(posting);
  }

  /** Applies one effect; returns its trace when tracing (or a failure, always). */
  applyEffect(run: RuleRun, effect: CompiledEffect, index: number): EffectTrace | undefined {
    switch (effect.type) {
      case 'credit':
      case 'debit':
      case 'transfer':
        return this.moveEffect(run, effect, index);
      case 'role_add':
      case 'role_remove':
        return this.roleEffect(run, effect);
      case 'message':
      case 'dm':
        return this.messageEffect(run, effect);
      case 'milestone_check':
        return this.milestoneEffect(run, effect);
      case 'emit': {
        const userId = this.memberOf(effect.member);
        const data: Record<string, unknown> = {};
        for (const [k, compute] of Object.entries(effect.compiledData ?? {})) data[k] = compute(run.ctx);
        if (userId && run.live) (run.emits ??= []).push([effect.event, userId, data]);
        if (!this.tracing) return undefined;
        return userId
          ? { type: 'emit', member: userId, event: effect.event, data, status: 'planned' }
          : { type: 'emit', member: null, event: effect.event, data, status: 'skipped', note: 'the event has no target member' };
      }
    }
  }

  moveEffect(run: RuleRun, effect: CompiledEffect, index: number): EffectTrace | undefined {
    // The spec holds what the effect says in one shape for every rule (compiler.ts).
    const spec = run.rule.moves[index]!;
    const currency = spec.currency;
    const fromWho = spec.from;
    const toWho = spec.to;
    const from = fromWho ? this.memberOf(fromWho) : null;
    const to = toWho ? this.memberOf(toWho) : null;
    const member = spec.type === 'debit' ? from : to;
    const value = spec.amount(run.ctx);
    const raw = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (!Number.isFinite(raw)) throw this.moveFailure(effect, member, currency, raw, 0, `amount is not a number (got ${describe(value)})`);
    const computed = spec.round(raw);
    if ((fromWho && !from) || (toWho && !to)) return this.moveTrace(effect, member, currency, raw, 'skipped', computed, 'the event has no target member');
    if (computed <= 0) return this.moveTrace(effect, member, currency, raw, 'skipped', 0, 'computed amount is not positive: nothing to move');
    if (computed > MAX_AMOUNT) {
      throw this.moveFailure(effect, member, currency, raw, computed, `the computed amount ${formatNumber(computed)} is more than ${formatNumber(MAX_AMOUNT)}, the most one posting may move`);
    }
    let amount = computed;
    let note: string | undefined;
    const capKey = toWho && run.capRemaining ? `${toWho}.${currency.key}` : undefined;
    if (capKey && run.capRemaining!.has(capKey)) {
      const remaining = run.capRemaining!.get(capKey)!;
      if (amount > remaining) {
        amount = remaining;
        note = `capped to ${remaining} by the ${currency.key} cap`;
      }
      run.capRemaining!.set(capKey, remaining - amount);
      if (amount <= 0) return this.moveTrace(effect, member, currency, raw, 'skipped', 0, 'cap reached');
    }
    // Each wallet is looked up once, where it is first needed (a locked state refuses a wallet it
    // does not hold, so the order of lookups is part of the behaviour).
    const fromWallet = from ? this.state.wallet(fromWho === 'actor' ? this.ids().actor : this.ids().target, currency) : undefined;
    if (fromWallet) {
      const balance = fromWallet.balance;
      if (balance - amount < 0 && !currency.allow_negative) {
        return this.moveTrace(effect, member, currency, raw, 'failed', amount, `insufficient ${currency.key}: balance ${balance}, needs ${amount}`);
      }
    }
    // The ledger would refuse a balance or lifetime total beyond its limits: so does the rule.
    const beyond = fromWallet ? walletProblem(fromWallet, from!, currency, -amount) : undefined;
    const toWallet = beyond === undefined && to ? this.state.wallet(toWho === 'actor' ? this.ids().actor : this.ids().target, currency) : undefined;
    const problem = beyond ?? (toWallet ? walletProblem(toWallet, to!, currency, amount) : undefined);
    if (problem) throw this.moveFailure(effect, member, currency, raw, amount, problem);
    if (!run.live) return this.moveTrace(effect, member, currency, raw, 'planned', amount, note);
    const reason = spec.reason;
    if (fromWallet) {
      this.move(run, from!, fromWallet, currency, -amount, spec.type === 'transfer' ? { to, effect: index } : null, reason);
      if (this.config.listensToDebits) {
        (run.emits ??= []).push(['currency_debited', from!, { currency: currency.key, amount, balance_after: fromWallet.balance }]);
      }
    }
    if (to) {
      this.move(run, to, toWallet!, currency, amount, spec.type === 'transfer' ? { from, effect: index } : null, reason);
      if (run.rule.hasCap) {
        const amounts = (run.amounts ??= {});
        amounts[`${toWho}.${currency.key}`] = (amounts[`${toWho}.${currency.key}`] ?? 0) + amount;
      }
      if (currency.level_curve) this.#pending[run.pendingCount++] = { userId: to, currency, wallet: toWallet! };
      if (this.config.listensToCredits) {
        (run.emits ??= []).push(['currency_credited', to, { currency: currency.key, amount, balance_after: toWallet!.balance }]);
      }
    }
    return this.moveTrace(effect, member, currency, raw, 'planned', amount, note);
  }

  /** A move that must not happen, as an error carrying its failed trace. */
  moveFailure(effect: CompiledEffect, member: string | null, currency: CurrencyInfo, raw: number, amount: number, message: string): EffectError {
    const trace: EffectTrace = { type: effect.type, member, currency: currency.key, expression: 'amount' in effect ? effect.amount : undefined, value: raw, amount, status: 'failed', note: message };
    return new EffectError(message, trace);
  }

  /** The trace of a credit, debit or transfer; failures are returned even without tracing. */
  moveTrace(effect: CompiledEffect, member: string | null, currency: CurrencyInfo, raw: number, status: EffectTrace['status'], amount: number, note?: string): EffectTrace | undefined {
    if (!this.tracing && status !== 'failed') return undefined;
    return { type: effect.type, member, currency: currency.key, expression: 'amount' in effect ? effect.amount : undefined, value: raw, amount, status, ...(note ? { note } : {}) };
  }

  roleEffect(run: RuleRun, effect: Extract<CompiledEffect, { type: 'role_add' | 'role_remove' }>): EffectTrace | undefined {
    const userId = this.memberOf(effect.type === 'role_add' ? effect.to : effect.from);
    if (!userId) return this.tracing ? { type: effect.type, member: null, role: effect.role, status: 'skipped', note: 'the event has no target member' } : undefined;
    if (run.live) {
      const before = this.state.roles(userId);
      (run.roles ??= []).push([userId, before]);
      const roles = new Set(before);
      const reason = run.rule.rule.name;
      if (effect.type === 'role_add') {
        for (const other of effect.replace ?? []) {
          if (other !== effect.role && roles.delete(other)) {
            this.outbox({ kind: 'role_remove', ruleId: run.rule.id, payload: { user_id: userId, role_id: other, reason } });
          }
        }
        roles.add(effect.role);
        this.outbox({ kind: 'role_add', ruleId: run.rule.id, payload: { user_id: userId, role_id: effect.role, reason } });
        run.produced = true;
      } else {
        run.produced = true;
        roles.delete(effect.role);
        this.outbox({ kind: 'role_remove', ruleId: run.rule.id, payload: { user_id: userId, role_id: effect.role, reason } });
      }
      this.state.setRoles(userId, [...roles]);
    }
    return this.tracing ? { type: effect.type, member: userId, role: effect.role, status: 'planned' } : undefined;
  }

  messageEffect(run: RuleRun, effect: Extract<CompiledEffect, { type: 'message' | 'dm' }>): EffectTrace | undefined {
    const ctx = run.ctx;
    const values = {
      actor: { id: ctx.actor.id, mention: ctx.actor.mention, balances: ctx.actor.balances, levels: ctx.actor.levels },
      target: ctx.target ? { id: ctx.target.id, mention: ctx.target.mention, balances: ctx.target.balances, levels: ctx.target.levels } : null,
      event: ctx.event,
      data: ctx.event.data,
      vars: ctx.vars,
      zone: ctx.zone,
    };
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
      const channel = effect.channel === 'event_channel' ? ctx.event.channel_id : effect.channel;
      if (!channel) return this.tracing ? { type: 'message', channel, content, status: 'skipped', note: 'the event has no channel' } : undefined;
      if (ANNOUNCED_EVENTS.has(ctx.event.type) && this.state.optedOutOfAnnouncements(ctx.event.actor_id)) {
        return this.tracing ? { type: 'message', channel, content, status: 'skipped', note: 'the member opted out of announcements (/settings announcements off)' } : undefined;
      }
      if (run.live) {
        this.outbox({ kind: 'message', ruleId: run.rule.id, payload: { channel_id: channel, content, ...(embed ? { embed } : {}) } });
        run.produced = true;
      }
      return this.tracing ? { type: 'message', channel, content, status: 'planned' } : undefined;
    }
    const userId = this.memberOf(effect.to);
    if (!userId) return this.tracing ? { type: 'dm', member: null, content, status: 'skipped', note: 'the event has no target member' } : undefined;
    if (run.live) {
      this.outbox({ kind: 'dm', ruleId: run.rule.id, payload: { user_id: userId, content, ...(embed ? { embed } : {}) } });
      run.produced = true;
    }
    return this.tracing ? { type: 'dm', member: userId, content, status: 'planned' } : undefined;
  }

  milestoneEffect(run: RuleRun, effect: Extract<CompiledEffect, { type: 'milestone_check' }>): EffectTrace | undefined {
    const { event } = this.current;
    const hook = this.options.milestones;
    if (!hook) return this.tracing ? { type: 'milestone_check', status: 'skipped', note: 'no milestone checker in this context' } : undefined;
    const members = effect.member === 'both' ? [event.actor_id, event.target_id] : [this.memberOf(effect.member)];
    const awarded: string[] = [];
    for (const userId of members) {
      if (!userId) continue;
      for (const award of hook.check(userId, event, effect.milestones, run.live)) {
        awarded.push(`${userId}:${award.key}`);
        if (!run.live) continue;
        run.produced = true;
        this.award({ userId, milestoneId: award.id, key: award.key, seasonId: award.seasonId, ruleId: run.rule.id, at: event.occurred_at });
        (run.emits ??= []).push(['milestone_earned', userId, { milestone: award.key, name: award.name, rarity: award.rarity }]);
        for (const row of award.outbox) this.outbox({ ...row, ruleId: run.rule.id });
      }
    }
    return this.tracing ? { type: 'milestone_check', status: 'planned', awarded } : undefined;
  }
}

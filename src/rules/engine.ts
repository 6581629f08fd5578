// The engine: for one event, the rules its type can trigger, by priority → trigger filters →
// conditions → limits → effects, then level checks and internal events chained to a depth limit.
// The loop is here; the trigger filters are in trigger.ts, level checks and reward roles in
// levels.ts, manual awards in manual-award.ts, and each effect kind in effects/ (one table).
// Pure: it reads and changes an in-memory EngineState and returns a plan (and, asked, a trace).
// Without a trace it allocates little per rule: this loop is the hot path of every event.
import type { LakeEvent } from '../events/lake-event.ts';
import { candidatesFor, type CompiledConfig, type CompiledRule, type CurrencyInfo } from './compiler.ts';
import { EvalContext, eventTime } from './context.ts';
import { EFFECTS, EffectError } from './effects/index.ts';
import type { EffectHandler } from './effects/effect.ts';
import type { IdIndex } from './id-index.ts';
import { checkLevels } from './levels.ts';
import { NO_AMOUNTS, type ScopeIds } from './limits.ts';
import { jsonLogic } from './logic/operations.ts';
import { manualAward } from './manual-award.ts';
import type { EngineState, WalletView } from './state.ts';
import { triggerMatches, triggerMismatch } from './trigger.ts';
import type { EventSignals, EventTrace, Evaluation, MilestoneHook, Plan, PlannedLevel, PlannedMilestoneAward, PlannedOutbox, PlannedPosting, RuleError, RuleTrace } from './types.ts';

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
export interface RuleRun {
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

export class Evaluator {
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
  readonly pending: Credited[];
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
    this.pending = this.#lists.pending;
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
      if (event.type === 'manual_award') manualAward(this, event);
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
        if (this.creditedCount > 0) checkLevels(this, ctx);
      }
    }
    checkLevels(this, ctx);
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
          const effect = rule.effects[index]!;
          const et = (EFFECTS[effect.type] as EffectHandler)(this, run, effect, index);
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
      for (let i = 0; i < run.pendingCount; i++) this.markCredited(this.pending[i]!);
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

  /** Moves a wallet for the rule being applied (journaled, for undoRule) and plans its posting. */
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
}

// Runs the rules engine inside the batch's transaction, one guild at a time, in steps: lock the
// members' wallets, load the history limits need, evaluate every new event in order on working
// copies, settle the plans through the ledger's one path (applyPostings), and write everything —
// ledger rows, wallets, levels, rule firings, milestone awards, outbox rows and the rule errors of
// rules that failed on an event (skipped for it, the rest went on) — in one statement. A rule that
// keeps failing is handed to be quarantined once the batch committed.
import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.ts';
import { readTogether, type Reader } from '../db/read-together.ts';
import { bigintArray } from '../db/sql.ts';
import { INTERNAL_EVENT_TYPES, type LakeEvent } from '../events/lake-event.ts';
import type { StoredEvent } from '../events/lake-writer.ts';
import { applyPostings, type LedgerWrite } from '../ledger/apply-postings.ts';
import { ledgerCtes } from '../ledger/ledger-sql.ts';
import type { LevelChange, Posting } from '../ledger/posting.ts';
import type { WalletState } from '../ledger/wallet.ts';
import { lockMemberWalletsTelling } from '../ledger/wallet-locks.ts';
import type { Logger } from '../log/logger.ts';
import { silentLogger } from '../log/logger.ts';
import type { CompiledConfig, CurrencyInfo } from '../rules/compiler.ts';
import type { ConfigStore } from '../rules/config-store.ts';
import { evaluate } from '../rules/engine.ts';
import { loadLimitHistory } from '../rules/history.ts';
import { LimitHistory } from '../rules/limits.ts';
import { IdIndex } from '../rules/id-index.ts';
import { ANNOUNCED_EVENTS, WalletTable, type EngineState } from '../rules/state.ts';
import type { MilestoneHook, Plan, RuleError } from '../rules/types.ts';
import type { CompiledRule } from '../rules/compiler.ts';
import { QUARANTINE_AFTER, ruleErrorRow, type RuleErrorRow } from '../rules/rule-errors.ts';
import type { AfterCommit, EventProcessor, LateWrites } from './ingest.ts';
import { signalsOf } from './signals.ts';

/** Builds the milestone checker for a guild's batch (the milestones module provides it). */
export interface MilestoneHookFactory {
  /** `read` runs its queries; the engine's reader runs them with the batch's other reads as one statement. */
  prepare(tx: Tx, config: CompiledConfig, memberIds: string[], state: EngineState, events: LakeEvent[], read?: Reader): Promise<MilestoneHook & { advance(event: LakeEvent): void }>;
}

/** The longest stretch the engine evaluates a batch's events without letting others run. */
const EVALUATION_SLICE_MS = 20;

type BatchEvent = { id: number | null; event: LakeEvent };
type EventPlan = { plan: Plan; lakeEventId: number | null; errors: RuleErrorRow[] };

/** Told of every rule that fails at run time, and of rules that failed QUARANTINE_AFTER times in a row. */
export interface RuleErrorObserver {
  failed(guildId: string, error: RuleError): void;
  /** Runs after the batch committed (its errors are recorded); disables the rule with the reason. */
  quarantine(guildId: string, rule: CompiledRule, reason: string): Promise<void>;
}

export interface EngineProcessorOptions {
  logger?: Logger;
  milestones?: MilestoneHookFactory;
  ruleErrors?: RuleErrorObserver;
}

/**
 * The locked wallets of a batch, seen through the engine's state interface. The engine changes
 * working copies; the locked states stay as read, for the ledger to apply the plans to.
 */
class LockedState implements EngineState {
  readonly ids = new IdIndex();
  readonly limits = new LimitHistory(this.ids);
  readonly #wallets = new WalletTable<WalletState>();

  /** `roles` and `quiet` are the batch's own (filled by its reads), held as they are. */
  constructor(
    readonly guildId: string,
    private readonly roleMap: Map<string, string[]>,
    private readonly quiet: ReadonlySet<string>,
  ) {}

  /** The wallets as locked (the lock's answer arrives with the reads'). */
  holdWallets(locked: ReadonlyMap<string, WalletState>): void {
    for (const wallet of locked.values()) this.#wallets.set(this.ids.of(wallet.userId), wallet.currencyId, { ...wallet });
  }

  wallet(member: string | number, currency: CurrencyInfo): WalletState {
    const wallet = this.#wallets.get(typeof member === 'number' ? member : this.ids.of(member), currency.id);
    if (!wallet) throw new Error(`wallet of ${typeof member === 'number' ? this.ids.id(member) : member} in ${currency.key} was not locked for this batch`);
    return wallet;
  }

  roles(userId: string): string[] {
    return this.roleMap.get(userId) ?? [];
  }

  setRoles(userId: string, roles: string[]): void {
    this.roleMap.set(userId, roles);
  }

  optedOutOfAnnouncements(userId: string): boolean {
    return this.quiet.has(userId);
  }
}

export class EngineProcessor implements EventProcessor {
  readonly waitsWhilePaused = true;
  /** Rule errors of the last batches, for logs and tests (bounded). */
  readonly recentErrors: RuleError[] = [];
  readonly #logger: Logger;
  readonly #milestones: MilestoneHookFactory | undefined;
  readonly #ruleErrors: RuleErrorObserver | undefined;

  constructor(
    private readonly store: ConfigStore,
    options: EngineProcessorOptions = {},
  ) {
    this.#logger = options.logger ?? silentLogger;
    this.#milestones = options.milestones;
    this.#ruleErrors = options.ruleErrors;
  }

  async process(tx: Tx, events: StoredEvent[], late?: LateWrites): Promise<AfterCommit | void> {
    const byGuild = new Map<string, StoredEvent[]>();
    for (const s of events) {
      const list = byGuild.get(s.event.guild_id);
      if (list) list.push(s);
      else byGuild.set(s.event.guild_id, [s]);
    }
    const failing: { guildId: string; rule: CompiledRule }[] = [];
    for (const guildId of [...byGuild.keys()].sort()) failing.push(...(await this.#processGuild(tx, guildId, byGuild.get(guildId)!, late)));
    const observer = this.#ruleErrors;
    if (failing.length === 0 || !observer) return;
    return async () => {
      for (const { guildId, rule } of failing) {
        await observer.quarantine(guildId, rule, `it failed on ${rule.health.failuresInARow} events in a row; the last error: ${rule.health.lastError ?? 'unknown'}`);
      }
    };
  }

  /**
   * Runs the rules on an event that is not in the lake (e.g. a shop purchase's internal event),
   * inside the caller's transaction.
   */
  async processUnstored(tx: Tx, event: LakeEvent): Promise<void> {
    await this.#processGuild(tx, event.guild_id, [{ id: null, event }]);
  }

  /** Returns the rules that have now failed QUARANTINE_AFTER times in a row. */
  async #processGuild(tx: Tx, guildId: string, events: BatchEvent[], late?: LateWrites): Promise<{ guildId: string; rule: CompiledRule }[]> {
    const config = await this.store.get(guildId, tx);
    if (config.currencies.size === 0 && config.rules.length === 0) return [];
    const memberIds = membersOf(events);
    // The members' wallets are locked, then the batch's reads run under the locks. Both are issued
    // at once (one round trip): the database runs the lock first, and the reads, a statement of their
    // own, see what it waited for. The lock's statement is issued first (lockMemberWalletsTelling
    // reaches its query before the reader's microtask runs; test/pipeline/statements-per-group.test.ts
    // checks the order).
    const locking = lockBatchWallets(tx, config, memberIds);
    // A limit over the whole guild counts the firings of members whose wallets this batch does not
    // lock: a batch that can fire such a rule takes the guild's limit lock, issued after the wallet
    // lock and before the reads, so they count what a concurrent batch committed. Taken after the
    // wallets, its holder waits for no wallet (but for wallets a concurrent batch created, locked by
    // a second statement: a deadlock then, which Postgres breaks and the ingest or the purchase retries).
    const guildLimits = reachableRules(config, events).some(limitsWholeGuild) ? lockGuildLimits(tx, guildId) : undefined;
    const reading = this.#read(tx, config, memberIds, events);
    const [{ wallets, secondStatement }, firstRead] = await Promise.all([locking, reading, guildLimits]);
    // Wallets a concurrent batch created were locked by a second statement, after the reads ran:
    // read again, under every lock.
    const { state, hook } = secondStatement ? await this.#read(tx, config, memberIds, events) : firstRead;
    state.holdWallets(wallets);
    const plans = await this.#evaluate(config, state, events, hook);
    const write = writeBatch(tx, guildId, settle(guildId, wallets, plans), plans);
    if (late) late.add(write);
    else await write;
    const failing = new Set(plans.flatMap((p) => p.errors.map((e) => e.r)));
    return config.rules.filter((r) => failing.has(r.id) && r.health.failuresInARow >= QUARANTINE_AFTER).map((rule) => ({ guildId, rule }));
  }

  /** The batch's reads (roles, opt-outs, limit history, milestone counters), as one statement. */
  async #read(tx: Tx, config: CompiledConfig, memberIds: string[], events: BatchEvent[]) {
    const read = readTogether(tx);
    const roles = new Map<string, string[]>();
    const quiet = new Set<string>();
    const state = new LockedState(config.guildId, roles, quiet);
    // The lake's counters already include stored events; the checker takes them out and back in order.
    const stored = events.filter((e) => e.id !== null).map((e) => e.event);
    const [, , , hook] = await Promise.all([
      loadRoles(read, config, config.guildId, memberIds, roles),
      loadAnnouncementOptOuts(read, config, config.guildId, memberIds, quiet),
      loadBatchHistory(tx, read, config, state, events, memberIds),
      this.#milestones ? this.#milestones.prepare(tx, config, memberIds, state, stored, read) : undefined,
    ]);
    return { state, hook };
  }

  /**
   * Evaluates the batch's events in order on the working state; rule errors are logged and kept.
   * Each event's evaluation is bounded (rules/logic/limits.ts), but many heavy events in a row are
   * not: after EVALUATION_SLICE_MS of evaluating, it lets the process answer others (/healthz).
   */
  async #evaluate(config: CompiledConfig, state: LockedState, events: BatchEvent[], hook: (MilestoneHook & { advance(event: LakeEvent): void }) | undefined): Promise<EventPlan[]> {
    const plans: EventPlan[] = [];
    let slice = performance.now();
    for (const item of events) {
      if (performance.now() - slice > EVALUATION_SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      if (item.id !== null) hook?.advance(item.event);
      const signals = config.aiQuality ? signalsOf(item.event) : undefined;
      const { plan, errors } = evaluate(config, state, item.event, { lakeEventId: item.id, ...(hook ? { milestones: hook } : {}), ...(signals ? { signals } : {}) });
      const rows: RuleErrorRow[] = [];
      for (const error of errors) {
        this.#logger.warn({ guildId: config.guildId, rule: error.rule, sourceId: error.event }, `rule skipped at run time: ${error.message}`);
        this.recentErrors.push(error);
        if (this.recentErrors.length > 100) this.recentErrors.shift();
        this.#ruleErrors?.failed(config.guildId, error);
        const rule = config.rules.find((r) => r.id === error.ruleId);
        if (rule) rule.health.lastError = error.message;
        if (rule && rule.id > 0) rows.push(ruleErrorRow(error, rule.version, item.id));
      }
      plans.push({ plan, lakeEventId: item.id, errors: rows });
    }
    return plans;
  }
}

function membersOf(events: BatchEvent[]): string[] {
  const members = new Set<string>();
  for (const { event } of events) {
    members.add(event.actor_id);
    if (event.target_id) members.add(event.target_id);
  }
  return [...members];
}

function lockBatchWallets(tx: Tx, config: CompiledConfig, memberIds: string[]) {
  const currencies = [...config.currencies.values()].map((c) => ({ id: c.id, startLevel: c.level_curve?.start_level ?? null, allowNegative: c.allow_negative }));
  return lockMemberWalletsTelling(tx, config.guildId, memberIds, currencies);
}

/** Rules the batch's events can reach: those of their own types, and of any internal event of a chain. */
function reachableRules(config: CompiledConfig, events: BatchEvent[]): CompiledRule[] {
  const reachable = new Set<string>([...events.map((e) => e.event.type), ...INTERNAL_EVENT_TYPES]);
  return config.rules.filter((r) => r.rule.trigger.events.some((t) => reachable.has(t)));
}

const limitsWholeGuild = (rule: CompiledRule) => rule.live && rule.limits.some((l) => l.per === 'guild');

/** The guild's limit lock, held to the end of the transaction (see #processGuild). */
function lockGuildLimits(tx: Tx, guildId: string): Promise<unknown> {
  return queryRows(tx, sql`SELECT pg_advisory_xact_lock(hashtextextended(${`cairn:guild-limits:${guildId}`}, 0))::text AS locked`);
}

/** The stored firings the limits of the rules these events can reach need. */
function loadBatchHistory(tx: Tx, read: Reader, config: CompiledConfig, state: LockedState, events: BatchEvent[], memberIds: string[]): Promise<void> {
  return loadLimitHistory(tx, config, state.limits, {
    rules: reachableRules(config, events),
    earliest: Math.min(...events.map((e) => Date.parse(e.event.occurred_at))),
    members: memberIds,
  }, read);
}

/**
 * The batch's planned postings and levels, applied to the locked wallets by the ledger's one path.
 * The engine planned them on copies of the same wallets by the same rules, so the ledger applies
 * every one; a refusal means the two disagree, a bug that must not reach the database.
 */
function settle(guildId: string, locked: ReadonlyMap<string, WalletState>, plans: EventPlan[]): LedgerWrite {
  const postings: Posting[] = [];
  const levels: LevelChange[] = [];
  for (const { plan, lakeEventId } of plans) {
    for (const p of plan.postings) {
      postings.push({
        guildId, userId: p.userId, currencyId: p.currencyId, delta: p.delta, source: p.source, at: new Date(p.at), reason: p.reason,
        lakeEventId, ruleId: p.ruleId, ruleVersion: p.ruleVersion, detail: p.detail,
      });
    }
    for (const l of plan.levels) levels.push({ guildId, userId: l.userId, currencyId: l.currencyId, level: l.level });
  }
  const { results, write } = applyPostings(locked, postings, { levels });
  const refused = results.findIndex((r) => r.status !== 'applied');
  if (refused >= 0) {
    const p = postings[refused]!;
    throw new Error(`the ledger refused a posting the engine planned (${p.delta} to ${p.userId} in currency ${p.currencyId}: ${results[refused]!.status})`);
  }
  return write;
}

function usesRoles(config: CompiledConfig): boolean {
  for (const c of config.currencies.values()) if (c.level_curve && c.level_curve.rewards.length > 0) return true;
  return config.rules.some((r) => r.rule.trigger.roles !== undefined || JSON.stringify([r.rule.conditions, r.rule.vars ?? {}]).includes('roles'));
}

async function loadRoles(read: Reader, config: CompiledConfig, guildId: string, memberIds: string[], into: Map<string, string[]>): Promise<void> {
  if (!usesRoles(config)) return;
  const rows = await read<{ user_id: string; roles: string[] }>(sql`SELECT user_id::text, roles FROM members WHERE guild_id = ${guildId} AND user_id = ANY(${bigintArray(memberIds)})`);
  for (const r of rows) into.set(r.user_id, r.roles);
}

/** Rules that post a message on a level-up or milestone (announcements a member may opt out of). */
function announcesOnRules(config: CompiledConfig): boolean {
  return config.rules.some((r) => r.rule.trigger.events.some((e) => ANNOUNCED_EVENTS.has(e)) && r.rule.effects.some((e) => e.type === 'message'));
}

async function loadAnnouncementOptOuts(read: Reader, config: CompiledConfig, guildId: string, memberIds: string[], into: Set<string>): Promise<void> {
  if (memberIds.length === 0 || !announcesOnRules(config)) return;
  const rows = await read<{ user_id: string }>(sql`SELECT user_id::text FROM members WHERE guild_id = ${guildId} AND user_id = ANY(${bigintArray(memberIds)}) AND announce_opt_out`);
  for (const r of rows) into.add(r.user_id);
}

/** Ledger rows, wallets, rule firings and outbox rows of a batch: one statement. */
async function writeBatch(tx: Tx, guildId: string, ledger: LedgerWrite, plans: EventPlan[]): Promise<void> {
  const firings = plans.flatMap(({ plan, lakeEventId }) =>
    plan.firings.map((f) => ({
      r: f.ruleId, rv: f.ruleVersion, e: lakeEventId, a: f.actorId, tg: f.targetId, c: f.channelId, d: f.depth, am: f.amounts, t: new Date(f.at).toISOString(),
    })),
  );
  const outboxRows = plans.flatMap(({ plan, lakeEventId }) => plan.outbox.map((o) => ({ k: o.kind, p: o.payload, e: lakeEventId, r: o.ruleId, a: o.availableAt ?? null })));
  const awards = plans.flatMap(({ plan, lakeEventId }) =>
    plan.milestoneAwards.map((m) => ({ u: m.userId, m: m.milestoneId, s: m.seasonId, e: lakeEventId, b: m.ruleId ? `rule:${m.ruleId}` : 'engine', t: m.at })),
  );
  const errors = plans.flatMap((p) => p.errors);
  if (ledger.transactions.length === 0 && ledger.wallets.length === 0 && firings.length === 0 && outboxRows.length === 0 && awards.length === 0 && errors.length === 0) return;
  // Sent at the call (queryRows): with `late`, the ingest goes on to its next statements at once.
  await queryRows(tx, sql`
    WITH ${ledgerCtes(ledger)}, fir AS (
      INSERT INTO rule_firings (guild_id, rule_id, rule_version, lake_event_id, actor_id, target_id, channel_id, depth, amounts, at)
      SELECT ${guildId}, r, rv, e, a, tg, c, d, am, t
      FROM json_to_recordset(${JSON.stringify(firings)}::json) AS v(r int, rv int, e bigint, a bigint, tg bigint, c bigint, d smallint, am jsonb, t timestamptz)
      RETURNING 1
    ), ob AS (
      INSERT INTO outbox (guild_id, kind, payload, lake_event_id, rule_id, available_at)
      SELECT ${guildId}, k, p, e, r, COALESCE(a, now()) FROM json_to_recordset(${JSON.stringify(outboxRows)}::json) AS v(k text, p jsonb, e bigint, r int, a timestamptz)
      RETURNING 1
    ), aw AS (
      -- At most once per member, milestone and season: the engine checked under the member's locks.
      INSERT INTO member_milestones (guild_id, user_id, milestone_id, season_id, lake_event_id, awarded_by, earned_at)
      SELECT ${guildId}, u, m, s, e, b, t FROM json_to_recordset(${JSON.stringify(awards)}::json) AS v(u bigint, m int, s int, e bigint, b text, t timestamptz)
      ON CONFLICT DO NOTHING
      RETURNING 1
    ), er AS (
      -- The rule was skipped for that event; the event and the other rules' effects go on.
      INSERT INTO rule_errors (guild_id, rule_id, rule_version, lake_event_id, source_id, message)
      SELECT ${guildId}, r, rv, e, s, m FROM json_to_recordset(${JSON.stringify(errors)}::json) AS v(r int, rv int, e bigint, s text, m text)
      WHERE EXISTS (SELECT 1 FROM rules WHERE rules.id = v.r)
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins) AS transactions, (SELECT count(*) FROM upd) AS wallets, (SELECT count(*) FROM fir) AS firings,
           (SELECT count(*) FROM ob) AS outbox, (SELECT count(*) FROM aw) AS awards, (SELECT count(*) FROM er) AS errors`);
}

// Credits, debits and transfers: an amount computed from the rule's expression, rounded, capped,
// checked against balances and the ledger's limits, then moved (Evaluator#move keeps the undo).
import { MAX_AMOUNT, MAX_BALANCE } from '../../config/ranges.ts';
import { postingProblem } from '../../ledger/apply-postings.ts';
import type { CompiledEffect, CurrencyInfo } from '../compiler.ts';
import type { Evaluator, RuleRun } from '../engine.ts';
import type { WalletView } from '../state.ts';
import type { EffectTrace } from '../types.ts';
import { EffectError, type EffectOf } from './effect.ts';

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

/** What the trace of one move says. */
interface MoveOutcome {
  effect: CompiledEffect;
  /** The member whose wallet the effect is about (the debited one for a debit, else the credited). */
  member: string | null;
  currency: CurrencyInfo;
  /** The amount as computed, before rounding and caps. */
  raw: number;
  status: EffectTrace['status'];
  amount: number;
  note?: string | undefined;
}

/**
 * The trace of a credit, debit or transfer. Callers build the outcome only when tracing, or for a
 * failure (returned even without tracing): the hot path allocates nothing for it.
 */
function moveTrace(o: MoveOutcome): EffectTrace {
  const { effect, note } = o;
  return { type: effect.type, member: o.member, currency: o.currency.key, expression: 'amount' in effect ? effect.amount : undefined, value: o.raw, amount: o.amount, status: o.status, ...(note ? { note } : {}) };
}

/** A move that must not happen, as an error carrying its failed trace. */
function moveFailure(o: Omit<MoveOutcome, 'status' | 'note'>, message: string): EffectError {
  const { effect } = o;
  const trace: EffectTrace = { type: effect.type, member: o.member, currency: o.currency.key, expression: 'amount' in effect ? effect.amount : undefined, value: o.raw, amount: o.amount, status: 'failed', note: message };
  return new EffectError(message, trace);
}

export function moveEffect(ev: Evaluator, run: RuleRun, effect: EffectOf<'credit' | 'debit' | 'transfer'>, index: number): EffectTrace | undefined {
  // The spec holds what the effect says in one shape for every rule (compiler.ts).
  const spec = run.rule.moves[index]!;
  const currency = spec.currency;
  const fromWho = spec.from;
  const toWho = spec.to;
  const from = fromWho ? ev.memberOf(fromWho) : null;
  const to = toWho ? ev.memberOf(toWho) : null;
  const member = spec.type === 'debit' ? from : to;
  const value = spec.amount(run.ctx);
  const raw = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(raw)) throw moveFailure({ effect, member, currency, raw, amount: 0 }, `amount is not a number (got ${describe(value)})`);
  const computed = spec.round(raw);
  const tracing = ev.tracing;
  if ((fromWho && !from) || (toWho && !to)) return tracing ? moveTrace({ effect, member, currency, raw, status: 'skipped', amount: computed, note: 'the event has no target member' }) : undefined;
  if (computed <= 0) return tracing ? moveTrace({ effect, member, currency, raw, status: 'skipped', amount: 0, note: 'computed amount is not positive: nothing to move' }) : undefined;
  if (computed > MAX_AMOUNT) {
    throw moveFailure({ effect, member, currency, raw, amount: computed }, `the computed amount ${formatNumber(computed)} is more than ${formatNumber(MAX_AMOUNT)}, the most one posting may move`);
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
    if (amount <= 0) return tracing ? moveTrace({ effect, member, currency, raw, status: 'skipped', amount: 0, note: 'cap reached' }) : undefined;
  }
  // Each wallet is looked up once, where it is first needed (a locked state refuses a wallet it
  // does not hold, so the order of lookups is part of the behaviour).
  const fromWallet = from ? ev.state.wallet(fromWho === 'actor' ? ev.ids().actor : ev.ids().target, currency) : undefined;
  if (fromWallet) {
    const balance = fromWallet.balance;
    if (balance - amount < 0 && !currency.allow_negative) {
      return moveTrace({ effect, member, currency, raw, status: 'failed', amount, note: `insufficient ${currency.key}: balance ${balance}, needs ${amount}` });
    }
  }
  // The ledger would refuse a balance or lifetime total beyond its limits: so does the rule.
  const beyond = fromWallet ? walletProblem(fromWallet, from!, currency, -amount) : undefined;
  const toWallet = beyond === undefined && to ? ev.state.wallet(toWho === 'actor' ? ev.ids().actor : ev.ids().target, currency) : undefined;
  const problem = beyond ?? (toWallet ? walletProblem(toWallet, to!, currency, amount) : undefined);
  if (problem) throw moveFailure({ effect, member, currency, raw, amount }, problem);
  if (!run.live) return tracing ? moveTrace({ effect, member, currency, raw, status: 'planned', amount, note }) : undefined;
  const reason = spec.reason;
  if (fromWallet) {
    ev.move(run, from!, fromWallet, currency, -amount, spec.type === 'transfer' ? { to, effect: index } : null, reason);
    if (ev.config.listensToDebits) {
      (run.emits ??= []).push(['currency_debited', from!, { currency: currency.key, amount, balance_after: fromWallet.balance }]);
    }
  }
  if (to) {
    ev.move(run, to, toWallet!, currency, amount, spec.type === 'transfer' ? { from, effect: index } : null, reason);
    if (run.rule.hasCap) {
      const amounts = (run.amounts ??= {});
      amounts[`${toWho}.${currency.key}`] = (amounts[`${toWho}.${currency.key}`] ?? 0) + amount;
    }
    if (currency.level_curve) ev.pending[run.pendingCount++] = { userId: to, currency, wallet: toWallet! };
    if (ev.config.listensToCredits) {
      (run.emits ??= []).push(['currency_credited', to, { currency: currency.key, amount, balance_after: toWallet!.balance }]);
    }
  }
  return tracing ? moveTrace({ effect, member, currency, raw, status: 'planned', amount, note }) : undefined;
}

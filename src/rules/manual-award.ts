// A manual_award event moves the target's wallet directly (source "manual"), before the rules of
// its type run: they may react as well.
import type { LakeEvent } from '../events/lake-event.ts';
import { postingProblem } from '../ledger/apply-postings.ts';
import type { Evaluator } from './engine.ts';

export function manualAward(ev: Evaluator, event: LakeEvent): void {
  const currency = ev.config.currencies.get(String(event.data.currency));
  const amount = Number(event.data.amount);
  const userId = event.target_id;
  if (!currency) return ev.note(`manual award not applied: unknown currency "${String(event.data.currency)}"`);
  if (!userId || !Number.isSafeInteger(amount) || amount === 0) return ev.note('manual award not applied: no member or no amount');
  const wallet = ev.state.wallet(userId, currency);
  if (amount < 0 && wallet.balance + amount < 0 && !currency.allow_negative) {
    return ev.note(`manual award not applied: balance ${wallet.balance} is too low for ${amount}`);
  }
  const problem = postingProblem(wallet, { delta: amount, source: 'manual' });
  if (problem) return ev.note(`manual award not applied: ${problem}`);
  wallet.balance += amount;
  if (amount > 0) {
    wallet.lifetimeEarned += amount;
    ev.markCredited({ userId, currency, wallet });
  }
  ev.plan.postings.push({
    userId, currencyId: currency.id, currency: currency.key, delta: amount, balanceAfter: wallet.balance, source: 'manual',
    ruleId: null, ruleVersion: null, reason: `${String(event.data.reason || 'manual award')} (by ${event.actor_id})`, detail: null, at: event.occurred_at,
  });
  ev.trace?.notes.push(`manual award: ${amount} ${currency.key} to ${userId}`);
}


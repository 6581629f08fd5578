// Runs one rule over a few events in memory — from empty wallets, the rule alone — and says per
// event whether it fired and what it moved, then the balances: a template's example and the
// instantiate route's `dry_run` both answer with this.
import { EventDataSchemas, type LakeEvent } from '../../events/lake-event.ts';
import { compileConfig, type CurrencyInfo } from '../compiler.ts';
import { dryRun } from '../dry-run.ts';
import { MemoryState } from '../state.ts';
import { CurrencySchema } from '../../ledger/currency.ts';
import { exampleValues, instantiate } from './instantiate.ts';
import type { ExampleMember, RuleTemplate, TemplateExample } from './rule-template.ts';

export interface RunStep {
  index: number;
  type: string;
  actor_id: string;
  fired: boolean;
  /** Why it did not fire: the trigger, a condition or a limit, in the dry run's words. */
  reason?: string;
  moves: { type: 'credit' | 'debit' | 'transfer'; member: string; currency: string; amount: number }[];
  roles_added: { member: string; role: string }[];
  errors: string[];
}

export interface RuleRun {
  steps: RunStep[];
  /** member id → currency key → balance after the last event. */
  balances: Record<string, Record<string, number>>;
}

export function runRule(guildId: string, document: Record<string, unknown>, currencies: CurrencyInfo[], events: LakeEvent[]): RuleRun {
  const config = compileConfig({ guildId, version: 0, currencies, zones: [], rules: [{ id: 1, version: 1, document }] });
  const key = String(document.key);
  const state = new MemoryState(guildId);
  const balances: RuleRun['balances'] = {};
  const steps = events.map((event, index): RunStep => {
    const result = dryRun(config, state, event);
    const trace = result.rules.find((r) => r.rule === key);
    for (const [member, byCurrency] of Object.entries(result.balances)) {
      for (const [currency, { after }] of Object.entries(byCurrency)) (balances[member] ??= {})[currency] = after;
    }
    const planned = (trace?.effects ?? []).filter((e) => e.status === 'planned');
    const fired = !!trace?.fired && planned.length > 0;
    const failedCondition = trace?.conditions.find((c) => !c.passed);
    const failedLimit = trace?.limits.find((l) => !l.passed);
    const reason = fired
      ? undefined
      : !trace?.trigger.matched
        ? `trigger: ${trace?.trigger.reason ?? 'did not match'}`
        : failedCondition
          ? `condition failed: ${failedCondition.name}`
          : failedLimit
            ? `limit reached: ${failedLimit.kind} (${failedLimit.state})`
            : (trace?.skipped ?? trace?.error ?? (trace?.effects.find((e) => e.note)?.note || 'no effect'));
    return {
      index,
      type: event.type,
      actor_id: event.actor_id,
      fired,
      ...(reason ? { reason } : {}),
      moves: planned
        .filter((e) => e.type === 'credit' || e.type === 'debit' || e.type === 'transfer')
        .map((e) => ({ type: e.type as 'credit', member: e.member ?? '', currency: e.currency ?? '', amount: e.amount ?? 0 })),
      roles_added: planned.filter((e) => e.type === 'role_add').map((e) => ({ member: e.member ?? '', role: e.role ?? '' })),
      errors: result.errors.map((e) => e.message),
    };
  });
  return { steps, balances };
}

/** The members and channel of examples, by fixed ids. */
export const EXAMPLE_MEMBERS: Record<ExampleMember, string> = { alice: '100000000000000011', bob: '100000000000000012', carol: '100000000000000013' };
export const EXAMPLE_CHANNEL = '100000000000000021';
export const EXAMPLE_GUILD = '100000000000000001';

/** An example's events as lake events. Gallery data is trusted: keys the lake's schema does not know yet (inviter_id) are kept. */
export function exampleEvents(example: TemplateExample, guildId = EXAMPLE_GUILD): LakeEvent[] {
  return example.events.map((e, i) => {
    const schema = EventDataSchemas[e.type as keyof typeof EventDataSchemas];
    return {
      source_id: `example:${i}`,
      type: e.type as LakeEvent['type'],
      guild_id: guildId,
      actor_id: EXAMPLE_MEMBERS[e.actor],
      target_id: e.target ? EXAMPLE_MEMBERS[e.target] : null,
      channel_id: e.channel ?? EXAMPLE_CHANNEL,
      occurred_at: new Date(e.at).toISOString(),
      data: { ...e.data, ...(schema.parse(e.data) as Record<string, unknown>) },
    };
  });
}

/** The run as the example states it: fired per event, balances and roles by member name. */
export function describeRun(run: RuleRun) {
  const nameOf = new Map(Object.entries(EXAMPLE_MEMBERS).map(([name, id]) => [id, name]));
  const balances: Record<string, Record<string, number>> = {};
  for (const [id, byCurrency] of Object.entries(run.balances)) {
    const nonZero = Object.entries(byCurrency).filter(([, v]) => v !== 0);
    if (nonZero.length > 0) balances[nameOf.get(id) ?? id] = Object.fromEntries(nonZero);
  }
  const roles: Record<string, string[]> = {};
  for (const step of run.steps) for (const r of step.roles_added) (roles[nameOf.get(r.member) ?? r.member] ??= []).push(r.role);
  return { fired: run.steps.map((s) => s.fired), balances, roles_added: roles };
}

/** Currencies by key, for a run without a guild (an example): ids by position. */
export function currenciesFor(keys: Iterable<string>): CurrencyInfo[] {
  return [...new Set(keys)].map((key, i) => ({ ...CurrencySchema.parse({ key, name: key }), id: i + 1 }));
}

/** A template's example, run: instantiated with its example values, over its events. */
export function runExample(template: RuleTemplate) {
  if (!template.example) return undefined;
  const made = instantiate(template, exampleValues(template));
  if (!made.ok) return { ok: false as const, problems: made.problems };
  const currencyKeys = template.placeholders.filter((p) => p.kind === 'currency').map((p) => String(made.values[p.name]));
  const run = runRule(EXAMPLE_GUILD, made.document, currenciesFor(currencyKeys), exampleEvents(template.example));
  return { ok: true as const, rule: made.rule, run, outcome: describeRun(run) };
}

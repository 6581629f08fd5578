// A template filled for one guild: placeholder values checked, the rule checked against the
// guild's currencies and zones (as a save would), and optionally run over sample events.
import type { Executor } from '../../db/client.ts';
import type { LakeEvent } from '../../events/lake-event.ts';
import { withOperationPool } from '../logic/budget.ts';
import { MAX_REQUEST_OPERATIONS } from '../logic/limits.ts';
import { loadCurrencies, loadZones, validateRuleDocument, type Problem } from '../repository.ts';
import type { Rule } from '../schema.ts';
import { instantiate, type InstantiateOptions } from './instantiate.ts';
import type { RuleTemplate } from './rule-template.ts';
import { runRule, type RuleRun } from './run.ts';

export type GuildInstance = { ok: true; rule: Rule; document: Record<string, unknown>; run?: RuleRun } | { ok: false; problems: Problem[] };

export async function instantiateForGuild(
  exec: Executor,
  guildId: string,
  template: RuleTemplate,
  values: Record<string, unknown>,
  options: InstantiateOptions & { events?: LakeEvent[] } = {},
): Promise<GuildInstance> {
  const made = instantiate(template, values, options);
  if (!made.ok) return made;
  const currencies = await loadCurrencies(exec, guildId);
  const zones = await loadZones(exec, guildId);
  // Checking and running share one pool of JSON Logic operations, as the dry-run route's do.
  return withOperationPool(MAX_REQUEST_OPERATIONS, (): GuildInstance => {
    const checked = validateRuleDocument(made.document, currencies, zones, guildId);
    if (!checked.ok) return { ok: false, problems: checked.problems.map((p) => ({ path: `rule.${p.path}`, message: p.message })) };
    // The rule alone, from empty wallets: what it does, apart from the guild's other rules and balances.
    const run = options.events ? runRule(guildId, made.document, currencies, options.events) : undefined;
    return { ok: true, rule: checked.value, document: made.document, ...(run ? { run } : {}) };
  });
}

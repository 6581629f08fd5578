// Filling a template: placeholder values checked (each problem at `values.<name>`), written into
// the body, and the result checked by the rule schema (each problem at `rule.<path>`).
import { parseRule } from '../compiler.ts';
import type { Rule } from '../schema.ts';
import { checkValues, fillPlaceholders, type PlaceholderValues, type ValueProblem } from './placeholders.ts';
import type { RuleTemplate } from './rule-template.ts';

export interface InstantiateOptions {
  /** The new rule's key and name (default: the template's). */
  key?: string;
  name?: string;
}

export type Instantiated =
  | { ok: true; rule: Rule; document: Record<string, unknown>; values: PlaceholderValues }
  | { ok: false; problems: ValueProblem[] };

export function instantiate(template: RuleTemplate, values: Record<string, unknown>, options: InstantiateOptions = {}): Instantiated {
  const checked = checkValues(template.placeholders, values);
  if (!checked.ok) return checked;
  const filled = fillPlaceholders(template.rule, checked.values) as Record<string, unknown>;
  const document = { ...filled, ...(options.key ? { key: options.key } : {}), ...(options.name ? { name: options.name } : {}) };
  const parsed = parseRule(document);
  if (!parsed.ok) return { ok: false, problems: parsed.problems.map((p) => ({ path: `rule.${p.path}`, message: p.message })) };
  return { ok: true, rule: parsed.rule, document, values: checked.values };
}

/** The values a template's example runs with: its defaults, then each placeholder's example, then the example's own. */
export function exampleValues(template: RuleTemplate): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of template.placeholders) if (p.default === undefined && p.example !== undefined) out[p.name] = p.example;
  return { ...out, ...(template.example?.values ?? {}) };
}

// Turning a rule into a guild template (issue 18): the rule's values an admin may make blanks
// ({{name}} placeholders, the rule's value as the default), a starting example (events of the rule's
// trigger by the example members alice, bob and carol), and the template document the API takes.
// Relative imports (not $lib/$api): the tests import this file outside the panel's build.
import type { RuleTemplateInput } from '../../../../src/api/contract.ts';
import { EVENT_DATA, EVENT_TYPES, INTERNAL_EVENTS, WITH_TARGET, type EventType } from '../events.ts';

export type PlaceholderKind = 'channel' | 'role' | 'currency' | 'milestone' | 'integer' | 'number' | 'text' | 'emoji';
export type Path = (string | number)[];

/** A value of the rule that can become a blank. */
export interface Candidate {
  path: Path;
  /** Where it is, in words ("Effect 1 › amount"). */
  where: string;
  kind: PlaceholderKind;
  value: string | number;
  /** A placeholder name to start from. */
  name: string;
}

/** A placeholder as the editor holds it: its default as typed. */
export interface PlaceholderDraft {
  name: string;
  kind: PlaceholderKind;
  label: string;
  description: string;
  default: string;
  /** Fields of an existing placeholder the editor does not show (min, max, example…), kept as they were. */
  rest?: Record<string, unknown>;
}

export type ExampleMember = 'alice' | 'bob' | 'carol';
export interface ExampleEventDraft {
  type: string;
  actor: ExampleMember;
  target?: ExampleMember;
  channel?: string;
  at: string;
  data: Record<string, unknown>;
}

const SNOWFLAKE = /^\d{17,20}$/;
/** Names message text uses ({{actor.mention}}): the API refuses them as placeholder names. */
const RESERVED = new Set(['actor', 'target', 'event', 'zone', 'time', 'vars', 'chain', 'channel_type', 'channel', 'role', 'ai_quality']);
/** The rule's identity and switches: never blanks. */
const FIXED = new Set(['key', 'name', 'description', 'module', 'enabled', 'mode', 'priority', 'stop_processing', 'events']);
const LIST_WORDS: Record<string, string> = { effects: 'Effect', conditions: 'Condition', limits: 'Limit' };

function describe(path: Path): string {
  const words: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const part = path[i]!;
    const next = path[i + 1];
    if (typeof part === 'string' && LIST_WORDS[part] && typeof next === 'number') {
      words.push(`${LIST_WORDS[part]} ${next + 1}`);
      i++;
    } else if (typeof part === 'string' && /^[a-z_]+$/.test(part) && part !== 'if') words.push(part.replace(/_/g, ' '));
  }
  return words.join(' › ') || 'value';
}

function kindOf(path: Path, value: unknown): PlaceholderKind | undefined {
  const last = [...path].reverse().find((p) => typeof p === 'string') as string | undefined;
  const joined = path.filter((p) => typeof p === 'string').join('.');
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value !== 'string' || value.includes('{{')) return undefined;
  if (SNOWFLAKE.test(value)) return /role/.test(joined) ? 'role' : /channel/.test(joined) ? 'channel' : undefined;
  if (last === 'currency') return 'currency';
  if (last === 'milestone') return 'milestone';
  if (last === 'emoji') return 'emoji';
  if (last === 'content' || last === 'text' || last === 'reason') return 'text';
  return undefined;
}

function nameFor(path: Path, kind: PlaceholderKind): string {
  const words = path.filter((p): p is string => typeof p === 'string' && /^[a-z_]+$/.test(p) && !LIST_WORDS[p] && p !== 'if');
  let name = (words.at(-1) ?? (path[0] === 'conditions' ? 'threshold' : kind)).replace(/s$/, '');
  if (kind === 'channel' || kind === 'role') name = `${kind}_id`;
  if (RESERVED.has(name)) name = `${name}_value`;
  return /^[a-z]/.test(name) ? name : `value_${name}`;
}

/** The rule's values that can become blanks: numbers, channels, roles, currencies, milestones, texts. */
export function candidates(rule: Record<string, unknown>): Candidate[] {
  const found: Candidate[] = [];
  const taken = new Map<string, number>();
  const walk = (value: unknown, path: Path) => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, [...path, i]));
    if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) if (!(path.length === 0 && FIXED.has(k)) && k !== 'var') walk(v, [...path, k]);
      return;
    }
    const kind = kindOf(path, value);
    if (!kind || path.length === 0) return;
    let name = nameFor(path, kind);
    const n = (taken.get(name) ?? 0) + 1;
    taken.set(name, n);
    if (n > 1) name = `${name}_${n}`;
    found.push({ path, where: describe(path), kind, value: value as string | number, name });
  };
  walk(rule, []);
  return found;
}

const pathKey = (path: Path) => JSON.stringify(path);
export const samePath = (a: Path, b: Path) => pathKey(a) === pathKey(b);

/** The rule with each chosen value replaced by its {{name}}. */
export function bodyWith(rule: Record<string, unknown>, chosen: { path: Path; name: string }[]): Record<string, unknown> {
  const body = structuredClone(rule);
  for (const { path, name } of chosen) {
    let parent: unknown = body;
    for (const part of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[part];
    (parent as Record<string | number, unknown>)[path.at(-1)!] = `{{${name}}}`;
  }
  return body;
}

/** A body with a placeholder renamed (as a whole value and inside text). */
export function renamed(body: unknown, from: string, to: string): unknown {
  if (from === to) return body;
  if (typeof body === 'string') return body.split(`{{${from}}}`).join(`{{${to}}}`);
  if (Array.isArray(body)) return body.map((v) => renamed(v, from, to));
  if (body && typeof body === 'object') return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, renamed(v, from, to)]));
  return body;
}

/** A default as the API takes it: numbers for number kinds, text otherwise; blank is no default. */
export function typedDefault(p: PlaceholderDraft): string | number | undefined {
  const raw = p.default.trim();
  if (raw === '') return undefined;
  if (p.kind === 'integer' || p.kind === 'number') return Number.isFinite(Number(raw)) ? Number(raw) : raw;
  return raw;
}

/** A first example: two events of the rule's trigger by alice a minute apart, then one by bob. */
export function starterEvents(rule: Record<string, unknown>): ExampleEventDraft[] {
  const trigger = (rule.trigger ?? {}) as { events?: string[]; channels?: string[] };
  const type = (trigger.events ?? []).find((t): t is EventType => (EVENT_TYPES as readonly string[]).includes(t) && !INTERNAL_EVENTS.has(t)) ?? 'message_create';
  const channel = (trigger.channels ?? []).find((c) => SNOWFLAKE.test(c));
  const event = (actor: ExampleMember, minute: number): ExampleEventDraft => ({
    type,
    actor,
    ...(WITH_TARGET.has(type) ? { target: actor === 'alice' ? 'bob' : 'alice' } : {}),
    ...(channel ? { channel } : {}),
    at: `2026-01-05T10:0${minute}:00Z`,
    data: { ...EVENT_DATA[type] },
  });
  return [event('alice', 0), event('alice', 1), event('bob', 2)];
}

/** The example's outcome in words, from a run (for an admin who left it blank). */
export function outcomeFrom(run: { fired: boolean[]; balances: Record<string, Record<string, number>> }): string {
  const paid = Object.entries(run.balances).map(([who, b]) => `${who} ends with ${Object.entries(b).map(([c, v]) => `${v} ${c}`).join(' and ')}`);
  const fired = run.fired.filter(Boolean).length;
  return `The rule fires on ${fired} of ${run.fired.length} events${paid.length ? `: ${paid.join('; ')}` : '; nobody earns anything'}.`;
}

export interface TemplateDraft {
  key: string;
  name: string;
  description: string;
  category: string;
  placeholders: PlaceholderDraft[];
  body: Record<string, unknown>;
  events: ExampleEventDraft[];
  outcome: string;
  /** Example values kept from an existing template (for placeholders without a default). */
  exampleValues: Record<string, string | number>;
}

/** The template document the API takes; `expected` is the example's run (from a preview). */
export function templateDocument(d: TemplateDraft, expected?: { fired: boolean[]; balances: Record<string, Record<string, number>>; roles_added?: Record<string, string[]> }): RuleTemplateInput {
  const names = new Set(d.placeholders.map((p) => p.name));
  const values = Object.fromEntries(Object.entries(d.exampleValues).filter(([k]) => names.has(k)));
  return {
    key: d.key.trim(),
    name: d.name.trim(),
    description: d.description.trim(),
    ...(d.category.trim() ? { category: d.category.trim() } : {}),
    placeholders: d.placeholders.map((p) => {
      const def = typedDefault(p);
      return { ...(p.rest ?? {}), name: p.name.trim(), kind: p.kind, label: p.label.trim(), description: p.description.trim(), ...(def === undefined ? {} : { default: def }) } as RuleTemplateInput['placeholders'] extends (infer P)[] | undefined ? P : never;
    }),
    rule: d.body,
    example: {
      values,
      events: d.events.map((e) => ({ type: e.type, actor: e.actor, ...(e.target ? { target: e.target } : {}), ...(e.channel ? { channel: e.channel } : {}), at: e.at, data: e.data })) as NonNullable<RuleTemplateInput['example']>['events'],
      outcome: d.outcome.trim(),
      ...(expected ? { expected: { fired: expected.fired, balances: expected.balances, ...(expected.roles_added && Object.keys(expected.roles_added).length ? { roles_added: expected.roles_added } : {}) } } : {}),
    } as NonNullable<RuleTemplateInput['example']>,
  };
}

// A template's placeholders: typed blanks ({{name}} in the rule body) with bounds and defaults,
// checked with field paths, then written into the body. A string that is exactly "{{name}}" takes the
// value as typed (a number stays a number); inside longer text the value is written as text.
import { z } from 'zod';
import { MAX_AMOUNT } from '../../config/ranges.ts';
import { Snowflake } from '../../events/lake-event.ts';

/** Context roots of message text ({{actor.mention}}): never placeholder names, so never confused. */
const RESERVED = new Set(['actor', 'target', 'event', 'zone', 'time', 'vars', 'chain', 'channel_type', 'channel', 'role', 'ai_quality']);
const Name = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,47}$/, 'must be lowercase letters, digits and _ (e.g. "help_channel")')
  .refine((n) => !RESERVED.has(n), { error: 'is a name message text uses ({{actor.mention}}…); choose another' });
const Key = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9_.-]*$/, 'must be lowercase letters, digits, and _ . -');

const common = { name: Name, label: z.string().min(1).max(100), description: z.string().max(500).default('') };
const bounded = <T extends z.ZodNumber>(n: T) => ({ min: n.optional(), max: n.optional(), default: n.optional(), example: n.optional() });

export const PlaceholderSchema = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('channel'), default: Snowflake.optional(), example: Snowflake.optional() }).strict(),
  z.object({ ...common, kind: z.literal('role'), default: Snowflake.optional(), example: Snowflake.optional() }).strict(),
  z.object({ ...common, kind: z.literal('currency'), default: Key.optional(), example: Key.optional() }).strict(),
  z.object({ ...common, kind: z.literal('milestone'), default: Key.optional(), example: Key.optional() }).strict(),
  z.object({ ...common, kind: z.literal('integer'), ...bounded(z.number().int()) }).strict(),
  z.object({ ...common, kind: z.literal('number'), ...bounded(z.number()) }).strict(),
  z.object({ ...common, kind: z.literal('text'), max_length: z.number().int().min(1).max(2000).default(200), default: z.string().optional(), example: z.string().optional() }).strict(),
  z.object({ ...common, kind: z.literal('emoji'), default: z.string().min(1).max(100).optional(), example: z.string().min(1).max(100).optional() }).strict(),
]);

export type Placeholder = z.output<typeof PlaceholderSchema>;
export type PlaceholderValue = string | number;
export type PlaceholderValues = Record<string, PlaceholderValue>;

/** The zod schema one placeholder's value must satisfy (its default applied when absent). */
function valueSchema(p: Placeholder): z.ZodType<PlaceholderValue | undefined> {
  const required = { error: (i: { input: unknown }) => (i.input === undefined ? 'is required' : undefined) };
  let schema: z.ZodType<PlaceholderValue>;
  switch (p.kind) {
    case 'channel':
    case 'role':
      schema = Snowflake;
      break;
    case 'currency':
    case 'milestone':
      schema = Key;
      break;
    case 'text':
      schema = z.string(required).max(p.max_length);
      break;
    case 'emoji':
      schema = z.string(required).min(1).max(100);
      break;
    case 'integer':
    case 'number': {
      let n = p.kind === 'integer' ? z.number(required).int('must be a whole number') : z.number(required);
      n = n.min(p.min ?? (p.kind === 'integer' ? -MAX_AMOUNT : -1e9)).max(p.max ?? (p.kind === 'integer' ? MAX_AMOUNT : 1e9));
      schema = n;
      break;
    }
  }
  return p.default === undefined ? schema : schema.default(p.default as never);
}

export interface ValueProblem {
  path: string;
  message: string;
}

/** Checks values against the placeholders: defaults filled, unknown names refused, each problem at `values.<name>`. */
export function checkValues(placeholders: readonly Placeholder[], values: Record<string, unknown>, prefix = 'values'): { ok: true; values: PlaceholderValues } | { ok: false; problems: ValueProblem[] } {
  const problems: ValueProblem[] = [];
  const out: PlaceholderValues = {};
  const known = new Set(placeholders.map((p) => p.name));
  for (const name of Object.keys(values)) if (!known.has(name)) problems.push({ path: `${prefix}.${name}`, message: `is not a placeholder of this template; expected one of ${[...known].join(', ') || '(none)'}` });
  for (const p of placeholders) {
    const parsed = valueSchema(p).safeParse(values[p.name]);
    if (!parsed.success) for (const issue of parsed.error.issues) problems.push({ path: `${prefix}.${p.name}`, message: issue.message });
    else if (parsed.data !== undefined) out[p.name] = parsed.data;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values: out };
}

const WHOLE = /^\{\{([a-z][a-z0-9_]*)\}\}$/;
const INSIDE = /\{\{([a-z][a-z0-9_]*)\}\}/g;

/** The body with every declared placeholder replaced; other {{…}} (message text, recipe placeholders) stay. */
export function fillPlaceholders(body: unknown, values: PlaceholderValues): unknown {
  if (typeof body === 'string') {
    const whole = body.match(WHOLE);
    if (whole && whole[1]! in values) return values[whole[1]!];
    return body.replace(INSIDE, (text, name: string) => (name in values ? String(values[name]) : text));
  }
  if (Array.isArray(body)) return body.map((v) => fillPlaceholders(v, values));
  if (body && typeof body === 'object') return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, fillPlaceholders(v, values)]));
  return body;
}

/** Placeholder names a body uses (`{{name}}`; dotted message paths and `{{channel:x}}` are not names). */
export function namesUsed(body: unknown): Set<string> {
  const found = new Set<string>();
  for (const m of JSON.stringify(body).matchAll(INSIDE)) if (!RESERVED.has(m[1]!)) found.add(m[1]!);
  return found;
}

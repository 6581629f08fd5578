// A small JSON Schema validator for the subset Cairn's schemas use (zod's JSON Schema output:
// type, properties, required, additionalProperties, items, enum, const, lengths, ranges, pattern,
// oneOf/anyOf). Problems carry the same paths the API reports: `effects[0].amount`.
import type { FieldProblem } from './api';

export type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  propertyNames?: Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  oneOf?: Schema[];
  anyOf?: Schema[];
  description?: string;
  default?: unknown;
};

const join = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(expected: string, actual: string) {
  return expected === actual || (expected === 'number' && actual === 'integer');
}

const describeType = (t: string) => (t === 'integer' ? 'a whole number' : t === 'array' ? 'a list' : t === 'object' ? 'an object' : t === 'string' ? 'text' : `a ${t}`);

/** What a pattern asks for, in words (a regular expression is no message for a person). */
const PATTERNS: Record<string, string> = {
  '^[a-z0-9][a-z0-9_.-]*$': 'may only hold lowercase letters, digits and _ . - (starting with a letter or digit), e.g. chat.message_xp',
  '^[a-z][a-z0-9_]*$': 'may only hold lowercase letters, digits and _, starting with a letter',
  '^[a-z_][a-z0-9_]*$': 'may only hold lowercase letters, digits and _, not starting with a digit',
  '^([0-9]{1,20}|\\{\\{(channel|role):[a-z0-9_-]+\\}\\})$': 'must be an id (digits) or a placeholder like {{channel:name}}',
  '^([0-9]{1,20}|\\{\\{role:[a-z0-9_-]+\\}\\})$': 'must be a role id (digits) or a placeholder like {{role:name}}',
};
const patternMessage = (pattern: string) => PATTERNS[pattern] ?? 'has characters that are not allowed here';
const amount = (n: number) => (Math.abs(n) >= 10_000 ? n.toLocaleString('en-US') : String(n));

/** The branch of a oneOf/anyOf a value is meant for, by a property with a `const` (e.g. type/kind). */
function discriminated(branches: Schema[], value: unknown): Schema | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const branch of branches) {
    for (const [key, prop] of Object.entries(branch.properties ?? {})) {
      if (prop.const !== undefined && (value as Record<string, unknown>)[key] === prop.const) return branch;
    }
  }
  return undefined;
}

function discriminator(branches: Schema[]): { key: string; values: unknown[] } | undefined {
  const first = branches[0];
  if (!first) return undefined;
  for (const [key, prop] of Object.entries(first.properties ?? {})) {
    if (prop.const !== undefined && branches.every((b) => b.properties?.[key]?.const !== undefined)) return { key, values: branches.map((b) => b.properties![key]!.const) };
  }
  return undefined;
}

export function validate(schema: Schema, value: unknown, path = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  const at = path || '(root)';
  const actual = typeOf(value);

  if (schema.oneOf || schema.anyOf) {
    const branches = (schema.oneOf ?? schema.anyOf)!;
    const branch = discriminated(branches, value);
    if (branch) return validate(branch, value, path);
    const d = discriminator(branches);
    if (d && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return [{ path: join(path, d.key), message: `must be one of ${d.values.map((v) => JSON.stringify(v)).join(', ')}` }];
    }
    const results = branches.map((b) => validate(b, value, path));
    if (results.some((r) => r.length === 0)) return [];
    const types = branches.map((b) => b.type).filter((t): t is string => typeof t === 'string');
    return types.length === branches.length ? [{ path: at, message: `must be ${types.map(describeType).join(' or ')}` }] : results.sort((a, b) => a.length - b.length)[0]!;
  }

  if (schema.const !== undefined && value !== schema.const) out.push({ path: at, message: `must be ${JSON.stringify(schema.const)}` });
  if (schema.enum && !schema.enum.includes(value)) {
    out.push({ path: at, message: `must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}` });
    return out;
  }
  if (schema.type) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeMatches(t, actual))) return [{ path: at, message: `must be ${types.map(describeType).join(' or ')}` }];
  }

  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) out.push({ path: at, message: schema.minLength === 1 ? 'is required' : `must be at least ${schema.minLength} characters` });
    if (schema.maxLength !== undefined && value.length > schema.maxLength) out.push({ path: at, message: `must be at most ${schema.maxLength} characters` });
    // An empty field is "required", not also "wrong characters".
    if (schema.pattern && value !== '' && !new RegExp(schema.pattern, 'u').test(value)) out.push({ path: at, message: patternMessage(schema.pattern) });
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) out.push({ path: at, message: `must be at least ${amount(schema.minimum)}` });
    if (schema.maximum !== undefined && value > schema.maximum) out.push({ path: at, message: `must be at most ${amount(schema.maximum)}` });
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) out.push({ path: at, message: `must be more than ${amount(schema.exclusiveMinimum)}` });
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) out.push({ path: at, message: `must be less than ${amount(schema.exclusiveMaximum)}` });
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) out.push({ path: at, message: schema.minItems === 1 ? 'needs at least one entry' : `needs at least ${schema.minItems} entries` });
    if (schema.maxItems !== undefined && value.length > schema.maxItems) out.push({ path: at, message: `has more than ${schema.maxItems} entries` });
    if (schema.items) value.forEach((item, i) => out.push(...validate(schema.items!, item, join(path, i))));
  }
  if (actual === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (obj[key] === undefined) out.push({ path: join(path, key), message: 'is required' });
    for (const [key, v] of Object.entries(obj)) {
      if (v === undefined) continue;
      const prop = schema.properties?.[key];
      if (prop) out.push(...validate(prop, v, join(path, key)));
      else if (schema.additionalProperties === false) out.push({ path: join(path, key), message: 'is not a known field' });
      else if (typeof schema.additionalProperties === 'object') out.push(...validate(schema.additionalProperties, v, join(path, key)));
      if (schema.propertyNames) for (const p of validate(schema.propertyNames, key, join(path, key))) out.push({ ...p, message: `name ${p.message}` });
    }
  }
  return out;
}

// What Postgres can store, checked at the boundary before anything reaches a query: text with a NUL
// character or a lone UTF-16 surrogate is refused by text and jsonb columns alike (today that became
// a 500 deep inside a transaction), and JSON nested deeper than any document Cairn defines only
// serves to overflow the stack of whatever walks it next. Problems carry the value's field path.

/** Deepest JSON Cairn reads anywhere (a rule's JSON Logic inside a recipe is the deepest legitimate one). */
export const MAX_JSON_DEPTH = 200;

export interface StorableProblem {
  path: string;
  message: string;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why Postgres cannot store this text, or undefined when it can. */
export function unstorableText(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000), which cannot be stored';
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate (invalid Unicode), which cannot be stored';
  return undefined;
}

/**
 * How deeply a JSON text nests, read without parsing it (strings are skipped), stopping as soon as
 * `limit` is passed: a linear scan, so a hostile body costs no more than its length.
 */
export function jsonDepthExceeds(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
      continue;
    }
    if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > limit) return true;
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return false;
}

/** Whether a parsed value nests deeper than `limit` (arrays and objects), without recursion. */
export function valueDepthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

export type BoundedJson = { ok: true; value: unknown } | { ok: false; message: string };

/** JSON.parse, refusing nesting deeper than `maxDepth` before parsing. */
export function parseBoundedJson(text: string, maxDepth = MAX_JSON_DEPTH): BoundedJson {
  if (jsonDepthExceeds(text, maxDepth)) return { ok: false, message: `it is nested deeper than ${maxDepth} levels` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

const keyPath = (parent: string, key: string) => (parent ? `${parent}.${key}` : key);

/**
 * Every string (and object key) in a parsed JSON value that Postgres cannot store, with its path
 * (`data.options.name`, `effects[0].template`). Walks without recursion; stops after `max` problems.
 */
export function unstorableStrings(value: unknown, prefix = '', max = 20): StorableProblem[] {
  const problems: StorableProblem[] = [];
  const stack: [unknown, string][] = [[value, prefix]];
  while (stack.length > 0 && problems.length < max) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') {
      const message = unstorableText(current);
      if (message) problems.push({ path: path || '(root)', message });
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push([current[i], `${path}[${i}]`]);
    } else if (typeof current === 'object' && current !== null) {
      const entries = Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const keyProblem = unstorableText(key);
        if (keyProblem) problems.push({ path: keyPath(path, JSON.stringify(key)), message: `key ${keyProblem}` });
        else stack.push([child, keyPath(path, key)]);
      }
    }
  }
  return problems;
}

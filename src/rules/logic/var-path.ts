// What a `var` path may read: the documented roots of the evaluation context, then only own
// properties of plain objects, arrays and strings. Never a function, a prototype or an internal of
// a class (`{"var": [["constructor"]]}` reads nothing), whether the path is constant or computed.

/** Objects that are views (the context, a member) list the keys a path may read through this symbol. */
export const VAR_KEYS: unique symbol = Symbol('cairn.varKeys');

/** The roots a rule's JSON Logic may read (rules/context.ts). */
export const VAR_ROOTS = ['event', 'actor', 'target', 'self', 'zone', 'channel_type', 'time', 'chain', 'vars', 'ai_quality'] as const;
export const CONTEXT_KEYS: ReadonlySet<string> = new Set(VAR_ROOTS);
/** What a member (actor, target) shows. */
export const MEMBER_KEYS: ReadonlySet<string> = new Set(['id', 'mention', 'roles', 'balances', 'lifetime', 'levels']);

/** Path segments no constant path may name (refused at save). */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

const INDEX = /^(0|[1-9][0-9]*)$/;

type View = { [VAR_KEYS]?: ReadonlySet<string> } & Record<string, unknown>;

/** One step of a path, or undefined when the key is not readable there. */
export function readKey(from: unknown, key: string): unknown {
  if (typeof from !== 'object' || from === null) {
    return typeof from === 'string' ? (key === 'length' ? from.length : INDEX.test(key) ? from[Number(key)] : undefined) : undefined;
  }
  const keys = (from as View)[VAR_KEYS];
  if (keys !== undefined) return keys.has(key) ? (from as View)[key] : undefined;
  if (!Object.hasOwn(from, key)) return undefined;
  // Own properties of plain objects and arrays only (JSON data, vars, built values).
  const proto = Object.getPrototypeOf(from) as unknown;
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return undefined;
  const value = (from as Record<string, unknown>)[key];
  return typeof value === 'function' ? undefined : value;
}

/** Reads a split path: the value, or undefined when any step is missing or not readable. */
export function readPath(data: unknown, parts: readonly string[]): unknown {
  let current = data;
  for (const part of parts) {
    if (current === null || current === undefined) return undefined;
    current = readKey(current, part);
  }
  return current;
}

// Hostile values for any position of a JSON body, a path segment or a query value, and mutations
// that turn a valid document into a near-valid one (one field changed, removed or added).
import fc from 'fast-check';

/** A piece of JSON text placed as is (what JSON.stringify cannot write: 1e400, 5,000-deep nesting). */
export class RawJson {
  constructor(
    readonly text: string,
    readonly label: string,
  ) {}
  toString() {
    return `Raw(${this.label})`;
  }
}

const nested = (depth: number, open: string, close: string, label: string) => new RawJson(open.repeat(depth) + '1' + close.repeat(depth), label);
const longString = (length: number, unit = 'x') => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

export const HOSTILE_NUMBERS: unknown[] = [1e20, 1e300, 2 ** 53, -(2 ** 53), 2 ** 53 + 2, -0, 3e9, -3e9, 2 ** 31, 1.5, -1, 0, 1e-300, Number.MAX_VALUE];
const HOSTILE_RAW_NUMBERS = [new RawJson('1e400', '1e400'), new RawJson('-1e400', '-1e400'), new RawJson('123456789012345678901234567890', '30 digits')];

export const HOSTILE_STRINGS: string[] = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e20',
  '9007199254740993',
  '-1',
  '',
  '   ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  '__proto__',
  'constructor',
  '0001-01-01T00:00:00Z',
  '275760-09-13T00:00:00.001Z',
  '{{channel:nope}}',
  "' OR 1=1 --",
  '../../etc/passwd',
  '%00',
  '\u202e\u200b',
  '🪨'.repeat(50),
  longString(10_000),
  longString(200_000, 'é'),
];

/** Nested iteration over literal arrays (issue 13 §1): 100^5 steps, or 200^4 mapped values. */
const literal = (n: number) => `[${Array.from({ length: n }, () => 7).join(',')}]`;
export const HEAVY_SOME = new RawJson(Array.from({ length: 5 }, () => `{"some":[${literal(100)},`).join('') + '{"==":[{"var":""},8]}' + ']}'.repeat(5), 'some nested 5 deep over 100');
export const HEAVY_MAP = new RawJson(Array.from({ length: 4 }, () => `{"map":[${literal(200)},`).join('') + '{"var":""}' + ']}'.repeat(4), 'map nested 4 deep over 200');

/** JSON Logic that reaches for internals, overflows or divides by zero, placed where rules hold logic. */
const HOSTILE_LOGIC: unknown[] = [
  { var: [['constructor']] },
  { var: { cat: ['constr', 'uctor'] } },
  { var: '__proto__.polluted' },
  { pow: [10, 400] },
  { '/': [1, 0] },
  { '*': [1e308, 10] },
  { random_int: [0, 1e300] },
  { clamp: [1e300, -1e300, 'x'] },
  { map: [[1, 2, 3], { '*': [{ var: '' }, 1e308] }] },
  { some: [Array(30).fill(7), { some: [Array(30).fill(7), { '==': [{ var: '' }, 8] }] }] },
  { unknown_operation: [1] },
  HEAVY_SOME,
  HEAVY_MAP,
];

const HOSTILE_SHAPES: unknown[] = [
  ...HOSTILE_LOGIC,
  null,
  true,
  false,
  [],
  {},
  [null],
  [1, 2, 3],
  { a: 1 },
  { '\u0000': 1 },
  { '\ud800': 'key' },
  new RawJson('{"__proto__":{"polluted":true}}', '__proto__ key'),
  { constructor: { prototype: { polluted: true } } },
  Array.from({ length: 10_000 }, (_, i) => i),
  nested(199, '[', ']', '199 deep array'),
  nested(201, '[', ']', '201 deep array'),
  nested(5_000, '[', ']', '5000 deep array'),
  nested(20_000, '{"a":', '}', '20000 deep object'),
  new RawJson('{"a":1,"a":2}', 'duplicate key'),
];

/** Any hostile value, for any position. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_NUMBERS, ...HOSTILE_RAW_NUMBERS),
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.constantFrom(...HOSTILE_SHAPES),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.double(),
  fc.integer(),
);

/** Hostile text for a URL path segment or query value, already percent-encoded. */
export const hostileUrlText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('%00', 'a%00b', '%ED%A0%80', '%FF', '%', '%zz', '..', '%2E%2E', '%2F', '.', '-1', '0', '1e20', 'NaN', '9007199254740993', '99999999999999999999999', '%F0%9F%AA%A8', '__proto__', 'constructor'),
  fc.constantFrom(longString(10_000), longString(3_000, '%C3%A9')),
  fc.string({ maxLength: 30 }).map(encodeUrlText),
);

/** Percent-encodes text, writing a lone surrogate as the invalid UTF-8 it would become. */
export function encodeUrlText(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...text].map((ch) => (/[\ud800-\udfff]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join('');
  }
}

type Path = (string | number)[];

/** Every position in a JSON value (the root included), as paths. */
export function positions(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (out.length > 400) return out;
  if (Array.isArray(value)) value.forEach((v, i) => positions(v, [...path, i], out));
  else if (value && typeof value === 'object' && !(value instanceof RawJson)) for (const [k, v] of Object.entries(value)) positions(v, [...path, k], out);
  return out;
}

export type MutationKind = 'replace' | 'remove' | 'extra-key' | 'wrap';

function clone(value: unknown): unknown {
  if (value instanceof RawJson || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(clone);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)]));
}

/** The value with one position changed: replaced by `hostile`, removed, given an extra key, or wrapped in an array. */
export function mutate(value: unknown, pick: number, kind: MutationKind, hostile: unknown, extraKey: string): unknown {
  const all = positions(value);
  const path = all[pick % all.length]!;
  const root = clone(value);
  const change = (current: unknown): unknown => {
    if (kind === 'replace') return hostile;
    if (kind === 'wrap') return [current];
    if (kind === 'extra-key' && current && typeof current === 'object' && !Array.isArray(current) && !(current instanceof RawJson)) return { ...current, [extraKey]: hostile };
    return hostile;
  };
  if (path.length === 0) return kind === 'remove' ? undefined : change(root);
  const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], root);
  const last = path.at(-1)!;
  if (kind === 'remove') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = change(parent[last]);
  return root;
}

export const mutationKind = fc.constantFrom<MutationKind>('replace', 'replace', 'replace', 'remove', 'extra-key', 'wrap');
export const extraKey = fc.constantFrom('extra', 'id', '__proto__', 'constructor', '\u0000', '\ud800', longString(5_000), '');

/** JSON text for a body that may hold RawJson pieces. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  const pieces: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RawJson) {
      pieces.push(v.text);
      return `\u0001raw${pieces.length - 1}\u0001`;
    }
    return v;
  });
  if (text === undefined) return '';
  return pieces.length === 0 ? text : text.replace(/"\\u0001raw(\d+)\\u0001"/g, (_m, i: string) => pieces[Number(i)]!);
}

/** A short description of a value for failure messages (long strings cut). */
export function describeValue(value: unknown, max = 600): string {
  const text = toJsonText(value);
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

// zod's default messages in plain words, for refusals the server has not phrased itself yet:
// "Too small: expected number to be >0" → "must be more than 0"; a regular expression becomes
// "has characters that are not allowed here". Messages already in plain words pass unchanged.
const number = (n: string) => (/^-?\d+$/.test(n) && Math.abs(Number(n)) >= 10_000 ? Number(n).toLocaleString('en-US') : n);

const TYPES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'yes or no',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

const RULES: [RegExp, (...m: string[]) => string][] = [
  [/^Too small: expected string to have >=1 characters?$/, () => 'is required'],
  [/^Too small: expected string to have >=(\d+) characters?$/, (n) => `must be at least ${n} characters`],
  [/^Too big: expected string to have <=(\d+) characters?$/, (n) => `must be at most ${n} characters`],
  [/^Too small: expected array to have >=1 items?$/, () => 'needs at least one entry'],
  [/^Too small: expected array to have >=(\d+) items?$/, (n) => `needs at least ${n} entries`],
  [/^Too big: expected array to have <=(\d+) items?$/, (n) => `has more than ${n} entries`],
  [/^Too small: expected (?:number|int|bigint) to be >=(-?[\d.e+]+)$/, (n) => `must be at least ${number(n)}`],
  [/^Too small: expected (?:number|int|bigint) to be >(-?[\d.e+]+)$/, (n) => `must be more than ${number(n)}`],
  [/^Too big: expected (?:number|int|bigint) to be <=(-?[\d.e+]+)$/, (n) => `must be at most ${number(n)}`],
  [/^Too big: expected (?:number|int|bigint) to be <(-?[\d.e+]+)$/, (n) => `must be less than ${number(n)}`],
  [/^Invalid string: must match pattern /, () => 'has characters that are not allowed here'],
  [/^Invalid input: expected int, received number$/, () => 'must be a whole number'],
  [/^Invalid input: expected (\w+), received (?:undefined|null)$/, () => 'is required'],
  [/^Invalid input: expected (\w+), received \w+$/, (t) => `must be ${TYPES[t] ?? t}`],
  [/^Invalid option: expected one of (.+)$/, (list) => `must be one of ${list.replace(/"/g, '').split('|').join(', ')}`],
  [/^Invalid discriminator value\. Expected (.+)$/, (list) => `must be one of ${list.replace(/'/g, '').split(' | ').join(', ')}`],
  [/^Unrecognized keys?: (.+)$/, (keys) => `${keys.replace(/"/g, '')}: not a field this accepts`],
];

export function plain(message: string): string {
  for (const [pattern, say] of RULES) {
    const m = pattern.exec(message);
    if (m) return say(...m.slice(1));
  }
  return message;
}

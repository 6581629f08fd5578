// Small SQL fragments shared by the data path: id lists passed as one array parameter, so a
// statement has the same text (and plan) whatever the number of items, and `= ANY(...)` can use
// an index.
import { sql, type SQL } from 'drizzle-orm';

const DIGITS = /^-?[0-9]+$/;

function arrayLiteral(values: readonly (string | number)[]): string {
  for (const v of values) if (!DIGITS.test(String(v))) throw new Error(`not an integer id: ${String(v)}`);
  return `{${values.join(',')}}`;
}

/** `'{1,2,3}'::bigint[]`, for `col = ANY(${bigintArray(ids)})`. Ids must be digit strings. */
export const bigintArray = (ids: readonly string[]): SQL => sql`${arrayLiteral(ids)}::bigint[]`;

/** The same for integer ids. */
export const intArray = (ids: readonly number[]): SQL => sql`${arrayLiteral(ids)}::int[]`;

const WORD = /^[A-Za-z0-9_:.-]+$/;

/** `'{a,b}'::text[]` for identifiers (event types, keys): only letters, digits and _ : . - */
export function textArray(values: readonly string[]): SQL {
  for (const v of values) if (!WORD.test(v)) throw new Error(`not an identifier: ${v}`);
  return sql`${`{${values.join(',')}}`}::text[]`;
}

/** `%`, `_` and `\` match themselves in a LIKE pattern (Postgres' default escape is the backslash). */
export const likeEscape = (s: string): string => s.replace(/[%_\\]/g, (x) => '\\' + x);

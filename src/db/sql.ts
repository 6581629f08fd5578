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

/**
 * The rows of `select(member)` for each of the members, each found by its own index lookup:
 * `unnest(ids) CROSS JOIN LATERAL (…)`, members in ascending numeric order (a `FOR UPDATE` inside
 * locks in (member, …) order, as `ORDER BY user_id, … FOR UPDATE` does). A hot-path statement is
 * prepared and soon planned once for any list (a generic plan), which cannot tell how long the list
 * is: `user_id = ANY(list)` on a guild's table was planned as a scan of all the guild's rows (every
 * wallet of the guild, every firing of a rule) filtered by member, for a batch of ten members. One
 * lookup per member costs what the members have, whatever the guild holds. `OFFSET 0` keeps the
 * subquery apart, so it is not merged into a join the planner may run as one scan.
 */
export function perMember(ids: readonly string[], select: (member: SQL) => SQL): SQL {
  const sorted = [...new Set(ids)].sort((a, b) => {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return sql`SELECT x.* FROM unnest(${bigintArray(sorted)}) AS m(id) CROSS JOIN LATERAL (${select(sql`m.id`)} OFFSET 0) AS x`;
}

const WORD = /^[A-Za-z0-9_:.-]+$/;

/** `'{a,b}'::text[]` for identifiers (event types, keys): only letters, digits and _ : . - */
export function textArray(values: readonly string[]): SQL {
  for (const v of values) if (!WORD.test(v)) throw new Error(`not an identifier: ${v}`);
  return sql`${`{${values.join(',')}}`}::text[]`;
}

/** `%`, `_` and `\` match themselves in a LIKE pattern (Postgres' default escape is the backslash). */
export const likeEscape = (s: string): string => s.replace(/[%_\\]/g, (x) => '\\' + x);

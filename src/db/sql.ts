// Small SQL fragments shared by the data path: lists passed as one JSON parameter, so a statement
// has the same text (and plan) whatever the number of items.
import { sql, type SQL } from 'drizzle-orm';

/** `(SELECT … FROM json)`: a subquery of bigint ids, for `col IN ${bigintList(ids)}`. */
export const bigintList = (ids: readonly string[]): SQL =>
  sql`(SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::bigint)`;

/** The same for integer ids. */
export const intList = (ids: readonly number[]): SQL =>
  sql`(SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::int)`;

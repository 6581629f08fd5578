// Reads issued together run as one statement: every statement costs a round trip and the driver's
// work, and a batch's reads (limit history, milestone counters, roles) do not depend on each other.
// A `Reader` collects the queries asked for in the same turn of the event loop and runs them as
// scalar subqueries of one SELECT, each query's rows coming back as one JSON array. Each row
// arrives as `to_json` makes it: columns under their names, numbers as numbers, text as strings,
// json/jsonb as values; queries cast what must stay exact (bigints) to text, as they do anyway.
// Row order within a query is not kept: callers that need an order sort.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from './client.ts';

/** Runs a read; the rows, in no particular order. */
export type Reader = <T>(query: SQL) => Promise<T[]>;

/** A reader that runs each query alone. */
export const readEach = (exec: Executor): Reader => (query) => queryRows(exec, query);

/** A reader that runs the queries asked for in one turn of the event loop as one statement. */
export function readTogether(exec: Executor): Reader {
  let pending: { query: SQL; resolve: (rows: unknown[]) => void; reject: (error: unknown) => void }[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    try {
      if (batch.length === 1) {
        batch[0]!.resolve(await queryRows(exec, batch[0]!.query));
        return;
      }
      const columns = batch.map(({ query }, i) => sql`(SELECT COALESCE(json_agg(x), '[]'::json) FROM (${query}) AS x) AS ${sql.raw(`r${i}`)}`);
      const [row] = await queryRows<Record<string, unknown>>(exec, sql`SELECT ${sql.join(columns, sql`, `)}`);
      batch.forEach(({ resolve }, i) => {
        const value = row?.[`r${i}`];
        resolve(Array.isArray(value) ? value : typeof value === 'string' ? (JSON.parse(value) as unknown[]) : []);
      });
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  };
  return <T>(query: SQL) =>
    new Promise<T[]>((resolve, reject) => {
      if (pending.length === 0) queueMicrotask(() => void flush());
      pending.push({ query, resolve: resolve as (rows: unknown[]) => void, reject });
    });
}

// Discord snowflakes exceed 2^53: `bigint` in SQL, decimal strings in TypeScript, never JS numbers.
import { customType } from 'drizzle-orm/pg-core';

export const snowflake = customType<{ data: string; driverData: string | bigint }>({
  dataType: () => 'bigint',
  toDriver: (value) => value,
  fromDriver: (value) => String(value),
});

/** A snowflake (or other Discord id) as a decimal string within signed 64-bit range. */
export const SNOWFLAKE_PATTERN = /^(0|[1-9][0-9]{0,18})$/;
const INT64_MAX = 9223372036854775807n;

export function isSnowflake(value: unknown): value is string {
  return typeof value === 'string' && SNOWFLAKE_PATTERN.test(value) && BigInt(value) <= INT64_MAX;
}

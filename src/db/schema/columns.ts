// Column helpers shared by the schema files: amounts are whole numbers, times carry their zone.
import { bigint, timestamp } from 'drizzle-orm/pg-core';

export const amount = (name: string) => bigint(name, { mode: 'number' });
export const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

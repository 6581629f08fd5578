// Discord gateway coordination between the processes of a cluster.
import { integer, pgTable } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';

/**
 * Discord's identify rate-limit buckets (`shard_id % max_concurrency`): a process claims a bucket
 * by moving `free_at` 5 s ahead, only if it had passed. No lock or connection is held meanwhile.
 */
export const gatewayIdentify = pgTable('gateway_identify', {
  bucket: integer('bucket').primaryKey(),
  freeAt: at('free_at').notNull(),
});

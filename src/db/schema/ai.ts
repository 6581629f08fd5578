// AI calls, the cost ledger behind budgets.
import { bigint, bigserial, index, integer, pgTable, text, varchar } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { snowflake } from '../snowflake.ts';

/** Every call to the AI model: what for, how big, how long, what it cost, how it ended. */
export const aiCalls = pgTable(
  'ai_calls',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    guildId: snowflake('guild_id'),
    feature: varchar('feature', { length: 32 }).notNull(),
    model: text('model').notNull(),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    responseTokens: integer('response_tokens').notNull().default(0),
    latencyMs: integer('latency_ms').notNull().default(0),
    /** Estimated cost in millionths of a US dollar (from the configured price table). */
    costMicros: bigint('cost_micros', { mode: 'number' }).notNull().default(0),
    /** ok | timeout | rate_limited | error | invalid_output | budget_exhausted | cached */
    outcome: varchar('outcome', { length: 20 }).notNull(),
    error: text('error'),
    at: at('at').notNull().defaultNow(),
  },
  (t) => [index('ai_calls_guild_time').on(t.guildId, t.at)],
);

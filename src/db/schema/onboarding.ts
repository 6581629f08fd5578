// Onboarding: each new member's way through the guild's flow (welcome, questionnaire, checklist)
// and the checklist steps they completed, once each.
import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, primaryKey, varchar } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { snowflake } from '../snowflake.ts';

/** A member who joined while the flow was on: when, how the welcome went, their answers, completion. */
export const onboardingMembers = pgTable(
  'onboarding_members',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    joinedAt: at('joined_at').notNull(),
    /** pending, sent (DM), channel, fallback (DM refused, posted in the channel), dm_refused (nowhere to fall back to), failed, skipped: see WelcomeStatus in src/onboarding/members.ts */
    welcomeStatus: varchar('welcome_status', { length: 12 }),
    welcomedAt: at('welcomed_at'),
    /** question key → chosen option keys */
    answers: jsonb('answers').$type<Record<string, string[]>>().notNull().default({}),
    answeredAt: at('answered_at'),
    /** The last step completed (or joining), for "stuck at a step". */
    lastProgressAt: at('last_progress_at').notNull(),
    completedAt: at('completed_at'),
    /** The member left before completing. */
    leftAt: at('left_at'),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.userId] }),
    index('onboarding_members_joined').on(t.guildId, t.joinedAt),
    // The panel's stuck list walks the members still on their way, longest without progress first.
    index('onboarding_members_open').on(t.guildId, t.lastProgressAt).where(sql`completed_at IS NULL AND left_at IS NULL`),
  ],
);

/** A checklist step a member completed; the primary key makes each step count once. */
export const onboardingSteps = pgTable(
  'onboarding_steps',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    step: varchar('step', { length: 48 }).notNull(),
    completedAt: at('completed_at').notNull(),
    /** The lake event that completed it (its source_id). */
    sourceId: varchar('source_id', { length: 200 }),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId, t.step] }), index('onboarding_steps_step').on(t.guildId, t.step)],
);

// Milestones and who reached them.
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, serial, text, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { snowflake } from '../snowflake.ts';
import { guilds } from './guilds.ts';

export const milestones = pgTable(
  'milestones',
  {
    id: serial('id').primaryKey(),
    guildId: snowflake('guild_id')
      .notNull()
      .references(() => guilds.id, { onDelete: 'cascade' }),
    key: varchar('key', { length: 64 }).notNull(),
    version: integer('version').notNull().default(1),
    enabled: boolean('enabled').notNull().default(true),
    /** The whole milestone template (validated by the milestone schema). */
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('milestones_guild_key').on(t.guildId, t.key)],
);

/** Awards: at most once per member per milestone per season (season 0 = lifetime scope). */
export const memberMilestones = pgTable(
  'member_milestones',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    milestoneId: integer('milestone_id')
      .notNull()
      .references(() => milestones.id, { onDelete: 'cascade' }),
    seasonId: integer('season_id').notNull().default(0),
    lakeEventId: bigint('lake_event_id', { mode: 'number' }),
    awardedBy: text('awarded_by'),
    earnedAt: at('earned_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.userId, t.milestoneId, t.seasonId] }),
    index('member_milestones_recent').on(t.guildId, t.earnedAt),
  ],
);

export type MilestoneRow = typeof milestones.$inferSelect;

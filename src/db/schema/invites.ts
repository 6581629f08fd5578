// Invites (issue 18): how each member joined, as the invite tracker worked it out on their join
// (src/discord/invites.ts), for the inviters' leaderboard, /invites and the leave event that may
// take an invite reward back.
import { index, pgTable, primaryKey, varchar } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { snowflake } from '../snowflake.ts';

export const memberInvites = pgTable(
  'member_invites',
  {
    guildId: snowflake('guild_id').notNull(),
    userId: snowflake('user_id').notNull(),
    /** 'code', 'vanity' or 'unknown'. */
    via: varchar('via', { length: 16 }).notNull(),
    inviteCode: varchar('invite_code', { length: 32 }),
    inviterId: snowflake('inviter_id'),
    joinedAt: at('joined_at').notNull(),
    leftAt: at('left_at'),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId] }), index('member_invites_inviter').on(t.guildId, t.inviterId)],
);

// The inviters' leaderboard and one member's invites (issue 18), from member_invites: how many
// members each member's invites brought in, how many of them are still here, and how many left
// within a week (the usual mark of fake invites).
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';

export interface InviterLine {
  inviter_id: string;
  invited: number;
  still_here: number;
  left_within_a_week: number;
}

export async function topInviters(db: Db, guildId: string, limit = 10): Promise<InviterLine[]> {
  return (await queryRows<InviterLine>(db, sql`
    SELECT inviter_id::text AS inviter_id, count(*)::int AS invited, count(*) FILTER (WHERE left_at IS NULL)::int AS still_here,
           count(*) FILTER (WHERE left_at IS NOT NULL AND left_at < joined_at + interval '7 days')::int AS left_within_a_week
    FROM member_invites WHERE guild_id = ${guildId} AND inviter_id IS NOT NULL AND inviter_id > 0
    GROUP BY inviter_id ORDER BY still_here DESC, invited DESC, inviter_id LIMIT ${limit}`));
}

export interface MemberInvites extends InviterLine {
  /** How the member themself joined. */
  joined_via: { via: string; invite_code: string | null; inviter_id: string | null } | null;
}

export async function invitesOf(db: Db, guildId: string, userId: string): Promise<MemberInvites> {
  const [line] = await queryRows<InviterLine>(db, sql`
    SELECT ${userId}::text AS inviter_id, count(*)::int AS invited, count(*) FILTER (WHERE left_at IS NULL)::int AS still_here,
           count(*) FILTER (WHERE left_at IS NOT NULL AND left_at < joined_at + interval '7 days')::int AS left_within_a_week
    FROM member_invites WHERE guild_id = ${guildId} AND inviter_id = ${userId}`);
  const [own] = await queryRows<{ via: string; invite_code: string | null; inviter_id: string | null }>(db, sql`
    SELECT via, invite_code, inviter_id::text AS inviter_id FROM member_invites WHERE guild_id = ${guildId} AND user_id = ${userId}`);
  return { ...(line ?? { inviter_id: userId, invited: 0, still_here: 0, left_within_a_week: 0 }), joined_via: own ?? null };
}

export interface JoinLine {
  user_id: string;
  /** 'code', 'vanity' or 'unknown'. */
  via: string;
  invite_code: string | null;
  inviter_id: string | null;
  joined_at: string;
  left_at: string | null;
}

/** How members joined, newest first: all of the guild's recorded joins, or those one member's invites brought. */
export async function recentJoins(db: Db, guildId: string, options: { inviterId?: string; limit?: number } = {}): Promise<JoinLine[]> {
  const byInviter = options.inviterId ? sql`AND inviter_id = ${options.inviterId}` : sql``;
  const rows = await queryRows<Omit<JoinLine, 'joined_at' | 'left_at'> & { joined_at: Date | string; left_at: Date | string | null }>(db, sql`
    SELECT user_id::text AS user_id, via, invite_code, inviter_id::text AS inviter_id, joined_at, left_at
    FROM member_invites WHERE guild_id = ${guildId} ${byInviter}
    ORDER BY joined_at DESC, user_id LIMIT ${options.limit ?? 50}`);
  // The drivers hand timestamps back differently (Date, or text): ISO strings either way.
  return rows.map((r) => ({ ...r, joined_at: new Date(r.joined_at).toISOString(), left_at: r.left_at === null ? null : new Date(r.left_at).toISOString() }));
}

// A member's choice to be left out of announcements (members.announce_opt_out), set with
// `/settings announcements off`: milestone announcements and rule messages on their level-ups and
// milestones skip them; the rewards themselves are unchanged.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';

export interface AnnouncementsChange {
  /** Announced before the change (a member Cairn had no row for was). */
  before: boolean;
  after: boolean;
}

/** Records whether the member is announced; creates the member's row if Cairn had none. */
export async function setAnnouncements(exec: Executor, guildId: string, userId: string, announced: boolean): Promise<AnnouncementsChange> {
  const [previous] = await queryRows<{ opt_out: boolean }>(exec, sql`SELECT announce_opt_out AS opt_out FROM members WHERE guild_id = ${guildId} AND user_id = ${userId} FOR UPDATE`);
  await exec.execute(sql`
    INSERT INTO members (guild_id, user_id, announce_opt_out) VALUES (${guildId}, ${userId}, ${!announced})
    ON CONFLICT (guild_id, user_id) DO UPDATE SET announce_opt_out = EXCLUDED.announce_opt_out, updated_at = now()`);
  return { before: !(previous?.opt_out ?? false), after: announced };
}

// Recorded joins for tests of invite tracking's readers (the leaderboard, /invites, the panel), made
// by the real InviteTracker over a stand-in for Discord's invites route: a join through an invite
// makes its use count go up, a vanity join moves none on a guild with a vanity URL, an unknown one
// finds the invites unreadable (no Manage Server). A leave is marked as the bot marks it.
import type { REST } from 'discord.js';
import type { Db } from '../../src/db/client.ts';
import { InviteTracker } from '../../src/discord/invites.ts';
import { silentLogger } from '../../src/log/logger.ts';

export interface RecordedJoin {
  userId: string;
  via: 'code' | 'vanity' | 'unknown';
  /** With via 'code': the invite used and who made it. */
  code?: string;
  inviterId?: string;
  joinedAt: string;
  leftAt?: string;
}

export async function recordJoins(db: Db, guildId: string, joins: RecordedJoin[]): Promise<void> {
  const invites = new Map<string, { code: string; uses: number; max_uses: number; inviter: { id: string } | null }>();
  let readable = true;
  let vanity = false;
  const rest = {
    get: async () => {
      if (!readable) throw new Error('Missing Permissions');
      return [...invites.values()].map((i) => ({ ...i }));
    },
  } as unknown as REST;
  const tracker = new InviteTracker(rest, db, silentLogger, () => vanity);
  for (const join of joins) {
    readable = true;
    vanity = join.via === 'vanity';
    if (join.via === 'code' && !invites.has(join.code!)) invites.set(join.code!, { code: join.code!, uses: 0, max_uses: 0, inviter: join.inviterId ? { id: join.inviterId } : null });
    await tracker.prime(guildId);
    if (join.via === 'code') invites.get(join.code!)!.uses += 1;
    if (join.via === 'unknown') readable = false;
    const source = await tracker.joined(guildId, join.userId, join.joinedAt);
    if (source.invite !== join.via) throw new Error(`the tracker saw ${source.invite} for a ${join.via} join`);
    if (join.leftAt) await tracker.leaving(guildId, join.userId, new Date(join.leftAt));
  }
}

// Which invite a member joined with (issue 18). Discord does not say: Cairn keeps each guild's
// invites and their use counts (read when the guild becomes available, kept by INVITE_CREATE and
// INVITE_DELETE) and, on a join, reads them again: the invite whose uses went up is the one. A
// one-use invite is deleted by the join that uses it, so an invite that vanished one use short of
// its limit counts too. Otherwise the join came through the vanity URL (when the guild has one) or
// is unknown (Cairn lacks Manage Server, or several invites moved at once). Joins of one guild are
// worked out one at a time, in order, each comparing with what the one before left.
import { Routes } from 'discord.js';
import type { REST } from 'discord.js';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';
import type { Logger } from '../log/logger.ts';
import { GuildTurns } from './guild-turns.ts';

export interface JoinSource {
  invite: 'code' | 'vanity' | 'unknown';
  invite_code: string | null;
  inviter_id: string | null;
}

interface KnownInvite {
  uses: number;
  maxUses: number;
  inviterId: string | null;
}

type InviteList = Map<string, KnownInvite>;

const UNKNOWN: JoinSource = { invite: 'unknown', invite_code: null, inviter_id: null };

/** A guild invite as Discord's REST and gateway give it (only the fields Cairn reads). */
interface ApiInvite {
  code?: unknown;
  uses?: unknown;
  max_uses?: unknown;
  inviter?: { id?: unknown } | null;
}

function toKnown(raw: ApiInvite): [string, KnownInvite] | undefined {
  if (typeof raw.code !== 'string' || raw.code.length === 0 || raw.code.length > 32) return undefined;
  const inviter = raw.inviter && typeof raw.inviter.id === 'string' && /^\d{1,20}$/.test(raw.inviter.id) ? raw.inviter.id : null;
  return [raw.code, { uses: typeof raw.uses === 'number' ? raw.uses : 0, maxUses: typeof raw.max_uses === 'number' ? raw.max_uses : 0, inviterId: inviter }];
}

export class InviteTracker {
  /** Per guild, its invites as last seen; absent: not read yet, or not readable (no permission). */
  readonly #invites = new Map<string, InviteList>();
  /** Invites deleted since the last join, kept to recognise a one-use invite used up by it. */
  readonly #deleted = new Map<string, InviteList>();
  readonly #turns = new GuildTurns();

  constructor(
    private readonly rest: REST,
    private readonly db: Db,
    private readonly logger: Logger,
    /** Whether the guild has a vanity URL (from the client's guild cache). */
    private readonly hasVanity: (guildId: string) => boolean = () => false,
  ) {}

  /** Reads a guild's invites (when it becomes available); a refusal leaves it untracked. */
  prime(guildId: string): Promise<void> {
    return this.#turns.run(guildId, async () => {
      const list = await this.#read(guildId);
      if (list) this.#invites.set(guildId, list);
      else this.#invites.delete(guildId);
    });
  }

  created(guildId: string, raw: ApiInvite): void {
    const known = toKnown(raw);
    if (known) this.#invites.get(guildId)?.set(known[0], known[1]);
  }

  deleted(guildId: string, code: string): void {
    const list = this.#invites.get(guildId);
    const invite = list?.get(code);
    if (!list || !invite) return;
    list.delete(code);
    let gone = this.#deleted.get(guildId);
    if (!gone) this.#deleted.set(guildId, (gone = new Map()));
    gone.set(code, invite);
  }

  /** How the member who just joined came in; recorded for /invites and their leave. */
  joined(guildId: string, userId: string, joinedAt: string): Promise<JoinSource> {
    return this.#turns.run(guildId, async () => {
      const before = this.#invites.get(guildId);
      const now = await this.#read(guildId);
      if (now) this.#invites.set(guildId, now);
      const gone = this.#deleted.get(guildId) ?? new Map<string, KnownInvite>();
      this.#deleted.delete(guildId);
      const source = before && now ? compare(before, now, gone, this.hasVanity(guildId)) : UNKNOWN;
      try {
        await this.db.execute(sql`INSERT INTO member_invites (guild_id, user_id, via, invite_code, inviter_id, joined_at)
          VALUES (${guildId}, ${userId}, ${source.invite}, ${source.invite_code}, ${source.inviter_id}, ${joinedAt})
          ON CONFLICT (guild_id, user_id) DO UPDATE SET via = excluded.via, invite_code = excluded.invite_code,
            inviter_id = excluded.inviter_id, joined_at = excluded.joined_at, left_at = NULL
          WHERE member_invites.joined_at <> excluded.joined_at`);
      } catch (error) {
        this.logger.warn({ err: error, guildId }, 'could not record how a member joined');
      }
      return source;
    });
  }

  /** Who invited a member who is leaving (as their join said), and marks the leave. */
  async leaving(guildId: string, userId: string, at: Date): Promise<{ inviterId: string | null }> {
    try {
      const [row] = await queryRows<{ inviter_id: string | null }>(this.db, sql`UPDATE member_invites SET left_at = ${at.toISOString()}
        WHERE guild_id = ${guildId} AND user_id = ${userId} RETURNING inviter_id::text AS inviter_id`);
      return { inviterId: row?.inviter_id ?? null };
    } catch (error) {
      this.logger.warn({ err: error, guildId }, 'could not read how a leaving member joined');
      return { inviterId: null };
    }
  }

  forget(guildId: string): void {
    this.#invites.delete(guildId);
    this.#deleted.delete(guildId);
  }

  async #read(guildId: string): Promise<InviteList | undefined> {
    try {
      const raw = (await this.rest.get(Routes.guildInvites(guildId))) as ApiInvite[];
      return new Map((Array.isArray(raw) ? raw : []).map(toKnown).filter((k): k is [string, KnownInvite] => k !== undefined));
    } catch (error) {
      // Usually 403: Cairn lacks Manage Server here; joins are then said to be of unknown origin.
      this.logger.debug({ err: error, guildId }, 'guild invites not readable');
      return undefined;
    }
  }

}

/** The invite a join used, from the invites before and after it (and those deleted meanwhile). */
export function compare(before: InviteList, after: InviteList, deleted: InviteList, hasVanity: boolean): JoinSource {
  const used: [string, KnownInvite][] = [];
  for (const [code, invite] of after) {
    const was = before.get(code);
    if (invite.uses > (was?.uses ?? 0)) used.push([code, invite]);
  }
  if (used.length === 0) {
    // A one-use (or last-use) invite disappears when used: one short of its limit before.
    for (const [code, invite] of deleted) if (invite.maxUses > 0 && invite.uses === invite.maxUses - 1) used.push([code, invite]);
  }
  if (used.length === 1) return { invite: 'code', invite_code: used[0]![0], inviter_id: used[0]![1].inviterId };
  if (used.length === 0 && hasVanity) return { invite: 'vanity', invite_code: null, inviter_id: null };
  return UNKNOWN;
}

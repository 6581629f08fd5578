// Members: GUILD_MEMBER_ADD → member_join (source join:<guild>:<user>:<joined ms>, so a join
// replayed after a resume is the same occurrence), GUILD_MEMBER_REMOVE → member_leave, and the
// member records that keep the members table (names, avatars, roles for rule filters) in step.
import { z } from 'zod';
import { memberAvatarUrl, userAvatarUrl } from './cdn.ts';
import { GatewayMember, GatewayUser, isoTime, Snowflake } from './gateway-schemas.ts';
import { storableName } from './names.ts';
import { accept, parsePayload, problemsOf, skip, type Normalized } from './result.ts';
import { snowflakeTime } from './snowflake.ts';
import type { JoinSource } from '../invites.ts';

export interface MemberRecord {
  guildId: string;
  userId: string;
  /** What the guild shows: the nickname, else the global display name, else the username. */
  displayName: string | null;
  username: string | null;
  /** The guild avatar, else the account's; null draws initials. */
  avatarUrl: string | null;
  roles: string[];
  isBot: boolean;
  /** ISO time, when Discord said. */
  joinedAt: string | null;
}

export function memberRecord(guildId: string, member: GatewayMember): MemberRecord {
  return {
    guildId,
    userId: member.user.id,
    displayName: storableName(member.nick) ?? storableName(member.user.global_name) ?? storableName(member.user.username),
    username: storableName(member.user.username),
    avatarUrl: memberAvatarUrl(guildId, member.user.id, member.avatar) ?? userAvatarUrl(member.user.id, member.user.avatar),
    roles: member.roles,
    isBot: member.user.bot ?? false,
    joinedAt: isoTime(member.joined_at) ?? null,
  };
}

const MemberInGuild = GatewayMember.extend({ guild_id: Snowflake });

/** GUILD_MEMBER_ADD and GUILD_MEMBER_UPDATE carry a member and its guild. */
export function parseGuildMember(data: unknown): { ok: true; record: MemberRecord } | { ok: false; problems: string[] } {
  const parsed = parsePayload(MemberInGuild, data);
  if (!parsed.ok) return parsed;
  return { ok: true, record: memberRecord(parsed.value.guild_id, parsed.value) };
}

const MemberList = z.object({ members: z.array(z.unknown()).default([]) });

/** Members of GUILD_CREATE or GUILD_MEMBERS_CHUNK; malformed entries are reported, the rest kept. */
export function parseMemberList(guildId: string, data: unknown): { records: MemberRecord[]; problems: string[] } {
  const list = MemberList.safeParse(data);
  if (!list.success) return { records: [], problems: ['members: must be an array'] };
  const records: MemberRecord[] = [];
  const problems: string[] = [];
  list.data.members.forEach((raw, i) => {
    const member = GatewayMember.safeParse(raw);
    if (member.success) records.push(memberRecord(guildId, member.data));
    else problems.push(...problemsOf(member.error).map((p) => `members.${i}.${p}`));
  });
  return { records, problems };
}

const DAY_MS = 86_400_000;

/** `source`: which invite it was (discord/invites.ts); the inviter becomes the event's target. */
export function normalizeMemberJoin(data: unknown, source?: JoinSource): Normalized {
  const parsed = parseGuildMember(data);
  if (!parsed.ok) return parsed;
  const m = parsed.record;
  if (m.isBot) return skip('bot member');
  if (!m.joinedAt) return { ok: false, problems: ['joined_at: is required for a new member'] };
  const accountAgeDays = Math.max(0, Math.floor((Date.parse(m.joinedAt) - snowflakeTime(m.userId)) / DAY_MS));
  return accept({
    source_id: `join:${m.guildId}:${m.userId}:${Date.parse(m.joinedAt)}`,
    type: 'member_join',
    guild_id: m.guildId,
    actor_id: m.userId,
    target_id: source?.inviter_id && source.inviter_id !== m.userId ? source.inviter_id : null,
    channel_id: null,
    occurred_at: m.joinedAt,
    data: { joined_at: m.joinedAt, account_age_days: Math.min(accountAgeDays, 100_000), ...(source ?? {}) },
  });
}

const MemberRemove = z.object({ guild_id: Snowflake, user: GatewayUser });

export function parseMemberRemove(data: unknown): { ok: true; guildId: string; userId: string; isBot: boolean } | { ok: false; problems: string[] } {
  const parsed = parsePayload(MemberRemove, data);
  if (!parsed.ok) return parsed;
  return { ok: true, guildId: parsed.value.guild_id, userId: parsed.value.user.id, isBot: parsed.value.user.bot ?? false };
}

export interface LeaveContext {
  /** When the gateway delivered it (the payload carries no time). */
  occurredAt: string;
  /** When the membership that ends began (cache or members table): makes the source id stable. */
  joinedAt: string | null;
  /** Who invited them, as their join said (the leave's target: a rule may take the reward back). */
  inviterId?: string | null;
}

export function normalizeMemberLeave(data: unknown, context: LeaveContext): Normalized {
  const parsed = parseMemberRemove(data);
  if (!parsed.ok) return parsed;
  if (parsed.isBot) return skip('bot member');
  // Without the join time, the leave is keyed by its minute: a replay within the resume window
  // still lands on the same occurrence.
  const key = context.joinedAt ? String(Date.parse(context.joinedAt)) : `t${Math.floor(Date.parse(context.occurredAt) / 60_000)}`;
  return accept({
    source_id: `leave:${parsed.guildId}:${parsed.userId}:${key}`,
    type: 'member_leave',
    guild_id: parsed.guildId,
    actor_id: parsed.userId,
    target_id: context.inviterId && context.inviterId !== parsed.userId ? context.inviterId : null,
    channel_id: null,
    occurred_at: new Date(context.occurredAt).toISOString(),
    data: {
      ...(context.joinedAt ? { joined_at: context.joinedAt, member_days: Math.max(0, Math.floor((Date.parse(context.occurredAt) - Date.parse(context.joinedAt)) / DAY_MS)) } : {}),
      ...(context.inviterId ? { inviter_id: context.inviterId } : {}),
    },
  });
}

// member_join / member_leave and member records from GUILD_MEMBER_* payloads.
import { describe, expect, it } from 'vitest';
import { normalizeMemberJoin, normalizeMemberLeave, parseGuildMember, parseMemberList } from '../../../src/discord/normalize/member.ts';
import { messageAuthorRecord } from '../../../src/discord/normalize/message-author.ts';
import { ALICE, BOB, GUILD, MOD_ROLE, imageHash, member, message, user } from '../support/payloads.ts';

const JOINED = '2026-11-22T08:30:00.123000+00:00';

describe('member normalizers', () => {
  it('keys a join by guild, member and join time, so a replayed join is the same occurrence', () => {
    const payload = { ...member(ALICE, { joined_at: JOINED }), guild_id: GUILD };
    const first = normalizeMemberJoin(payload);
    expect(first).toEqual({
      ok: true,
      event: {
        source_id: `join:${GUILD}:${ALICE}:${Date.parse(JOINED)}`,
        type: 'member_join',
        guild_id: GUILD,
        actor_id: ALICE,
        target_id: null,
        channel_id: null,
        occurred_at: '2026-11-22T08:30:00.123Z',
        // ALICE's id was minted in 2019: the account's age at the join, in whole days.
        data: { joined_at: '2026-11-22T08:30:00.123Z', account_age_days: Math.floor((Date.parse(JOINED) - (Number(BigInt(ALICE) >> 22n) + 1420070400000)) / 86_400_000) },
      },
    });
    expect(normalizeMemberJoin(structuredClone(payload))).toEqual(first);
  });

  it('names the invite a join used, with the inviter as the target', () => {
    const payload = { ...member(ALICE, { joined_at: JOINED }), guild_id: GUILD };
    expect(normalizeMemberJoin(payload, { invite: 'code', invite_code: 'abc', inviter_id: BOB })).toMatchObject({
      event: { target_id: BOB, data: { invite: 'code', invite_code: 'abc', inviter_id: BOB } },
    });
    // Inviting oneself (an invite made before leaving and rejoining) is no inviter to reward.
    expect(normalizeMemberJoin(payload, { invite: 'code', invite_code: 'abc', inviter_id: ALICE })).toMatchObject({ event: { target_id: null } });
    expect(normalizeMemberJoin(payload, { invite: 'vanity', invite_code: null, inviter_id: null })).toMatchObject({ event: { target_id: null, data: { invite: 'vanity' } } });
  });

  it('gives a leave the days of membership and, when known, the inviter as target', () => {
    const leave = normalizeMemberLeave({ guild_id: GUILD, user: user(ALICE) }, { occurredAt: '2026-11-25T12:00:00.000Z', joinedAt: '2026-11-22T08:30:00.123Z', inviterId: BOB });
    expect(leave).toMatchObject({ event: { target_id: BOB, data: { joined_at: '2026-11-22T08:30:00.123Z', member_days: 3, inviter_id: BOB } } });
  });

  it('skips bots joining, but keeps their member record', () => {
    const payload = { ...member(BOB, { user: { bot: true } }), guild_id: GUILD };
    expect(normalizeMemberJoin(payload)).toMatchObject({ event: null, skipped: 'bot member' });
    expect(parseGuildMember(payload)).toMatchObject({ ok: true, record: { userId: BOB, isBot: true } });
  });

  it('keys a leave by the membership it ends', () => {
    const leave = normalizeMemberLeave({ guild_id: GUILD, user: user(ALICE) }, { occurredAt: '2026-11-22T12:00:00.000Z', joinedAt: '2026-11-22T08:30:00.123Z' });
    expect(leave).toMatchObject({ ok: true, event: { source_id: `leave:${GUILD}:${ALICE}:${Date.parse(JOINED)}`, type: 'member_leave', occurred_at: '2026-11-22T12:00:00.000Z' } });
    const unknown = normalizeMemberLeave({ guild_id: GUILD, user: user(ALICE) }, { occurredAt: '2026-11-22T12:00:30.000Z', joinedAt: null });
    expect(unknown.ok && unknown.event?.source_id).toBe(`leave:${GUILD}:${ALICE}:t${Math.floor(Date.parse('2026-11-22T12:00:30Z') / 60_000)}`);
  });

  it('builds member records with roles, the shown name and the join time', () => {
    const { records, problems } = parseMemberList(GUILD, { members: [member(ALICE, { nick: 'Ali', roles: [MOD_ROLE] }), member(BOB, { user: { global_name: 'Bobby' } }), { user: {} }] });
    expect(records).toEqual([
      { guildId: GUILD, userId: ALICE, displayName: 'Ali', username: 'user5432', avatarUrl: null, roles: [MOD_ROLE], isBot: false, joinedAt: '2026-01-01T00:00:00.000Z' },
      { guildId: GUILD, userId: BOB, displayName: 'Bobby', username: 'user5433', avatarUrl: null, roles: [], isBot: false, joinedAt: '2026-01-01T00:00:00.000Z' },
    ]);
    expect(problems).toEqual(['members.2.user.id: is required']);
  });

  it('reports a member payload without its user', () => {
    expect(normalizeMemberJoin({ guild_id: GUILD, roles: [] })).toMatchObject({ ok: false, problems: ['user: Invalid input: expected object, received undefined'] });
  });

  it('takes the guild avatar before the account avatar, as Discord shows them', () => {
    const guildAvatar = imageHash('guild'), userAvatar = imageHash('user');
    const both = parseGuildMember({ ...member(ALICE, { avatar: guildAvatar, user: { avatar: userAvatar } }), guild_id: GUILD });
    expect(both).toMatchObject({ ok: true, record: { avatarUrl: `https://cdn.discordapp.com/guilds/${GUILD}/users/${ALICE}/avatars/${guildAvatar}.png?size=256` } });
    const own = parseGuildMember({ ...member(ALICE, { user: { avatar: `a_${userAvatar}` } }), guild_id: GUILD });
    expect(own).toMatchObject({ ok: true, record: { avatarUrl: `https://cdn.discordapp.com/avatars/${ALICE}/a_${userAvatar}.png?size=256` } });
  });

  it('never splices a hostile avatar hash into a URL, and keeps the member', () => {
    for (const avatar of ['../../evil', 'x'.repeat(10_000), 42, { a: 1 }]) {
      const parsed = parseGuildMember({ ...member(ALICE, { avatar, user: { avatar } }), guild_id: GUILD });
      expect(parsed).toMatchObject({ ok: true, record: { userId: ALICE, avatarUrl: null } });
    }
  });

  it('cleans names Postgres cannot store instead of losing the member (NUL, lone surrogates, 10k characters)', () => {
    const parsed = parseGuildMember({ ...member(ALICE, { nick: 'Al\u0000i\ud800', user: { username: 'a'.repeat(10_000) } }), guild_id: GUILD });
    expect(parsed).toMatchObject({ ok: true, record: { displayName: 'Ali', username: 'a'.repeat(100) } });
    const empty = parseGuildMember({ ...member(ALICE, { nick: '\u0000', user: { global_name: 'Alice' } }), guild_id: GUILD });
    expect(empty).toMatchObject({ ok: true, record: { displayName: 'Alice' } });
  });

  it("reads a message author's name and avatar only when the message says them", () => {
    const hash = imageHash('alice');
    expect(messageAuthorRecord(message({ author: ALICE, nick: 'Ali', authorUser: { avatar: hash } }))).toMatchObject({
      guildId: GUILD,
      userId: ALICE,
      displayName: 'Ali',
      avatarUrl: `https://cdn.discordapp.com/avatars/${ALICE}/${hash}.png?size=256`,
    });
    const { nick: _nick, ...withoutNick } = message({ author: ALICE }).member as Record<string, unknown>;
    expect(messageAuthorRecord({ ...message({ author: ALICE }), member: withoutNick })).toBeNull();
    expect(messageAuthorRecord(message({ author: ALICE, guild: null }))).toBeNull();
    expect(messageAuthorRecord({ ...message({ author: ALICE }), webhook_id: '1111111111111111199' })).toBeNull();
    expect(messageAuthorRecord({ ...message({ author: ALICE }), author: { id: 'not-a-snowflake' } })).toBeNull();
  });
});

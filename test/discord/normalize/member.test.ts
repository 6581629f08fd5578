// member_join / member_leave and member records from GUILD_MEMBER_* payloads.
import { describe, expect, it } from 'vitest';
import { normalizeMemberJoin, normalizeMemberLeave, parseGuildMember, parseMemberList } from '../../../src/discord/normalize/member.ts';
import { ALICE, BOB, GUILD, MOD_ROLE, member, user } from '../support/payloads.ts';

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
        data: { joined_at: '2026-11-22T08:30:00.123Z' },
      },
    });
    expect(normalizeMemberJoin(structuredClone(payload))).toEqual(first);
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
      { guildId: GUILD, userId: ALICE, displayName: 'Ali', roles: [MOD_ROLE], isBot: false, joinedAt: '2026-01-01T00:00:00.000Z' },
      { guildId: GUILD, userId: BOB, displayName: 'Bobby', roles: [], isBot: false, joinedAt: '2026-01-01T00:00:00.000Z' },
    ]);
    expect(problems).toEqual(['members.2.user.id: is required']);
  });

  it('reports a member payload without its user', () => {
    expect(normalizeMemberJoin({ guild_id: GUILD, roles: [] })).toMatchObject({ ok: false, problems: ['user: Invalid input: expected object, received undefined'] });
  });
});

// Invite rewards (issue 18) through the real discord.js client against the fake Discord: the bot
// reads each guild's invites (GET /guilds/:id/invites), keeps them by INVITE_CREATE, and on a join
// tells which invite went up: the member_join event carries invite_code and inviter_id (the target),
// so a rule credits the inviter, once; a quick leave's member_leave (member_days, the inviter as
// target) lets another rule take it back. Vanity and unknown joins are said as such.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { lakeEvents, memberInvites } from '../../src/db/schema.ts';
import { balances, saveRules, until, waitForLake } from './support/harness.ts';
import { OptionType, runCommand } from './support/interactions.ts';
import { useBot } from './support/use-bot.ts';
import { ALICE, BOB, GUILD, member } from './support/payloads.ts';

const ctx = useBot({ preset: 'classic', app: true });
const NEWCOMER = '1200000000000000001';
const SECOND = '1200000000000000002';
const OLD_ACCOUNT_JOIN = '2026-11-22T08:00:00.000000+00:00';

const REWARD = {
  key: 'invites.reward', name: 'Invite reward', trigger: { events: ['member_join'] },
  conditions: [
    { name: 'joined through an invite', if: { '==': [{ var: 'event.data.invite' }, 'code'] } },
    { name: 'an account at least a week old', if: { '>=': [{ var: 'event.data.account_age_days' }, 7] } },
  ],
  effects: [{ type: 'credit', to: 'target', currency: 'gold', amount: 10, reason: 'invited a member' }],
};
const CLAWBACK = {
  key: 'invites.clawback', name: 'Quick leave takes the invite reward back', trigger: { events: ['member_leave'] },
  conditions: [
    { name: 'was invited', if: { '!!': [{ var: 'event.data.inviter_id' }] } },
    { name: 'left within a week', if: { '<': [{ var: 'event.data.member_days' }, 7] } },
  ],
  effects: [{ type: 'debit', from: 'target', currency: 'gold', amount: 10, reason: 'the invited member left within a week' }],
};

async function tracked(invites: { code: string; uses: number; max_uses: number; inviter: { id: string } | null }[]) {
  const reads = () => ctx.harness.fake.requests.filter((r) => r.path === `/guilds/${GUILD}/invites`).length;
  // The read of the bot's start (refused: no invites yet) is done before the guild's are set.
  await until(() => reads() >= 1, 5_000, 'the first invites read');
  ctx.harness.fake.invites.set(GUILD, invites);
  const before = reads();
  // The guild becomes available again: the bot reads its invites.
  ctx.harness.fake.dispatch('GUILD_CREATE', ctx.harness.fake.guilds.find((g) => g.id === GUILD));
  await until(() => reads() > before, 5_000, 'invites read');
}

const joinOf = async (userId: string) => (await ctx.database.db.select().from(lakeEvents).where(and(eq(lakeEvents.type, 'member_join'), eq(lakeEvents.actorId, userId))))[0];

describe('invite tracking', () => {
  it('credits the inviter once for a join through their invite, and a quick leave takes it back', async () => {
    await saveRules(ctx.database, [REWARD, CLAWBACK]);
    await tracked([{ code: 'alice1', uses: 3, max_uses: 0, inviter: { id: ALICE } }, { code: 'other', uses: 1, max_uses: 0, inviter: null }]);
    ctx.harness.fake.invites.get(GUILD)![0]!.uses = 4; // the join uses Alice's invite
    const join = { ...member(NEWCOMER, { joined_at: new Date(Date.now() - 3_600_000).toISOString() }), guild_id: GUILD };
    ctx.harness.fake.dispatch('GUILD_MEMBER_ADD', join);
    await waitForLake(ctx.harness, ctx.database, 1, 'member_join');
    expect(await joinOf(NEWCOMER)).toMatchObject({ targetId: ALICE, data: { invite: 'code', invite_code: 'alice1', inviter_id: ALICE } });
    await until(async () => (await balances(ctx.database, ALICE)).gold === 10, 5_000, 'Alice credited');
    // The same join replayed (a resume) is not paid again.
    ctx.harness.fake.dispatch('GUILD_MEMBER_ADD', join);
    await new Promise((r) => setTimeout(r, 300));
    await ctx.harness.bot.events.flush();
    expect((await balances(ctx.database, ALICE)).gold).toBe(10);
    expect(await ctx.database.db.select().from(memberInvites).where(eq(memberInvites.userId, NEWCOMER))).toMatchObject([{ via: 'code', inviteCode: 'alice1', inviterId: ALICE }]);

    // They leave an hour after joining: the leave names the inviter and the reward goes back.
    ctx.harness.fake.dispatch('GUILD_MEMBER_REMOVE', { guild_id: GUILD, user: { id: NEWCOMER, username: 'new', discriminator: '0', avatar: null } });
    await waitForLake(ctx.harness, ctx.database, 1, 'member_leave');
    const [leave] = await ctx.database.db.select().from(lakeEvents).where(eq(lakeEvents.type, 'member_leave'));
    expect(leave).toMatchObject({ actorId: NEWCOMER, targetId: ALICE, data: { inviter_id: ALICE, member_days: 0 } });
    await until(async () => (await balances(ctx.database, ALICE)).gold === undefined, 5_000, 'Alice\'s invite reward taken back');

    // The inviters' leaderboard and /invites say it: one invited, none still here, one gone within a week.
    const board = await ctx.api.request(`/api/guilds/${GUILD}/invites`);
    expect(await board.json()).toEqual({ inviters: [{ inviter_id: ALICE, invited: 1, still_here: 0, left_within_a_week: 1 }] });
    const top = await runCommand(ctx.harness, 'invites', [], { id: BOB });
    expect(top.data.embeds[0]!.description).toContain(`<@${ALICE}> — 0 still here of 1 invited · 1 left within a week`);
    const hers = await runCommand(ctx.harness, 'invites', [{ name: 'member', type: OptionType.USER, value: NEWCOMER }], { id: BOB });
    expect(hers.data.embeds[0]!.description).toContain(`Joined with invite \`alice1\` from <@${ALICE}>`);
  });

  it('recognises a one-use invite used up by the join, and says unknown when nothing tells', async () => {
    await saveRules(ctx.database, [REWARD]);
    await tracked([{ code: 'once', uses: 0, max_uses: 1, inviter: { id: ALICE } }]);
    // Discord deletes a one-use invite as it is used.
    ctx.harness.fake.invites.set(GUILD, []);
    ctx.harness.fake.dispatch('INVITE_DELETE', { guild_id: GUILD, code: 'once', channel_id: '1' });
    await new Promise((r) => setTimeout(r, 100));
    ctx.harness.fake.dispatch('GUILD_MEMBER_ADD', { ...member(NEWCOMER, { joined_at: OLD_ACCOUNT_JOIN }), guild_id: GUILD });
    await waitForLake(ctx.harness, ctx.database, 1, 'member_join');
    expect(await joinOf(NEWCOMER)).toMatchObject({ targetId: ALICE, data: { invite: 'code', invite_code: 'once' } });
    // Nothing moved for the next join: unknown, nobody credited for it.
    ctx.harness.fake.dispatch('GUILD_MEMBER_ADD', { ...member(SECOND, { joined_at: OLD_ACCOUNT_JOIN }), guild_id: GUILD });
    await waitForLake(ctx.harness, ctx.database, 2, 'member_join');
    expect(await joinOf(SECOND)).toMatchObject({ targetId: null, data: { invite: 'unknown', invite_code: null, inviter_id: null } });
    await until(async () => (await balances(ctx.database, ALICE)).gold === 10, 5_000, 'Alice credited once');
  });

  it('pays nothing for a young account (a likely fake invite): the condition reads account_age_days', async () => {
    await saveRules(ctx.database, [REWARD]);
    await tracked([{ code: 'alice1', uses: 0, max_uses: 0, inviter: { id: ALICE } }]);
    ctx.harness.fake.invites.get(GUILD)![0]!.uses = 1;
    // An id minted the day of the join: an account a day old.
    const young = String((BigInt(Date.parse('2026-11-22T00:00:00Z') - 1420070400000) << 22n));
    ctx.harness.fake.dispatch('GUILD_MEMBER_ADD', { ...member(young, { joined_at: OLD_ACCOUNT_JOIN }), guild_id: GUILD });
    await waitForLake(ctx.harness, ctx.database, 1, 'member_join');
    expect(await joinOf(young)).toMatchObject({ targetId: ALICE, data: { account_age_days: 0, invite_code: 'alice1' } });
    await ctx.harness.bot.events.flush();
    expect((await balances(ctx.database, ALICE)).gold).toBeUndefined();
  });
});

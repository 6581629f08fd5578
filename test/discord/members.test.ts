// The members table follows the gateway (GUILD_CREATE, member add/update/remove), so rules that
// filter on roles see the roles members have on Discord.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { lakeEvents, members } from '../../src/db/schema.ts';
import { BOT_USER_ID } from '../support/fake-discord.ts';
import { balances, saveRules, until, waitForLake } from './support/harness.ts';
import { useBot } from './support/use-bot.ts';
import { ALICE, BOB, CAROL, GUILD, MOD_ROLE, member, message } from './support/payloads.ts';
import { seedGuild } from '../support/factories.ts';

const ctx = useBot({ preset: 'none', start: 'manual' });

const memberRow = async (userId: string) => (await ctx.database.db.select().from(members).where(and(eq(members.guildId, GUILD), eq(members.userId, userId))))[0];

describe('the members table', () => {
  it('is filled from GUILD_CREATE with roles, display names, join times and the bot flag', async () => {
    await ctx.start({ guildPayload: { members: [member(BOT_USER_ID, { user: { bot: true } }), member(ALICE, { nick: 'Ali' }), member(CAROL, { roles: [MOD_ROLE] })] } });
    await until(async () => (await memberRow(CAROL)) !== undefined, 5_000, 'members written');
    expect(await memberRow(CAROL)).toMatchObject({ roles: [MOD_ROLE], isBot: false, joinedAt: new Date('2026-01-01T00:00:00Z'), leftAt: null });
    expect(await memberRow(ALICE)).toMatchObject({ displayName: 'Ali', roles: [] });
    expect(await memberRow(BOT_USER_ID)).toMatchObject({ isBot: true });
  });

  it('follows role changes, so a role-filtered rule rewards a member once they have the role', async () => {
    await seedGuild(ctx.database, { currencies: [{ key: 'gold', spendable: true }] });
    await saveRules(ctx.database, [
      { key: 'mods', name: 'Moderators earn gold', trigger: { events: ['message_create'], roles: { any: [MOD_ROLE] } }, effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: 5 }] },
    ]);
    await ctx.start();
    await until(async () => (await memberRow(CAROL)) !== undefined, 5_000, 'members written');
    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: CAROL }));
    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: ALICE }));
    await waitForLake(ctx.harness, ctx.database, 2, 'message_create');
    expect(await balances(ctx.database, CAROL)).toEqual({ gold: 5 });
    expect(await balances(ctx.database, ALICE)).toEqual({});

    ctx.harness.fake.dispatch('GUILD_MEMBER_UPDATE', { ...member(ALICE, { roles: [MOD_ROLE] }), guild_id: GUILD });
    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: ALICE }));
    await waitForLake(ctx.harness, ctx.database, 3, 'message_create');
    expect((await memberRow(ALICE))!.roles).toEqual([MOD_ROLE]);
    expect(await balances(ctx.database, ALICE)).toEqual({ gold: 5 });
  });

  it('marks a member who left and records member_leave keyed by their membership', async () => {
    await ctx.start();
    await until(async () => (await memberRow(BOB)) !== undefined, 5_000, 'members written');
    ctx.harness.fake.dispatch('GUILD_MEMBER_REMOVE', { guild_id: GUILD, user: { id: BOB, username: 'bob', discriminator: '0', avatar: null } });
    await waitForLake(ctx.harness, ctx.database, 1, 'member_leave');
    const [leave] = await ctx.database.db.select().from(lakeEvents).where(eq(lakeEvents.type, 'member_leave'));
    expect(leave).toMatchObject({ actorId: BOB, sourceId: `leave:${GUILD}:${BOB}:${Date.parse('2026-01-01T00:00:00Z')}`, data: { joined_at: '2026-01-01T00:00:00.000Z' } });
    await until(async () => (await memberRow(BOB))?.leftAt, 5_000, 'left_at written');
  });

  it('records a new member with the time they joined', async () => {
    await ctx.start();
    const newcomer = '987654321098765498';
    ctx.harness.fake.dispatch('GUILD_MEMBER_ADD', { ...member(newcomer, { joined_at: '2026-11-22T08:00:00.000000+00:00', roles: [] }), guild_id: GUILD });
    await waitForLake(ctx.harness, ctx.database, 1, 'member_join');
    await until(async () => (await memberRow(newcomer))?.joinedAt?.toISOString() === '2026-11-22T08:00:00.000Z', 5_000, 'the member written');
    expect(await memberRow(newcomer)).toMatchObject({ leftAt: null, isBot: false });
  });
});

// Gateway events through the real discord.js client and the fake Discord end as ledger
// transactions (classic preset), and rule side effects reach Discord's REST API through the outbox.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/app/clock.ts';
import { lakeEvents, outbox } from '../../src/db/schema.ts';
import { balances, lakeCount, saveRules, until, waitForLake } from './support/harness.ts';
import { useBot } from './support/use-bot.ts';
import { ALICE, ANNOUNCE_CHANNEL, BOB, CAROL, GUILD, LEVEL_ROLE, VOICE_CHANNEL, member, message, reaction, snowflakeAt, thread, voiceState } from './support/payloads.ts';

const ctx = useBot({ preset: 'classic', start: 'manual' });

describe('gateway events become ledger transactions (classic preset)', () => {
  it('rewards a message with 15 XP and a Star, keeping only its metadata in the lake', async () => {
    await ctx.start();
    const payload = message({ author: ALICE, content: 'hello there, see https://example.com' });
    ctx.harness.fake.dispatch('MESSAGE_CREATE', payload);
    await waitForLake(ctx.harness, ctx.database, 1, 'message_create');
    expect(await balances(ctx.database, ALICE)).toEqual({ xp: Math.trunc(15 * 1.25), stars: 1 });
    const [row] = await ctx.database.db.select().from(lakeEvents).where(eq(lakeEvents.type, 'message_create'));
    expect(row).toMatchObject({ sourceId: payload.id, actorId: ALICE, origin: 'gateway' });
    expect(row!.data).toMatchObject({ length: 36, has_link: true, has_code_block: false });
    expect(JSON.stringify(row!.data)).not.toContain('hello');
  });

  it("rewards the reactor and the message's author for a reaction", async () => {
    await ctx.start();
    const post = message({ author: ALICE });
    ctx.harness.fake.dispatch('MESSAGE_CREATE', post);
    await waitForLake(ctx.harness, ctx.database, 1, 'message_create');
    ctx.harness.fake.dispatch('MESSAGE_REACTION_ADD', reaction({ user: BOB, messageId: post.id as string, messageAuthor: ALICE }));
    await waitForLake(ctx.harness, ctx.database, 1, 'reaction_add');
    expect(await balances(ctx.database, BOB)).toEqual({ xp: 2, stars: 1 });
    expect(await balances(ctx.database, ALICE)).toEqual({ xp: 15 + 3, stars: 1 + 1 });
  });

  it('rewards starting a thread with 20 XP and 2 Stars', async () => {
    await ctx.start();
    ctx.harness.fake.dispatch('THREAD_CREATE', thread({ owner: CAROL }));
    await waitForLake(ctx.harness, ctx.database, 1, 'thread_create');
    expect(await balances(ctx.database, CAROL)).toEqual({ xp: 20, stars: 2 });
  });

  it('pairs a voice join and leave into one session worth a Star per 10 minutes', async () => {
    const clock = fixedClock(new Date('2026-11-22T10:00:00.000Z'));
    await ctx.start({ clock });
    ctx.harness.fake.dispatch('VOICE_STATE_UPDATE', voiceState(ALICE, VOICE_CHANNEL));
    await waitForLake(ctx.harness, ctx.database, 1, 'voice_join');
    clock.advance(25 * 60_000);
    ctx.harness.fake.dispatch('VOICE_STATE_UPDATE', voiceState(ALICE, null));
    await waitForLake(ctx.harness, ctx.database, 1, 'voice_session_end');
    const [end] = await ctx.database.db.select().from(lakeEvents).where(eq(lakeEvents.type, 'voice_session_end'));
    expect(end).toMatchObject({ actorId: ALICE, channelId: VOICE_CHANNEL });
    expect(end!.data).toMatchObject({ duration_seconds: 1500, is_afk: false });
    expect(await balances(ctx.database, ALICE)).toEqual({ stars: 2 });
  });

  it('records a member join and applies a welcome rule to it', async () => {
    await saveRules(ctx.database, [
      { key: 'welcome', name: 'Welcome gift', trigger: { events: ['member_join'] }, effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: 100 }] },
    ]);
    await ctx.start();
    const newcomer = '987654321098765499';
    ctx.harness.fake.dispatch('GUILD_MEMBER_ADD', { ...member(newcomer, { joined_at: '2026-11-22T10:00:00.000000+00:00' }), guild_id: GUILD });
    await waitForLake(ctx.harness, ctx.database, 1, 'member_join');
    expect(await balances(ctx.database, newcomer)).toEqual({ gold: 100 });
    const [join] = await ctx.database.db.select().from(lakeEvents).where(eq(lakeEvents.type, 'member_join'));
    expect(join!.sourceId).toBe(`join:${GUILD}:${newcomer}:${Date.parse('2026-11-22T10:00:00Z')}`);
  });

  it('gives the role and posts the announcement a rule asks for, through Discord REST', async () => {
    await saveRules(ctx.database, [
      {
        key: 'first-words',
        name: 'First words',
        trigger: { events: ['message_create'] },
        effects: [
          { type: 'role_add', to: 'actor', role: LEVEL_ROLE },
          { type: 'message', channel: ANNOUNCE_CHANNEL, template: '{{actor.mention}} said their first words!' },
        ],
      },
    ]);
    await ctx.start();
    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: BOB }));
    const [role] = await ctx.harness.fake.waitForCalls('PUT', new RegExp(`^/guilds/${GUILD}/members/${BOB}/roles/${LEVEL_ROLE}$`));
    expect(role!.headers['x-audit-log-reason']).toBe('First%20words');
    const [post] = await ctx.harness.fake.waitForCalls('POST', new RegExp(`^/channels/${ANNOUNCE_CHANNEL}/messages$`));
    expect(post!.body).toMatchObject({ content: `<@${BOB}> said their first words!`, allowed_mentions: { parse: ['users'] } });
    await until(async () => (await ctx.database.db.select().from(outbox)).every((r) => r.status === 'sent'), 5_000, 'outbox rows sent');
    expect(await balances(ctx.database, BOB)).toMatchObject({ xp: 15, stars: 1 });
  });

  it('ignores messages from bots and direct messages', async () => {
    await ctx.start();
    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: BOB, bot: true }));
    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: BOB, guild: null }));
    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: ALICE, id: snowflakeAt() }));
    await waitForLake(ctx.harness, ctx.database, 1, 'message_create');
    expect(await lakeCount(ctx.database)).toBe(1);
    expect(await balances(ctx.database, BOB)).toEqual({});
  });
});

// Voice sessions through the gateway: pairing into voice_session_end, AFK tagging, moves, sessions
// a crash left open, graceful shutdown, and scheduled-event attendance.
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/app/clock.ts';
import { guilds, lakeEvents, voiceSessions } from '../../src/db/schema.ts';
import { balances, lakeCount, until, waitForLake } from './support/harness.ts';
import { useBot } from './support/use-bot.ts';
import { AFK_CHANNEL, ALICE, BOB, GUILD, STAGE_CHANNEL, VOICE_CHANNEL, scheduledEvent, voiceState } from './support/payloads.ts';

const ctx = useBot({ preset: 'classic', start: 'manual' });
const T0 = '2026-11-22T10:00:00.000Z';
const minutes = (n: number) => n * 60_000;

async function ends() {
  const rows = await ctx.database.db.select().from(lakeEvents).where(eq(lakeEvents.type, 'voice_session_end')).orderBy(asc(lakeEvents.id));
  return rows.map((r) => ({ user: r.actorId, channel: r.channelId, at: r.occurredAt.toISOString(), ...(r.data as { duration_seconds: number; is_afk: boolean }) }));
}

/** Starts a bot at T0 whose clock the test moves; `say` sends a voice state and waits for it. */
async function voiceBot(guildPayload: Record<string, unknown> = {}) {
  const clock = fixedClock(new Date(T0));
  const h = await ctx.start({ clock, guildPayload });
  const say = async (user: string, channel: string | null, flags: Record<string, unknown> = {}) => {
    h.fake.dispatch('VOICE_STATE_UPDATE', voiceState(user, channel, flags));
    // The tracker applies changes in order; wait until this one is in.
    await until(async () => {
      await h.bot.voice.settle();
      const open = h.bot.voice.open.find((s) => s.userId === user);
      return channel === null ? !open : open?.channelId === channel;
    }, 5_000, `voice state of ${user}`);
  };
  return { clock, say };
}

describe('voice sessions', () => {
  it('counts time in the guild’s AFK channel as AFK, which the classic preset does not reward', async () => {
    const { clock, say } = await voiceBot();
    await say(ALICE, AFK_CHANNEL);
    clock.advance(minutes(20));
    await say(ALICE, null);
    await waitForLake(ctx.harness, ctx.database, 1, 'voice_session_end');
    expect(await ends()).toMatchObject([{ channel: AFK_CHANNEL, duration_seconds: 1200, is_afk: true }]);
    expect(await balances(ctx.database, ALICE)).toEqual({});
  });

  it('counts channels the admins excluded as AFK', async () => {
    await ctx.database.db.update(guilds).set({ settings: { voice_excluded_channels: [VOICE_CHANNEL] } }).where(eq(guilds.id, GUILD));
    const { clock, say } = await voiceBot();
    await say(ALICE, VOICE_CHANNEL);
    clock.advance(minutes(20));
    await say(ALICE, null);
    await waitForLake(ctx.harness, ctx.database, 1, 'voice_session_end');
    expect(await ends()).toMatchObject([{ channel: VOICE_CHANNEL, is_afk: true }]);
  });

  it('counts a session muted and deafened throughout as AFK, but not one where the member spoke up', async () => {
    const { clock, say } = await voiceBot();
    await say(ALICE, VOICE_CHANNEL, { self_mute: true, self_deaf: true });
    await say(BOB, VOICE_CHANNEL, { self_mute: true, self_deaf: true });
    clock.advance(minutes(5));
    ctx.harness.fake.dispatch('VOICE_STATE_UPDATE', voiceState(BOB, VOICE_CHANNEL, { self_mute: false, self_deaf: false }));
    clock.advance(minutes(15));
    await say(ALICE, null);
    await say(BOB, null);
    await waitForLake(ctx.harness, ctx.database, 2, 'voice_session_end');
    const [alice, bob] = await ends();
    expect(alice).toMatchObject({ user: ALICE, is_afk: true, duration_seconds: 1200 });
    expect(bob).toMatchObject({ user: BOB, is_afk: false, duration_seconds: 1200 });
    expect(await balances(ctx.database, BOB)).toEqual({ stars: 2 });
  });

  it('ends the session in one channel and starts the next when a member moves', async () => {
    const { clock, say } = await voiceBot();
    await say(ALICE, VOICE_CHANNEL);
    clock.advance(minutes(10));
    await say(ALICE, STAGE_CHANNEL);
    clock.advance(minutes(15));
    await say(ALICE, null);
    await waitForLake(ctx.harness, ctx.database, 2, 'voice_session_end');
    expect(await ends()).toMatchObject([
      { channel: VOICE_CHANNEL, duration_seconds: 600, is_afk: false },
      { channel: STAGE_CHANNEL, duration_seconds: 900, is_afk: false },
    ]);
    expect(await lakeCount(ctx.database, 'voice_move')).toBe(1);
    expect(await balances(ctx.database, ALICE)).toEqual({ stars: 2 });
  });

  it('keeps open sessions in the ctx.database, refreshing last_seen_at while the bot runs', async () => {
    const { clock, say } = await voiceBot();
    await say(ALICE, VOICE_CHANNEL);
    const [row] = await ctx.database.db.select().from(voiceSessions);
    expect(row).toMatchObject({ guildId: GUILD, userId: ALICE, channelId: VOICE_CHANNEL, startedAt: new Date(T0), lastSeenAt: new Date(T0) });
    clock.advance(minutes(3));
    await ctx.harness.bot.voice.refresh();
    const [refreshed] = await ctx.database.db.select().from(voiceSessions);
    expect(refreshed!.lastSeenAt).toEqual(new Date(Date.parse(T0) + minutes(3)));
  });

  it('closes a session a crash left open at its last_seen_at when the bot starts', async () => {
    await ctx.database.db.insert(voiceSessions).values({
      guildId: GUILD, userId: ALICE, channelId: VOICE_CHANNEL, startedAt: new Date('2026-11-22T09:00:00Z'), lastSeenAt: new Date('2026-11-22T09:40:00Z'), idleWholeSession: false,
    });
    await voiceBot();
    await waitForLake(ctx.harness, ctx.database, 1, 'voice_session_end');
    expect(await ends()).toEqual([{ user: ALICE, channel: VOICE_CHANNEL, at: '2026-11-22T09:40:00.000Z', duration_seconds: 2400, is_afk: false, started_at: '2026-11-22T09:00:00.000Z' }]);
    await until(async () => (await ctx.database.db.select().from(voiceSessions)).length === 0, 5_000, 'the closed session deleted');
    expect(await balances(ctx.database, ALICE)).toEqual({ stars: 4 });
  });

  it('continues a session left open if the member is still in that channel after the restart', async () => {
    await ctx.database.db.insert(voiceSessions).values({
      guildId: GUILD, userId: ALICE, channelId: VOICE_CHANNEL, startedAt: new Date('2026-11-22T09:50:00Z'), lastSeenAt: new Date('2026-11-22T09:59:00Z'), idleWholeSession: false,
    });
    const { clock, say } = await voiceBot({ voice_states: [{ ...voiceState(ALICE, VOICE_CHANNEL), guild_id: undefined }] });
    await ctx.harness.bot.voice.settle();
    expect(ctx.harness.bot.voice.open).toMatchObject([{ userId: ALICE, startedAt: new Date('2026-11-22T09:50:00Z') }]);
    clock.advance(minutes(20));
    await say(ALICE, null);
    await waitForLake(ctx.harness, ctx.database, 1, 'voice_session_end');
    expect(await ends()).toMatchObject([{ user: ALICE, duration_seconds: 1800 }]);
  });

  it('ends every open session as voice_session_end on a graceful shutdown', async () => {
    const { clock, say } = await voiceBot();
    await say(ALICE, VOICE_CHANNEL);
    await say(BOB, VOICE_CHANNEL);
    clock.advance(minutes(12));
    await ctx.harness.stop({ fake: true });
    expect(await ends()).toMatchObject([
      { user: ALICE, duration_seconds: 720 },
      { user: BOB, duration_seconds: 720 },
    ]);
    expect(await ctx.database.db.select().from(voiceSessions)).toEqual([]);
  });

  it('records scheduled-event attendance from voice presence in the event’s channel', async () => {
    const event = scheduledEvent({ channel: STAGE_CHANNEL, start: '2026-11-22T10:03:00.000Z', status: 2 });
    const { clock, say } = await voiceBot({ guild_scheduled_events: [event] });
    await say(ALICE, STAGE_CHANNEL);
    clock.advance(minutes(33));
    await say(ALICE, null);
    await waitForLake(ctx.harness, ctx.database, 1, 'scheduled_event_attend');
    const [attend] = await ctx.database.db.select().from(lakeEvents).where(eq(lakeEvents.type, 'scheduled_event_attend'));
    expect(attend).toMatchObject({ actorId: ALICE, channelId: STAGE_CHANNEL, data: { scheduled_event_id: event.id, minutes_present: 30, joined_on_time: true } });
  });

  it('does not count a bot in voice', async () => {
    const { clock } = await voiceBot();
    ctx.harness.fake.dispatch('VOICE_STATE_UPDATE', voiceState(BOB, VOICE_CHANNEL, { member: { ...voiceState(BOB, null).member, user: { id: BOB, username: 'robot', bot: true } } }));
    clock.advance(minutes(1));
    await ctx.harness.bot.voice.settle();
    await ctx.harness.bot.events.flush();
    expect(ctx.harness.bot.voice.open).toEqual([]);
    expect(await lakeCount(ctx.database, 'voice_join')).toBe(0);
  });
});


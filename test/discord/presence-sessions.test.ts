// Presence sessions (optional, behind the presence intent): a member's time online, idle or on
// do-not-disturb becomes presence_session_end with its duration; open sessions end on a graceful
// shutdown; sessions a crash left open end at their last_seen_at when the guild arrives again;
// without the intent nothing is tracked. Through the real discord.js and the fake Discord.
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/app/clock.ts';
import { lakeEvents, presenceSessions } from '../../src/db/schema.ts';
import { until, waitForLake } from './support/harness.ts';
import { useBot } from './support/use-bot.ts';
import { ALICE, BOB, GUILD, message } from './support/payloads.ts';

const ctx = useBot({ preset: 'classic', start: 'manual' });
const T0 = '2026-11-22T10:00:00.000Z';
const minutes = (n: number) => n * 60_000;
const WITH_PRESENCE = ['GuildMembers', 'MessageContent', 'GuildPresences'];
const presence = (user: string, status: string) => ({ user: { id: user }, guild_id: GUILD, status, activities: [], client_status: { desktop: status } });

async function ends() {
  const rows = await ctx.database.db.select().from(lakeEvents).where(eq(lakeEvents.type, 'presence_session_end')).orderBy(asc(lakeEvents.id));
  return rows.map((r) => ({ user: r.actorId, at: r.occurredAt.toISOString(), ...(r.data as { status: string; duration_seconds: number }) }));
}

/** A bot with the presence intent whose clock the test moves; `set` sends a presence and waits for it. */
async function presenceBot(guildPayload: Record<string, unknown> = {}) {
  const clock = fixedClock(new Date(T0));
  const h = await ctx.start({ clock, guildPayload, privilegedIntents: WITH_PRESENCE });
  const set = async (user: string, status: string) => {
    h.fake.dispatch('PRESENCE_UPDATE', presence(user, status));
    await until(async () => {
      await h.bot.presence!.settle();
      const open = h.bot.presence!.open.find((s) => s.userId === user);
      return status === 'offline' ? !open : open?.status === status;
    }, 5_000, `presence of ${user}`);
  };
  return { clock, set };
}

describe('presence sessions', () => {
  it('records each status a member held, with its duration, when it changes', async () => {
    const { clock, set } = await presenceBot();
    await set(ALICE, 'online');
    clock.advance(minutes(10));
    await set(ALICE, 'idle');
    clock.advance(minutes(5));
    await set(ALICE, 'dnd');
    clock.advance(minutes(1));
    await set(ALICE, 'offline');
    await waitForLake(ctx.harness, ctx.database, 3, 'presence_session_end');
    expect(await ends()).toEqual([
      { user: ALICE, at: '2026-11-22T10:10:00.000Z', status: 'online', duration_seconds: 600, started_at: T0 },
      { user: ALICE, at: '2026-11-22T10:15:00.000Z', status: 'idle', duration_seconds: 300, started_at: '2026-11-22T10:10:00.000Z' },
      { user: ALICE, at: '2026-11-22T10:16:00.000Z', status: 'dnd', duration_seconds: 60, started_at: '2026-11-22T10:15:00.000Z' },
    ]);
    await until(async () => (await ctx.database.db.select().from(presenceSessions)).length === 0, 5_000, 'closed sessions deleted');
  });

  it('ends open sessions on a graceful shutdown', async () => {
    const { clock, set } = await presenceBot();
    await set(BOB, 'online');
    clock.advance(minutes(2));
    await ctx.harness.stop();
    expect(await ends()).toEqual([{ user: BOB, at: '2026-11-22T10:02:00.000Z', status: 'online', duration_seconds: 120, started_at: T0 }]);
  });

  it('on start, ends the sessions a crash left open at their last sighting, and continues those still true', async () => {
    const hourAgo = new Date(Date.parse(T0) - minutes(60));
    const halfHourAgo = new Date(Date.parse(T0) - minutes(30));
    await ctx.database.db.insert(presenceSessions).values([
      { guildId: GUILD, userId: BOB, status: 'online', startedAt: hourAgo, lastSeenAt: halfHourAgo },
      { guildId: GUILD, userId: ALICE, status: 'idle', startedAt: hourAgo, lastSeenAt: halfHourAgo },
    ]);
    // The guild arrives with Alice still idle, Bob gone offline.
    await presenceBot({ presences: [{ user: { id: ALICE }, status: 'idle', activities: [], client_status: { desktop: 'idle' } }] });
    await waitForLake(ctx.harness, ctx.database, 1, 'presence_session_end');
    expect(await ends()).toEqual([{ user: BOB, at: halfHourAgo.toISOString(), status: 'online', duration_seconds: 1800, started_at: hourAgo.toISOString() }]);
    expect(ctx.harness.bot.presence!.open.map((s) => [s.userId, s.status, s.startedAt.toISOString()])).toEqual([[ALICE, 'idle', hourAgo.toISOString()]]);
  });

  it('tracks nothing without the presence intent (the default)', async () => {
    await ctx.start({ clock: fixedClock(new Date(T0)) });
    expect(ctx.harness.bot.presence).toBeUndefined();
    ctx.harness.fake.dispatch('PRESENCE_UPDATE', presence(ALICE, 'online'));
    ctx.harness.fake.dispatch('PRESENCE_UPDATE', presence(ALICE, 'offline'));
    // A message sent after them arrives after them: once it is in the lake, they were handled.
    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: BOB }));
    await waitForLake(ctx.harness, ctx.database, 1, 'message_create');
    expect(await ends()).toEqual([]);
    expect(await ctx.database.db.select().from(presenceSessions)).toEqual([]);
  });
});

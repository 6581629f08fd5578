// Scheduled events as objects through the fake gateway: created, updated, cancelled and deleted
// with their names, host and status; the interested count from USER_ADD / USER_REMOVE (a replay
// counts once); the guild's list backfilled on connect; hostile payloads skipped without a crash.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { scheduledEvents } from '../../src/db/schema.ts';
import { until } from './support/harness.ts';
import { useBot } from './support/use-bot.ts';
import { ALICE, BOB, CAROL, GUILD, STAGE_CHANNEL, VOICE_CHANNEL, scheduledEvent } from './support/payloads.ts';

const ctx = useBot({ preset: 'none', start: 'manual' });
const START = '2026-12-10T18:00:00.000Z';
const EVENT = '1300000000000000001';
const OTHER = '1300000000000000002';

const stored = async (id = EVENT) => (await ctx.database.db.select().from(scheduledEvents).where(and(eq(scheduledEvents.guildId, GUILD), eq(scheduledEvents.scheduledEventId, id))))[0];

/** Dispatches and waits until the stored row satisfies `check`. */
async function dispatchUntil(type: string, payload: unknown, check: (row: Awaited<ReturnType<typeof stored>>) => boolean, id = EVENT) {
  ctx.harness.fake.dispatch(type, payload);
  await until(async () => check(await stored(id)), 5_000, `${type} stored`);
}

describe('scheduled events from the gateway', () => {
  it('stores an event created, updated, started and cancelled with its name, host, times and status', async () => {
    await ctx.start();
    const created = { ...scheduledEvent({ id: EVENT, channel: STAGE_CHANNEL, start: START, status: 1 }), name: 'Community call', description: 'Monthly chat', entity_type: 1 };
    await dispatchUntil('GUILD_SCHEDULED_EVENT_CREATE', created, (r) => r?.name === 'Community call');
    expect(await stored()).toMatchObject({
      name: 'Community call', description: 'Monthly chat', entityType: 'stage', channelId: STAGE_CHANNEL, creatorId: CAROL,
      scheduledStart: new Date(START), scheduledEnd: null, status: 'scheduled', userCount: 0, deletedAt: null,
    });

    await dispatchUntil('GUILD_SCHEDULED_EVENT_UPDATE', { ...created, name: 'Community call (moved)', scheduled_end_time: '2026-12-10T19:30:00.000Z' }, (r) => r?.name === 'Community call (moved)');
    expect((await stored())!.scheduledEnd).toEqual(new Date('2026-12-10T19:30:00.000Z'));
    await dispatchUntil('GUILD_SCHEDULED_EVENT_UPDATE', { ...created, status: 2 }, (r) => r?.status === 'active');
    await dispatchUntil('GUILD_SCHEDULED_EVENT_UPDATE', { ...created, status: 4 }, (r) => r?.status === 'canceled');
    expect((await stored())!.name).toBe('Community call');
  });

  it('keeps a deleted event with its name, as canceled when it never started', async () => {
    await ctx.start();
    const created = scheduledEvent({ id: EVENT, start: START, status: 1 });
    await dispatchUntil('GUILD_SCHEDULED_EVENT_CREATE', created, (r) => r !== undefined);
    await dispatchUntil('GUILD_SCHEDULED_EVENT_DELETE', created, (r) => r?.deletedAt !== null);
    expect(await stored()).toMatchObject({ name: 'Community call', status: 'canceled' });
  });

  it('stores an external event with its location and no channel', async () => {
    await ctx.start();
    const external = { ...scheduledEvent({ id: EVENT, start: START, status: 1 }), channel_id: null, entity_type: 3, entity_metadata: { location: 'Town hall' }, scheduled_end_time: '2026-12-10T20:00:00.000Z' };
    await dispatchUntil('GUILD_SCHEDULED_EVENT_CREATE', external, (r) => r !== undefined);
    expect(await stored()).toMatchObject({ entityType: 'external', channelId: null, location: 'Town hall' });
  });

  it('counts interested members from USER_ADD and USER_REMOVE, a repeated one once', async () => {
    await ctx.start();
    await dispatchUntil('GUILD_SCHEDULED_EVENT_CREATE', scheduledEvent({ id: EVENT, start: START, status: 1 }), (r) => r !== undefined);
    const interest = (user: string) => ({ guild_scheduled_event_id: EVENT, user_id: user, guild_id: GUILD });
    ctx.harness.fake.dispatch('GUILD_SCHEDULED_EVENT_USER_ADD', interest(ALICE));
    ctx.harness.fake.dispatch('GUILD_SCHEDULED_EVENT_USER_ADD', interest(ALICE));
    await dispatchUntil('GUILD_SCHEDULED_EVENT_USER_ADD', interest(BOB), (r) => r?.userCount === 2);
    await dispatchUntil('GUILD_SCHEDULED_EVENT_USER_REMOVE', interest(ALICE), (r) => r?.userCount === 1);
    ctx.harness.fake.dispatch('GUILD_SCHEDULED_EVENT_USER_REMOVE', interest(ALICE));
    await dispatchUntil('GUILD_SCHEDULED_EVENT_USER_ADD', interest(CAROL), (r) => r?.userCount === 2);
  });

  it('backfills the guild’s events on connect and ends those it no longer lists', async () => {
    await ctx.start({ guildPayload: { guild_scheduled_events: [scheduledEvent({ id: EVENT, start: START, status: 1 }), { ...scheduledEvent({ id: OTHER, channel: VOICE_CHANNEL, start: START, status: 1 }), name: 'Game night', user_count: 7 }] } });
    await until(async () => (await stored(OTHER)) !== undefined, 5_000, 'backfill');
    expect(await stored(OTHER)).toMatchObject({ name: 'Game night', channelId: VOICE_CHANNEL, userCount: 7, status: 'scheduled' });
    // Reconnect: the guild now lists only Game night, so the call ended while the bot was away.
    await ctx.stop();
    await ctx.start({ guildPayload: { guild_scheduled_events: [{ ...scheduledEvent({ id: OTHER, channel: VOICE_CHANNEL, start: START, status: 2 }), name: 'Game night' }] } });
    await until(async () => (await stored())?.deletedAt !== null && (await stored(OTHER))?.status === 'active', 5_000, 'second backfill');
    expect(await stored()).toMatchObject({ name: 'Community call', status: 'canceled' });
    expect((await stored(OTHER))!.userCount).toBe(7);
  });

  it('skips hostile payloads (missing fields, 2^53 counts, NUL names, bad dates) without crashing, and keeps going', async () => {
    await ctx.start();
    const base = scheduledEvent({ id: EVENT, start: START, status: 1 });
    const hostile: unknown[] = [
      { id: EVENT, guild_id: GUILD },
      { ...base, user_count: 2 ** 53 },
      { ...base, name: 'bad\u0000name' },
      { ...base, name: 'x'.repeat(500) },
      { ...base, scheduled_start_time: 'yesterday' },
      { ...base, id: 12345 },
      { ...base, status: 99 },
      { ...base, entity_metadata: { location: 7 } },
      null,
    ];
    for (const payload of hostile) ctx.harness.fake.dispatch('GUILD_SCHEDULED_EVENT_CREATE', payload);
    ctx.harness.fake.dispatch('GUILD_SCHEDULED_EVENT_USER_ADD', { guild_scheduled_event_id: EVENT, user_id: 2 ** 53, guild_id: GUILD });
    await dispatchUntil('GUILD_SCHEDULED_EVENT_CREATE', { ...base, description: 'fine\u0000 after all', name: 'Still here' }, (r) => r?.name === 'Still here');
    expect(await stored()).toMatchObject({ name: 'Still here', description: 'fine after all', userCount: 0 });
    const skipped = ctx.harness.logs.filter((l) => l.msg === 'malformed gateway payload skipped' && String(l.dispatch).startsWith('GUILD_SCHEDULED_EVENT'));
    expect(skipped.length).toBeGreaterThanOrEqual(7);
    expect(ctx.harness.logs.filter((l) => l.level >= 50)).toEqual([]);
  });
});

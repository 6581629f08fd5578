// The Community page's newer questions against hand-computed fixtures, in a Paris guild (UTC+1):
// the engagement score as configured, equal through the API, the CSV, the BI view and the impact
// pulse (3 messages + 2 reactions = 4 by default; changed weights change all of them); presence
// figures from recorded sessions; scheduled events with names, host and attendance per member.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/app/clock.ts';
import { queryRows } from '../../src/db/client.ts';
import { guildChannels, guilds, members } from '../../src/db/schema.ts';
import { ScheduledEventSync } from '../../src/discord/scheduled-event-sync.ts';
import type { LakeEvent } from '../../src/events/lake-event.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, nextSourceId, seedGuild } from '../support/factories.ts';

const ALICE = '900000000000000001';
const BOB = '900000000000000002';
const CAROL = '900000000000000003';
const STAGE = '1200000000000000001';
const TEXT = '1200000000000000002';
const EVENT = '1300000000000000001';
const NOW = new Date('2026-11-25T12:00:00.000Z'); // Wednesday; this week's Monday is 11-23, last week's 11-16

function ev(type: string, actor: string, at: string, data: Record<string, unknown> = {}, channel: string | null = TEXT): LakeEvent {
  return { source_id: nextSourceId(), type, guild_id: GUILD, actor_id: actor, target_id: null, channel_id: channel, occurred_at: at, data } as LakeEvent;
}
const msg = (actor: string, at: string) => ev('message_create', actor, at, { length: 40 });
const react = (actor: string, at: string) => ev('reaction_add', actor, at, { emoji: '👍', message_id: '1400000000000000001' });
const online = (actor: string, from: string, to: string) =>
  ev('presence_session_end', actor, to, { status: 'online', duration_seconds: (Date.parse(to) - Date.parse(from)) / 1000, started_at: from }, null);

const FIXTURE: LakeEvent[] = [
  // This week: Alice 3 messages + 2 reactions (score 4), 10 voice minutes; Bob 1 reaction (0.5).
  msg(ALICE, '2026-11-24T10:00:00.000Z'), msg(ALICE, '2026-11-24T10:01:00.000Z'), msg(ALICE, '2026-11-24T10:02:00.000Z'),
  react(ALICE, '2026-11-24T10:03:00.000Z'), react(ALICE, '2026-11-24T10:04:00.000Z'),
  ev('voice_session_end', ALICE, '2026-11-24T11:10:00.000Z', { duration_seconds: 600, started_at: '2026-11-24T11:00:00.000Z' }, STAGE),
  react(BOB, '2026-11-24T10:05:00.000Z'),
  // Last week: Alice 1 message (1), Bob 2 messages (2).
  msg(ALICE, '2026-11-17T10:00:00.000Z'), msg(BOB, '2026-11-17T10:00:00.000Z'), msg(BOB, '2026-11-18T10:00:00.000Z'),
  // Presence (local = UTC+1): Alice Tue 09:30–10:30 and 13:00–13:20; Bob Mon 23:45 → Tue 00:15.
  online(ALICE, '2026-11-24T08:30:00.000Z', '2026-11-24T09:30:00.000Z'),
  online(ALICE, '2026-11-24T12:00:00.000Z', '2026-11-24T12:20:00.000Z'),
  online(BOB, '2026-11-23T22:45:00.000Z', '2026-11-23T23:15:00.000Z'),
  // The stage event: Alice 50 minutes on time and 10 more after rejoining; Bob 30 minutes late.
  ev('scheduled_event_attend', ALICE, '2026-11-24T19:50:00.000Z', { scheduled_event_id: EVENT, minutes_present: 50, joined_on_time: true }, STAGE),
  ev('scheduled_event_attend', ALICE, '2026-11-24T20:00:00.000Z', { scheduled_event_id: EVENT, minutes_present: 10, joined_on_time: false }, STAGE),
  ev('scheduled_event_attend', BOB, '2026-11-24T20:00:00.000Z', { scheduled_event_id: EVENT, minutes_present: 30, joined_on_time: false }, STAGE),
];

describe('configured engagement score, impact pulse, presence and scheduled events', () => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof createTestApp>>;
  const get = async (path: string) => {
    const res = await t.request(`/api/guilds/${GUILD}/analytics/${path}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return json(res);
  };
  /** Alice's score this week through the API's top list, its CSV, the BI view and the pulse. */
  const aliceEverywhere = async () => {
    const top = (await get('engagement?week=2026-11-23')).top.find((m: { userId: string }) => m.userId === ALICE).score;
    const csv = (await (await t.request(`/api/guilds/${GUILD}/analytics/engagement?week=2026-11-23&format=csv`)).text()).split('\n');
    const csvScore = Number(csv.find((line) => line.includes(ALICE))!.split(',').at(-1));
    const [view] = await queryRows<{ score: string }>(database.db, sql`SELECT score::text FROM analytics.member_engagement_weekly WHERE guild_id = ${GUILD} AND user_id = ${ALICE} AND week = '2026-11-23'`);
    const pulse = (await get(`pulse?member=${ALICE}`)).members[0].thisWeek;
    return { api: top, csv: csvScore, view: Number(view!.score), pulse };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedGuild(database);
    await database.db.update(guilds).set({ timezone: 'Europe/Paris' }).where(eq(guilds.id, GUILD));
    await database.db.insert(members).values([
      { guildId: GUILD, userId: ALICE, displayName: 'Alice' },
      { guildId: GUILD, userId: BOB, displayName: 'Bob' },
      { guildId: GUILD, userId: CAROL, displayName: 'Carol' },
    ]);
    await database.db.insert(guildChannels).values({ guildId: GUILD, channelId: STAGE, name: 'town-hall', type: 13 });
    await new ScheduledEventSync(database.db).upsert({
      guildId: GUILD, scheduledEventId: EVENT, name: 'Town hall', description: 'Monthly', entityType: 'stage', channelId: STAGE, location: null,
      creatorId: CAROL, scheduledStart: '2026-11-24T19:00:00.000Z', scheduledEnd: '2026-11-24T20:00:00.000Z', status: 'completed', userCount: 12,
    });
    t = await createTestApp(database, {}, { clock: fixedClock(NOW) });
    const res = await t.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: FIXTURE });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
  });
  afterAll(async () => {
    await t.services.close();
  });

  it('scores 3 messages + 2 reactions as 4 by default, the same in the API, the CSV, the BI view and the pulse', async () => {
    expect(await aliceEverywhere()).toEqual({ api: 4, csv: 4, view: 4, pulse: 4 });
    expect((await get('engagement?week=2026-11-23')).scoring).toEqual({ weights: { message: 1, reaction: 0.5, voice_minute: 0, event_attended: 0 }, formula: 'messages × 1 + reactions × 0.5' });
  });

  it('shows the impact pulse: this week against last week, per member and for the guild', async () => {
    const pulse = await get('pulse');
    expect(pulse).toMatchObject({ thisWeek: '2026-11-23', lastWeek: '2026-11-16' });
    expect(pulse.guild).toEqual({ thisWeek: 4.5, lastWeek: 3, change: 1.5, changeRate: 0.5, activeMembers: { thisWeek: 2, lastWeek: 2 } });
    expect(pulse.members).toEqual([
      { userId: ALICE, name: 'Alice', thisWeek: 4, lastWeek: 1, change: 3 },
      { userId: BOB, name: 'Bob', thisWeek: 0.5, lastWeek: 2, change: -1.5 },
    ]);
    expect((await get(`pulse?member=${CAROL}`)).members).toEqual([{ userId: CAROL, name: null, thisWeek: 0, lastWeek: 0, change: 0 }]);
  });

  it('changes the score everywhere when the weights change, and refuses bad weights with the field named', async () => {
    for (const weights of [{ message: -1 }, { message: 0.001 }, { message: 2, bogus: 1 }, { message: 2 ** 53 }]) {
      const res = await t.request(`/api/guilds/${GUILD}/settings`, { method: 'PATCH', json: { engagement: { weights } } });
      expect(res.status, JSON.stringify(weights)).toBe(422);
      expect(JSON.stringify(await json(res))).toContain('engagement.weights');
    }
    expect(await aliceEverywhere()).toEqual({ api: 4, csv: 4, view: 4, pulse: 4 });
    const ok = await t.request(`/api/guilds/${GUILD}/settings`, { method: 'PATCH', json: { engagement: { weights: { message: 2, reaction: 1, voice_minute: 0.1 } } } });
    expect(ok.status, await ok.clone().text()).toBe(200);
    // 3 × 2 + 2 × 1 + 10 voice minutes × 0.1 = 9
    expect(await aliceEverywhere()).toEqual({ api: 9, csv: 9, view: 9, pulse: 9 });
    const reset = await t.request(`/api/guilds/${GUILD}/settings`, { method: 'PATCH', json: { engagement: null } });
    expect(reset.status).toBe(200);
    expect(await aliceEverywhere()).toEqual({ api: 4, csv: 4, view: 4, pulse: 4 });
  });

  it('reports presence from recorded sessions: average session, a weekday × hour grid in the guild’s zone, top members', async () => {
    const presence = await get('presence?days=7');
    expect(presence).toMatchObject({ intentEnabled: false, timeZone: 'Europe/Paris', sessions: 3, onlineMinutes: 110, averageSessionMinutes: 36.7 });
    expect(presence.top).toEqual([
      { userId: ALICE, name: 'Alice', minutes: 80, sessions: 2 },
      { userId: BOB, name: 'Bob', minutes: 30, sessions: 1 },
    ]);
    const cells = presence.grid.flatMap((hours: number[], weekday: number) => hours.flatMap((minutes, hour) => (minutes > 0 ? [{ weekday, hour, minutes }] : [])));
    expect(cells).toEqual([
      { weekday: 1, hour: 23, minutes: 15 },
      { weekday: 2, hour: 0, minutes: 15 },
      { weekday: 2, hour: 9, minutes: 30 },
      { weekday: 2, hour: 10, minutes: 30 },
      { weekday: 2, hour: 13, minutes: 20 },
    ]);
    // The BI views hold the same online time.
    const [view] = await queryRows<{ m: string }>(database.db, sql`SELECT sum(online_minutes)::text m FROM analytics.member_presence_daily WHERE guild_id = ${GUILD}`);
    expect(Number(view!.m)).toBe(110);
  });

  it('lists scheduled events by name with host, channel and attendance, and one event with who came', async () => {
    const [listed] = await get('events');
    expect(listed).toMatchObject({
      scheduledEventId: EVENT, name: 'Town hall', entityType: 'stage', channelId: STAGE, channelName: 'town-hall', hostId: CAROL, hostName: 'Carol',
      status: 'completed', interested: 12, attendees: 2, minutesPresent: 90, averageMinutes: 45, onTimeRate: 0.5,
    });
    const one = await get(`events/${EVENT}`);
    expect(one.attendance).toEqual([
      { userId: ALICE, name: 'Alice', minutesPresent: 60, sessions: 2, onTime: true, firstAt: '2026-11-24T19:50:00.000Z', lastAt: '2026-11-24T20:00:00.000Z' },
      { userId: BOB, name: 'Bob', minutesPresent: 30, sessions: 1, onTime: false, firstAt: '2026-11-24T20:00:00.000Z', lastAt: '2026-11-24T20:00:00.000Z' },
    ]);
    const [view] = await queryRows<{ name: string; attendees: number }>(database.db, sql`SELECT name, attendees FROM analytics.scheduled_events WHERE guild_id = ${GUILD}`);
    expect(view).toEqual({ name: 'Town hall', attendees: 2 });
  });

  it('answers 422 for a malformed event id or member, 404 for an unknown event', async () => {
    const bad = await t.request(`/api/guilds/${GUILD}/analytics/events/not-an-id`);
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await json(bad))).toContain('eventId');
    expect((await t.request(`/api/guilds/${GUILD}/analytics/events/1300000000000000099`)).status).toBe(404);
    const member = await t.request(`/api/guilds/${GUILD}/analytics/pulse?member=${'9'.repeat(30)}`);
    expect(member.status).toBe(422);
    expect(JSON.stringify(await json(member))).toContain('member');
  });
});

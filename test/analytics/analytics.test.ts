// The Community analytics against hand-computed fixtures: a guild in New York (UTC−5 in November),
// so UTC days and local days differ; a voice session across local midnight; AFK time apart; a
// member who leaves and rejoins; the API and the analytics.* views giving the same numbers; and
// the lake's retention deleting exactly the expired events while the charts keep their history.
import { readFileSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/app/clock.ts';
import { aggregateRows, splitByLocalDay } from '../../src/analytics/aggregator.ts';
import { clearAnalyticsCache } from '../../src/analytics/queries/index.ts';
import { deleteExpiredEvents, reconcileCounters } from '../../src/analytics/retention.ts';
import { queryRows } from '../../src/db/client.ts';
import { guilds } from '../../src/db/schema.ts';
import type { LakeEvent } from '../../src/events/lake-event.ts';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, nextSourceId, seedGuild } from '../support/factories.ts';

const ALICE = '900000000000000001';
const BOB = '900000000000000002';
const CAROL = '900000000000000003';
const DAVE = '900000000000000004';
const ERIN = '900000000000000005';
const FRANK = '900000000000000006';
const VOICE = '1200000000000000001';
const TEXT = '1200000000000000002';
const NOW = new Date('2026-11-22T15:00:00.000Z'); // Sunday 10:00 in New York

function ev(type: string, actor: string, at: string, data: Record<string, unknown> = {}, channel: string | null = TEXT): LakeEvent {
  return { source_id: nextSourceId(), type, guild_id: GUILD, actor_id: actor, target_id: null, channel_id: channel, occurred_at: at, data } as LakeEvent;
}
const msg = (actor: string, at: string) => ev('message_create', actor, at, { length: 40 });

const FIXTURE: LakeEvent[] = [
  // Growth. Local days (New York): Alice 11-19 22:30, Bob 11-20 00:30, Bob leaves 11-21 07:00 and
  // rejoins 11-21 20:00, Carol (join never seen) leaves 11-22 09:00.
  ev('member_join', ALICE, '2026-11-20T03:30:00.000Z'),
  ev('member_join', BOB, '2026-11-20T05:30:00.000Z'),
  ev('member_leave', BOB, '2026-11-21T12:00:00.000Z'),
  ev('member_join', BOB, '2026-11-22T01:00:00.000Z'),
  ev('member_leave', CAROL, '2026-11-22T14:00:00.000Z'),
  // Voice. Alice 23:30 (11-20) → 00:30 (11-21): 30 min on each local day, one session on 11-21.
  ev('voice_session_end', ALICE, '2026-11-21T05:30:00.000Z', { duration_seconds: 3600, started_at: '2026-11-21T04:30:00.000Z' }, VOICE),
  // Bob: 20 AFK minutes on 11-21, 10 minutes on 11-22 (no start given: end − duration).
  ev('voice_session_end', BOB, '2026-11-21T20:00:00.000Z', { duration_seconds: 1200, is_afk: true }, VOICE),
  ev('voice_session_end', BOB, '2026-11-22T14:00:00.000Z', { duration_seconds: 600 }, VOICE),
  // Peak hours: Sunday 09:xx local ×2 messages, Saturday 23:xx local ×1 reaction (04:10Z Sunday).
  msg(ALICE, '2026-11-22T14:10:00.000Z'),
  msg(ALICE, '2026-11-22T14:50:00.000Z'),
  ev('reaction_add', BOB, '2026-11-22T04:10:00.000Z', { emoji: '👍', message_id: '1300000000000000001' }),
  // Scheduled event 555: Alice 50 min on time, Bob 30 min late.
  ev('scheduled_event_attend', ALICE, '2026-11-19T23:00:00.000Z', { scheduled_event_id: '555', minutes_present: 50, joined_on_time: true }, VOICE),
  ev('scheduled_event_attend', BOB, '2026-11-20T00:00:00.000Z', { scheduled_event_id: '555', minutes_present: 30, joined_on_time: false }, VOICE),
  // Retention cohorts: Dave and Erin joined in September; Dave active in October, Erin in November.
  ev('member_join', DAVE, '2026-09-10T15:00:00.000Z'),
  ev('member_join', ERIN, '2026-09-15T15:00:00.000Z'),
  ...Array.from({ length: 10 }, (_, i) => msg(DAVE, `2026-10-${String(27 + (i % 5)).padStart(2, '0')}T15:0${i % 10}:00.000Z`)),
  msg(ERIN, '2026-11-02T15:00:00.000Z'),
  // Rising star: Frank, 12 messages in the last two full weeks (11-02 … 11-15), none before.
  ...Array.from({ length: 12 }, (_, i) => msg(FRANK, `2026-11-${String(3 + (i % 10)).padStart(2, '0')}T16:${String(i).padStart(2, '0')}:00.000Z`)),
];

describe('community analytics', () => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof createTestApp>>;
  const get = async (path: string) => {
    const res = await t.request(`/api/guilds/${GUILD}/analytics/${path}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return json(res);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedGuild(database);
    await database.db.update(guilds).set({ timezone: 'America/New_York' }).where(eq(guilds.id, GUILD));
    t = await createTestApp(database, {}, { clock: fixedClock(NOW) });
    // In two requests, so aggregates add up across batches too.
    for (const part of [FIXTURE.slice(0, 9), FIXTURE.slice(9)]) {
      const res = await t.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: part });
      expect(res.status, await res.clone().text()).toBeLessThan(300);
    }
  });
  afterAll(async () => {
    await t.services.close();
  });

  it('counts joins and leaves per local day, members now, and members 30 days ago from the net growth', async () => {
    const growth = await get('growth?days=4');
    expect(growth.days).toEqual([
      { day: '2026-11-19', joins: 1, leaves: 0, net: 1 },
      { day: '2026-11-20', joins: 1, leaves: 0, net: 1 },
      { day: '2026-11-21', joins: 1, leaves: 1, net: 0 },
      { day: '2026-11-22', joins: 0, leaves: 1, net: -1 },
    ]);
    // Alice, Bob (rejoined), Dave, Erin joined, and Frank took part (his join was never seen): five
    // members; Carol left. Net growth over 30 days: 3 joins − 2 leaves.
    expect(growth.members).toEqual({ now: 5, thirtyDaysAgo: 4, netLast30Days: 1 });
  });

  it('keeps the latest join and leave of a member who left and rejoined', async () => {
    const rows = await queryRows<{ user_id: string; joined_at: string; left_at: string | null }>(
      database.db,
      sql`SELECT user_id::text, joined_at::text, left_at::text FROM members WHERE guild_id = ${GUILD} AND user_id IN (${BOB}, ${CAROL}) ORDER BY user_id`,
    );
    expect(rows.map((r) => [r.user_id, r.joined_at === null ? null : new Date(r.joined_at).toISOString(), r.left_at === null ? null : new Date(r.left_at).toISOString()])).toEqual([
      [BOB, '2026-11-22T01:00:00.000Z', null],
      [CAROL, null, '2026-11-22T14:00:00.000Z'],
    ]);
  });

  it('splits voice sessions at local midnight and keeps AFK time as its own segment', async () => {
    const voice = await get('voice?days=3');
    expect(voice.days).toEqual([
      { day: '2026-11-20', minutes: 30, afkMinutes: 0, sessions: 0 },
      { day: '2026-11-21', minutes: 30, afkMinutes: 20, sessions: 1 },
      { day: '2026-11-22', minutes: 10, afkMinutes: 0, sessions: 1 },
    ]);
    // (3600 + 600) seconds over 2 non-AFK sessions = 35 minutes; AFK excluded.
    expect(voice.averageSessionMinutes).toBe(35);
    expect(voice.top).toEqual([
      { userId: ALICE, name: null, minutes: 60 },
      { userId: BOB, name: null, minutes: 10 },
    ]);
  });

  it('splits a session across a daylight-saving change by the local calendar', () => {
    // Paris, 2026-03-29 has 23 hours: 23:00 CET on the 28th → 01:30 CEST on the 30th.
    expect(splitByLocalDay(Date.parse('2026-03-28T22:00:00Z'), Date.parse('2026-03-29T23:30:00Z'), 'Europe/Paris')).toEqual([
      { day: '2026-03-28', seconds: 3600 },
      { day: '2026-03-29', seconds: 23 * 3600 },
      { day: '2026-03-30', seconds: 5400 },
    ]);
  });

  it('does not count being online (presence) as engagement, activity or a cohort', () => {
    const rows = aggregateRows([ev('presence_session_end', ALICE, '2026-11-22T14:00:00.000Z', { status: 'online', duration_seconds: 3600 }, null)], 'UTC');
    expect([rows.weekly, rows.monthly, rows.cohorts]).toEqual([[], [], []]);
    expect(rows.daily).toEqual([{ d: '2026-11-22', t: 'presence_session_end', n: 1 }]);
  });

  it('places activity on the weekday × hour grid in the guild time zone', async () => {
    const peak = await get('peak-hours?days=7');
    expect(peak.timeZone).toBe('America/New_York');
    const cells = (peak.grid as number[][]).flatMap((hours, weekday) => hours.flatMap((n, hour) => (n > 0 ? [{ weekday, hour, n }] : [])));
    // Local (EST) weekday and hour of each activity event in the last 7 days (weekday 0 = Sunday):
    // Sunday 09:xx two messages and Bob's voice end; Saturday 00:30 Alice's voice end (05:30Z);
    // Saturday 15:00 Bob's AFK voice end; Saturday 23:10 the reaction (04:10Z Sunday); Thursday
    // 18:00 and 19:00 the scheduled-event attendances. Joins and leaves are not activity; Frank's
    // messages are older than 7 days.
    expect(cells).toEqual([
      { weekday: 0, hour: 9, n: 3 },
      { weekday: 4, hour: 18, n: 1 },
      { weekday: 4, hour: 19, n: 1 },
      { weekday: 6, hour: 0, n: 1 },
      { weekday: 6, hour: 15, n: 1 },
      { weekday: 6, hour: 23, n: 1 },
    ]);
  });

  it('reports scheduled-event attendance, minutes present and on-time rate', async () => {
    // Event 555 is known only from attendance (no GUILD_SCHEDULED_EVENT reached Cairn): no name.
    expect(await get('events')).toMatchObject([
      { scheduledEventId: '555', name: null, status: null, attendees: 2, minutesPresent: 80, averageMinutes: 40, onTimeRate: 0.5, firstAt: '2026-11-19T23:00:00.000Z', lastAt: '2026-11-20T00:00:00.000Z' },
    ]);
  });

  it('sums weekly engagement per guild and per member by local ISO week, the current week marked partial', async () => {
    const engagement = await get('engagement?weeks=2');
    // Week of Monday 11-09: Frank's messages of 11-09 … 11-12. Week of 11-16 (today is its Sunday):
    // Alice (event attended 11-19 local, 30 voice minutes on 11-20 and 30 after midnight on 11-21,
    // two messages on Sunday 11-22) and Bob (a reaction, an event, 10 voice minutes; AFK time aside).
    expect(engagement.weeks).toEqual([
      { week: '2026-11-09', partial: false, activeMembers: 1, messages: 4, reactions: 0, eventsAttended: 0, voiceMinutes: 0 },
      { week: '2026-11-16', partial: true, activeMembers: 2, messages: 2, reactions: 1, eventsAttended: 2, voiceMinutes: 70 },
    ]);
    // Without ?week= the distribution and the top are the last full week's.
    expect(engagement.week).toBe('2026-11-09');
    expect(engagement.top).toEqual([{ userId: FRANK, name: null, messages: 4, reactions: 0, eventsAttended: 0, voiceMinutes: 0, score: 4 }]);
    const current = await get('engagement?weeks=2&week=2026-11-18');
    expect(current.week).toBe('2026-11-16');
    // score = messages × 1 + reactions × 0.5 (the default weights; events and voice weigh 0)
    expect(current.top).toEqual([
      { userId: ALICE, name: null, messages: 2, reactions: 0, eventsAttended: 1, voiceMinutes: 60, score: 2 },
      { userId: BOB, name: null, messages: 0, reactions: 1, eventsAttended: 1, voiceMinutes: 10, score: 0.5 },
    ]);
    expect(current.distribution).toEqual([
      { min: 1, max: 4, members: 1 },
      { min: 5, max: 9, members: 0 },
      { min: 10, max: 24, members: 0 },
      { min: 25, max: 49, members: 0 },
      { min: 50, max: 99, members: 0 },
      { min: 100, max: null, members: 0 },
    ]);
  });

  it('counts a member active once per week however many batches their events arrive in', async () => {
    const before = await get('engagement?weeks=1&week=2026-11-16');
    // Alice again in the current week, in two more requests, plus a replay of a seen event.
    for (const part of [[msg(ALICE, '2026-11-22T14:55:00.000Z')], [msg(ALICE, '2026-11-22T14:56:00.000Z'), FIXTURE[8]!]]) {
      const res = await t.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: part });
      expect(res.status).toBeLessThan(300);
    }
    const after = await get('engagement?weeks=1&week=2026-11-16');
    expect(after.weeks[0]).toEqual({ ...before.weeks[0], messages: before.weeks[0].messages + 2 });
    expect(after.top[0]).toMatchObject({ userId: ALICE, messages: 4, score: 4 });
    expect((await get('retention?months=1')).monthlyActive).toEqual([{ month: '2026-11-01', members: 4 }]);
  });

  it('builds cohorts by join month with monthly retention, leaving out members who only left', async () => {
    const retention = await get('retention?months=3');
    expect(retention.monthlyActive).toEqual([
      { month: '2026-09-01', members: 2 },
      { month: '2026-10-01', members: 1 },
      { month: '2026-11-01', members: 4 }, // Alice, Bob, Erin, Frank (Carol only left)
    ]);
    expect(retention.cohorts).toEqual([
      { cohort: '2026-09-01', size: 2, active: [2, 1, 1], rates: [1, 0.5, 0.5] },
      { cohort: '2026-11-01', size: 3, active: [3], rates: [1] }, // Alice, Bob; Frank's cohort is his first active month
    ]);
  });

  it('lists rising stars and churn risks with the configured thresholds', async () => {
    const stars = await get('stars');
    // Full weeks: 11-02 … 11-15 against 10-19 … 11-01 (the current week is not over).
    expect([stars.since, stars.recentFrom, stars.until]).toEqual(['2026-10-19', '2026-11-02', '2026-11-15']);
    expect(stars.risingStars.map((s: { userId: string; recent: number; prior: number }) => [s.userId, s.recent, s.prior])).toEqual([[FRANK, 12, 0]]);
    expect(stars.churnRisks.map((s: { userId: string; recent: number; prior: number }) => [s.userId, s.recent, s.prior])).toEqual([[DAVE, 0, 10]]);
    const patch = await t.request(`/api/guilds/${GUILD}/settings`, { method: 'PATCH', json: { analytics: { rising_min_events: 20, churn_min_events: 11 } } });
    expect(patch.status).toBe(200);
    const stricter = await get('stars');
    expect(stricter.risingStars).toEqual([]);
    expect(stricter.churnRisks).toEqual([]);
    await t.request(`/api/guilds/${GUILD}/settings`, { method: 'PATCH', json: { analytics: null } });
  });

  it('refuses bad thresholds and bad query values with the field named', async () => {
    const patch = await t.request(`/api/guilds/${GUILD}/settings`, { method: 'PATCH', json: { analytics: { window_weeks: 0 } } });
    expect(patch.status).toBe(422);
    expect(JSON.stringify(await json(patch))).toContain('analytics.window_weeks');
    const res = await t.request(`/api/guilds/${GUILD}/analytics/growth?days=0`);
    expect(res.status).toBe(422);
    expect(JSON.stringify(await json(res))).toContain('days');
  });

  it('requires credentials and refuses another guild\'s admin', async () => {
    expect((await t.request(`/api/guilds/${GUILD}/analytics/growth`, { token: null })).status).toBe(401);
    const other = await json(await t.request('/api/tokens', { method: 'POST', json: { name: 'other guild', guildIds: ['1160511689263947797'] } }));
    for (const path of ['growth', 'voice', 'peak-hours', 'events', 'engagement', 'retention', 'stars']) {
      const res = await t.request(`/api/guilds/${GUILD}/analytics/${path}`, { token: other.token });
      expect(res.status, path).toBe(403);
      expect(JSON.stringify(await json(res))).not.toContain(FRANK);
    }
  });

  it('exports each table as CSV', async () => {
    const res = await t.request(`/api/guilds/${GUILD}/analytics/growth?days=2&format=csv`);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(await res.text()).toBe('day,joins,leaves,net\n2026-11-21,1,1,0\n2026-11-22,0,1,-1\n');
    const events = await (await t.request(`/api/guilds/${GUILD}/analytics/events?format=csv`)).text();
    expect(events.split('\n')[1]).toBe('555,,,,,0,2,80,40,0.5,2026-11-19T23:00:00.000Z,2026-11-20T00:00:00.000Z');
    const engaged = await (await t.request(`/api/guilds/${GUILD}/analytics/engagement?week=2026-11-09&format=csv`)).text();
    expect(engaged.trim().split('\n')).toEqual(['week,userId,name,messages,reactions,eventsAttended,voiceMinutes,score', `2026-11-09,${FRANK},,4,0,0,0,4`]);
    // Names are quoted the way CSV needs when they hold a comma or a quote.
    await database.db.execute(sql`UPDATE members SET display_name = 'Frank, "the" Great' WHERE guild_id = ${GUILD} AND user_id = ${FRANK}`);
    await database.db.execute(sql`INSERT INTO members (guild_id, user_id, display_name) VALUES (${GUILD}, ${FRANK}, 'Frank, "the" Great') ON CONFLICT DO NOTHING`);
    const quoted = await (await t.request(`/api/guilds/${GUILD}/analytics/engagement?week=2026-11-09&format=csv`)).text();
    expect(quoted.split('\n')[1]).toBe(`2026-11-09,${FRANK},"Frank, ""the"" Great",4,0,0,0,4`);
    await database.db.execute(sql`UPDATE members SET display_name = NULL WHERE guild_id = ${GUILD} AND user_id = ${FRANK}`);
    const stars = await (await t.request(`/api/guilds/${GUILD}/analytics/stars?format=csv`)).text();
    expect(stars.trim().split('\n')).toEqual(['list,userId,name,recent,prior,growth', `rising_star,${FRANK},,12,0,`, `churn_risk,${DAVE},,0,10,`]);
  });

  it('gives the same numbers through the analytics.* views as through the API', async () => {
    const growth = await get('growth?days=4');
    const viewGrowth = await queryRows<{ day: string; joins: number; leaves: number; net: number }>(
      database.db,
      sql`SELECT day::text, joins, leaves, net FROM analytics.growth_daily WHERE guild_id = ${GUILD} AND day >= '2026-11-19' ORDER BY day`,
    );
    expect(viewGrowth).toEqual(growth.days.filter((d: { joins: number; leaves: number }) => d.joins + d.leaves > 0));

    const voice = await get('voice?days=3');
    const viewVoice = await queryRows<{ day: string; minutes: string; afk: string; sessions: string }>(
      database.db,
      sql`SELECT day::text, sum(voice_minutes)::text minutes, sum(afk_minutes)::text afk, sum(sessions)::text sessions FROM analytics.member_voice_daily WHERE guild_id = ${GUILD} GROUP BY day ORDER BY day`,
    );
    expect(viewVoice.map((v) => ({ day: v.day, minutes: Number(v.minutes), afkMinutes: Number(v.afk), sessions: Number(v.sessions) }))).toEqual(voice.days);

    const events = await get('events');
    const viewEvents = await queryRows<{ id: string; attendees: number; minutes: string; avg: string; rate: string }>(
      database.db,
      sql`SELECT scheduled_event_id::text id, attendees, minutes_present::text minutes, average_minutes::text avg, on_time_rate::text rate FROM analytics.event_attendance WHERE guild_id = ${GUILD}`,
    );
    expect(viewEvents.map((e) => ({ scheduledEventId: e.id, attendees: e.attendees, minutesPresent: Number(e.minutes), averageMinutes: Number(e.avg), onTimeRate: Number(e.rate) }))).toEqual(
      events.map((e: Record<string, unknown>) => ({ scheduledEventId: e.scheduledEventId, attendees: e.attendees, minutesPresent: e.minutesPresent, averageMinutes: e.averageMinutes, onTimeRate: e.onTimeRate })),
    );

    const week = await get('engagement?weeks=1&week=2026-11-16');
    const viewWeeks = await queryRows<{ user_id: string; voice_minutes: number; messages: number; reactions: number; events_attended: number }>(
      database.db,
      sql`SELECT user_id::text, voice_minutes, messages, reactions, events_attended FROM analytics.member_engagement_weekly
          WHERE guild_id = ${GUILD} AND week = '2026-11-16' ORDER BY messages + reactions + events_attended + voice_minutes / 60 DESC, user_id`,
    );
    expect(viewWeeks.map((w) => ({ userId: w.user_id, voiceMinutes: w.voice_minutes, messages: w.messages, reactions: w.reactions, eventsAttended: w.events_attended }))).toEqual(
      week.top.map((m: Record<string, unknown>) => ({ userId: m.userId, voiceMinutes: m.voiceMinutes, messages: m.messages, reactions: m.reactions, eventsAttended: m.eventsAttended })),
    );

    const retention = await get('retention?months=3');
    const viewCohorts = await queryRows<{ cohort: string; month: string; n: number }>(
      database.db,
      sql`SELECT cohort_month::text cohort, month::text, count(*)::int n FROM analytics.member_monthly_status WHERE guild_id = ${GUILD} AND cohort_month >= '2026-09-01' GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const fromApi = retention.cohorts.flatMap((c: { cohort: string; active: number[] }) =>
      c.active.flatMap((n, i) => {
        const d = new Date(`${c.cohort}T00:00:00Z`);
        d.setUTCMonth(d.getUTCMonth() + i);
        return n > 0 ? [{ cohort: c.cohort, month: d.toISOString().slice(0, 10), n }] : [];
      }),
    );
    expect(viewCohorts).toEqual(fromApi);
    const viewRetention = await queryRows<{ cohort: string; k: number; n: number; size: number; rate: string }>(
      database.db,
      sql`SELECT cohort_month::text cohort, months_since_cohort k, active_members n, cohort_size size, retention_rate::text rate FROM analytics.cohort_retention
          WHERE guild_id = ${GUILD} AND cohort_month >= '2026-09-01' ORDER BY 1, 2`,
    );
    expect(viewRetention.map((r) => [r.cohort, r.k, r.n, r.size, Number(r.rate)])).toEqual(
      retention.cohorts.flatMap((c: { cohort: string; size: number; active: number[]; rates: number[] }) =>
        c.active.flatMap((n, k) => (n > 0 ? [[c.cohort, k, n, c.size, c.rates[k]]] : [])),
      ),
    );
  });

  it('documents every view and its columns for BI tools', async () => {
    const views = await queryRows<{ name: string; comment: string | null }>(
      database.db,
      sql`SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS comment FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'analytics' AND c.relkind = 'v' ORDER BY 1`,
    );
    expect(views.map((v) => v.name)).toEqual([
      'cohort_retention', 'event_attendance', 'event_attendance_members', 'growth_daily', 'member_engagement_weekly', 'member_monthly_status',
      'member_presence_daily', 'member_voice_daily', 'presence_hourly', 'scheduled_events',
    ]);
    for (const v of views) expect(v.comment, v.name).toBeTruthy();
  });

  it('deletes exactly the lake events past the retention window and keeps aggregates, counters and ledger', async () => {
    const count = async (q: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(database.db, q))[0]!.n;
    const expiredBefore = '2026-10-23T15:00:00.000Z'; // NOW − 30 days
    const expected = FIXTURE.filter((e) => e.occurred_at < expiredBefore).length;
    expect(expected).toBe(2); // Dave's and Erin's joins in September
    const before = await count(sql`SELECT count(*)::int n FROM lake_events WHERE guild_id = ${GUILD}`);
    const growthBefore = await get('growth?days=90');
    const retentionBefore = await get('retention?months=3');
    const ledgerBefore = await count(sql`SELECT count(*)::int n FROM transactions WHERE guild_id = ${GUILD}`);

    await t.request(`/api/guilds/${GUILD}/settings`, { method: 'PATCH', json: { retention_days: 30 } });
    const result = await deleteExpiredEvents(database.db, NOW);
    const mine = result.guilds.find((g) => g.guildId === GUILD)!;
    expect(mine).toMatchObject({ retentionDays: 30, deleted: expected, cutoff: expiredBefore });
    expect(await count(sql`SELECT count(*)::int n FROM lake_events WHERE guild_id = ${GUILD}`)).toBe(before - expected);
    expect(await count(sql`SELECT count(*)::int n FROM lake_events WHERE guild_id = ${GUILD} AND occurred_at < ${expiredBefore}::timestamptz`)).toBe(0);
    // The charts still show the history the lake no longer holds.
    expect(await get('growth?days=90')).toEqual(growthBefore);
    expect(await get('retention?months=3')).toEqual(retentionBefore);
    expect(await count(sql`SELECT count(*)::int n FROM transactions WHERE guild_id = ${GUILD}`)).toBe(ledgerBefore);
    // Deleting again deletes nothing.
    expect((await deleteExpiredEvents(database.db, NOW)).guilds.find((g) => g.guildId === GUILD)!.deleted).toBe(0);
  });

  it('reconciles the daily counters with the lake and reports, then repairs, drift', async () => {
    expect(await reconcileCounters(database.db)).toEqual([]);
    await database.db.execute(sql`UPDATE event_counters_daily SET count = count + 2 WHERE guild_id = ${GUILD} AND user_id = ${FRANK} AND day = '2026-11-03' AND side = 'actor' AND event_type = 'message_create'`);
    const drift = await reconcileCounters(database.db);
    expect(drift).toEqual([{ guildId: GUILD, userId: FRANK, eventType: 'message_create', day: '2026-11-03', counted: 4, inLake: 2 }]);
    expect(await reconcileCounters(database.db, { repair: true })).toHaveLength(1);
    expect(await reconcileCounters(database.db)).toEqual([]);
  });

  it('rebuilds the same rollups from the older aggregates as the per-batch path kept (migration 0012 backfill)', async () => {
    const paths = ['growth?days=90', 'voice?days=30', 'engagement?weeks=8&week=2026-11-16', 'engagement?weeks=8', 'retention?months=6', 'stars'];
    const before = await Promise.all(paths.map(get));
    const weeks = () => queryRows<{ week: string; active_members: number; activity: number }>(database.db, sql`SELECT week::text, active_members, activity FROM guild_weekly WHERE guild_id = ${GUILD} ORDER BY week`);
    const weeksBefore = await weeks();
    // Alice: an event, a voice session, 4 messages; Bob: a reaction, an event, 2 voice sessions.
    expect(weeksBefore.find((w) => w.week === '2026-11-16')).toEqual({ week: '2026-11-16', active_members: 2, activity: 10 });
    const rollups = ['activity_daily', 'voice_guild_daily', 'member_weekly', 'guild_weekly', 'member_cohorts', 'cohort_activity'];
    await database.db.execute(sql.raw(`TRUNCATE ${rollups.join(', ')}`));
    const migration = readFileSync(new URL('../../drizzle/0012_analytics_backfill_and_views.sql', import.meta.url), 'utf8');
    const backfill = migration.split('--> statement-breakpoint').map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter((s) => s.startsWith('INSERT'));
    expect(backfill).toHaveLength(rollups.length);
    for (const statement of backfill) await database.db.execute(sql.raw(statement));
    const activity = readFileSync(new URL('../../drizzle/0013_guild_weekly_activity.sql', import.meta.url), 'utf8');
    await database.db.execute(sql.raw(activity.split('--> statement-breakpoint')[1]!));
    clearAnalyticsCache(database.db);
    expect(await weeks()).toEqual(weeksBefore);
    expect(await Promise.all(paths.map(get))).toEqual(before);
  });

  it('recomputes a cached answer as soon as what it read changes: a rising star who leaves drops off the list', async () => {
    const first = await get('stars');
    expect(first.risingStars.map((s: { userId: string }) => s.userId)).toEqual([FRANK]);
    expect(await get('stars')).toEqual(first); // answered from the cache
    const res = await t.request(`/api/guilds/${GUILD}/events`, { method: 'POST', json: [ev('member_leave', FRANK, '2026-11-22T14:30:00.000Z')] });
    expect(res.status).toBe(200);
    expect((await get('stars')).risingStars).toEqual([]);
  });
});

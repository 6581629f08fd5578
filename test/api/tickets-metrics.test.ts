// GET /tickets/metrics: service figures computed on tickets with known times, asserted exactly —
// first response and resolution p50/p90 (continuous percentiles) per week of the guild's time zone
// (a ticket opened late on a UTC Sunday counts in the next Paris week) and per staff member,
// tickets opened and closed per week, the backlog now; other guilds and older tickets stay out.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/app/clock.ts';
import { guilds } from '../../src/db/schema.ts';
import { createTestApp, json, TEST_NOW } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';
import { after, seedTicket } from '../support/tickets.ts';

const A = '1300000000000000011';
const B = '1300000000000000012';
const M = `/api/guilds/${GUILD}/tickets/metrics`;
let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;

/** A ticket answered `fr` seconds after opening by `by` (claimed then), closed `res` seconds after opening by `closer`. */
const ticket = (number: number, opened: string, o: { fr?: number; by?: string; claim?: boolean; res?: number; closer?: string; status?: 'open' | 'claimed' | 'waiting'; guildId?: string } = {}) =>
  seedTicket(database, {
    number, openedAt: opened, openerId: ALICE, guildId: o.guildId ?? GUILD,
    ...(o.fr !== undefined ? { firstResponseAt: after(opened, o.fr), firstResponseBy: o.by ?? null } : {}),
    ...(o.claim ? { claimedBy: o.by ?? null, claimedAt: after(opened, o.fr ?? 0) } : {}),
    ...(o.res !== undefined ? { closedAt: after(opened, o.res), closedBy: o.closer ?? o.by ?? null } : {}),
    ...(o.status ? { status: o.status } : {}),
  });

beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database, {}, { clock: fixedClock(TEST_NOW) }); // Monday 2026-11-30 12:00 UTC
  await seedGuild(database);
  await seedGuild(database, { guildId: OTHER_GUILD });
  await database.db.update(guilds).set({ timezone: 'Europe/Paris' }).where(eq(guilds.id, GUILD));
  // Week of Monday 16 November (Paris).
  await ticket(1, '2026-11-17T09:00:00Z', { fr: 60, by: A, claim: true, res: 3_600 });
  await ticket(2, '2026-11-18T09:00:00Z', { fr: 120, by: A, claim: true, res: 86_400 });
  await ticket(3, '2026-11-19T09:00:00Z', { fr: 600, by: B, claim: true, res: 7_200 });
  // Week of 23 November: #4 is Sunday 23:30 UTC, already Monday 00:30 in Paris; closed by B unclaimed.
  await ticket(4, '2026-11-22T23:30:00Z', { fr: 300, by: B, res: 7_200 });
  await ticket(5, '2026-11-24T10:00:00Z', { fr: 30, by: A, claim: true, status: 'claimed' });
  await ticket(6, '2026-11-25T10:00:00Z');
  // Closed by the member who opened it: a resolution of the week, nobody's as staff.
  await ticket(7, '2026-11-26T10:00:00Z', { res: 600, closer: ALICE });
  // This week (in progress).
  await ticket(8, '2026-11-30T08:00:00Z', { fr: 90, by: A, claim: true, status: 'waiting' });
  // Before the window, and another guild: never counted.
  await ticket(9, '2026-11-02T09:00:00Z', { fr: 5, by: A, claim: true, res: 10 });
  await ticket(1, '2026-11-24T10:00:00Z', { fr: 1, by: BOB, claim: true, res: 2, guildId: OTHER_GUILD });
  await ticket(2, '2026-11-24T10:00:00Z', { guildId: OTHER_GUILD });
});
afterAll(async () => {
  await api.services.close();
});

describe('ticket service metrics', () => {
  it('computes p50/p90 of first response and resolution per local week, and tickets opened and closed', async () => {
    const res = await api.request(`${M}?weeks=3`);
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.timeZone).toBe('Europe/Paris');
    expect(body.weeks).toEqual([
      // first responses 60, 120, 600; resolutions 3600, 86400, 7200
      { week: '2026-11-16', partial: false, opened: 3, closed: 3, firstResponse: { count: 3, p50: 120, p90: 504 }, resolution: { count: 3, p50: 7_200, p90: 70_560 } },
      // first responses 300, 30; resolutions 7200, 600
      { week: '2026-11-23', partial: false, opened: 4, closed: 2, firstResponse: { count: 2, p50: 165, p90: 273 }, resolution: { count: 2, p50: 3_900, p90: 6_540 } },
      { week: '2026-11-30', partial: true, opened: 1, closed: 0, firstResponse: { count: 1, p50: 90, p90: 90 }, resolution: { count: 0, p50: null, p90: null } },
    ]);
  });

  it('computes the same per staff member: first answers, tickets handled to the end, claims', async () => {
    const body = await json(await api.request(`${M}?weeks=3`));
    expect(body.staff).toEqual([
      // A answered 60, 120, 30, 90 and handled #1 (3600) and #2 (86400); claimed #1, #2, #5, #8.
      { userId: A, firstResponse: { count: 4, p50: 75, p90: 111 }, resolution: { count: 2, p50: 45_000, p90: 78_120 }, claimed: 4 },
      // B answered 600 and 300; handled #3 (claimed) and #4 (closed unclaimed), 7200 each.
      { userId: B, firstResponse: { count: 2, p50: 450, p90: 570 }, resolution: { count: 2, p50: 7_200, p90: 7_200 }, claimed: 1 },
    ]);
  });

  it('reports the backlog now: open, claimed, waiting, unanswered and the oldest', async () => {
    const body = await json(await api.request(M));
    expect(body.backlog).toEqual({ open: 1, claimed: 1, waiting: 1, total: 3, unanswered: 1, oldestOpenedAt: '2026-11-24T10:00:00.000Z' });
  });

  it('answers twelve weeks by default, empty weeks with null percentiles', async () => {
    const body = await json(await api.request(M));
    expect(body.weeks).toHaveLength(12);
    expect(body.weeks[0]).toEqual({ week: '2026-09-14', partial: false, opened: 0, closed: 0, firstResponse: { count: 0, p50: null, p90: null }, resolution: { count: 0, p50: null, p90: null } });
    // The ticket of 2 November is inside twelve weeks.
    expect(body.weeks.find((w: { week: string }) => w.week === '2026-11-02')).toMatchObject({ opened: 1, closed: 1, firstResponse: { count: 1, p50: 5, p90: 5 } });
  });

  it.each([['weeks=0'], ['weeks=53'], ['weeks=two'], ['weeks=1.5']])('refuses %s with 422 naming weeks', async (query) => {
    const res = await api.request(`${M}?${query}`);
    expect(res.status).toBe(422);
    expect((await json(res)).error.details).toEqual([expect.objectContaining({ path: 'weeks' })]);
  });

  it("keeps each guild's figures to its own tickets", async () => {
    const body = await json(await api.request(`/api/guilds/${OTHER_GUILD}/tickets/metrics?weeks=1`));
    expect(body.weeks).toEqual([{ week: '2026-11-30', partial: true, opened: 0, closed: 0, firstResponse: { count: 0, p50: null, p90: null }, resolution: { count: 0, p50: null, p90: null } }]);
    expect(body.staff).toEqual([]);
    expect(body.backlog).toEqual({ open: 1, claimed: 0, waiting: 0, total: 1, unanswered: 1, oldestOpenedAt: '2026-11-24T10:00:00.000Z' });
  });
});

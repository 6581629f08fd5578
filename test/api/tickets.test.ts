// GET /api/guilds/:g/tickets and /tickets/:number: the queue (active tickets oldest first, closed on
// request, filters by category, staff, opener and search, keyset paging through ties, counts per
// status), a ticket with its timeline and its transcript only when the guild keeps transcripts
// (else null with the reason), another guild's tickets never reached, and bad input refused with
// the field's path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/app/clock.ts';
import { members } from '../../src/db/schema.ts';
import { createTestApp, json, TEST_NOW } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, CAROL, GUILD, OTHER_GUILD, seedGuild } from '../support/factories.ts';
import { saveTicketSettings, seedTicket, seedTicketEvents, seedTicketMessages } from '../support/tickets.ts';

const STAFF = '1300000000000000007';
const G = `/api/guilds/${GUILD}/tickets`;
let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database, {}, { clock: fixedClock(TEST_NOW) });
  await seedGuild(database);
  await seedGuild(database, { guildId: OTHER_GUILD });
  await database.db.insert(members).values([
    { guildId: GUILD, userId: ALICE, displayName: 'Alice Moreau', username: 'alice.m' },
    { guildId: GUILD, userId: BOB, displayName: 'Bob', username: 'bobby' },
    { guildId: GUILD, userId: STAFF, displayName: 'Sam Staff', username: 'sam' },
  ]);
  await saveTicketSettings(database, { categories: [{ key: 'billing', label: 'Billing & refunds' }, { key: 'general', label: 'General help' }] });
  await seedTicket(database, { number: 1, openedAt: '2026-11-20T10:00:00Z', category: 'billing', openerId: ALICE, subject: 'Refund for order 42' });
  await seedTicket(database, { number: 2, openedAt: '2026-11-18T10:00:00Z', openerId: BOB, subject: 'Cannot join voice', claimedBy: STAFF, firstResponseAt: '2026-11-18T10:05:00Z', firstResponseBy: STAFF });
  await seedTicket(database, { number: 3, openedAt: '2026-11-25T10:00:00Z', category: 'billing', openerId: CAROL, subject: 'Invoice 100% wrong', status: 'waiting', claimedBy: STAFF });
  await seedTicket(database, { number: 4, openedAt: '2026-11-10T10:00:00Z', openerId: ALICE, subject: 'Old question', closedAt: '2026-11-11T10:00:00Z', closedBy: STAFF, closeReason: 'answered', summary: 'Alice asked about roles; Sam explained.' });
  // Two tickets opened in the same instant: paging must neither skip nor repeat one.
  await seedTicket(database, { number: 5, openedAt: '2026-11-28T10:00:00.123456Z', openerId: BOB, subject: 'Role missing_after update' });
  await seedTicket(database, { number: 6, openedAt: '2026-11-28T10:00:00.123456Z', openerId: BOB, subject: 'Same instant as five' });
  await seedTicket(database, { guildId: OTHER_GUILD, number: 7, openedAt: '2026-11-21T10:00:00Z', subject: 'Other guild secret' });
  await seedTicket(database, { guildId: OTHER_GUILD, number: 1, openedAt: '2026-11-21T10:00:00Z', subject: 'Other guild secret' });
  await seedTicketEvents(database, 2, [
    { kind: 'opened', at: '2026-11-18T10:00:00Z', actorId: BOB, data: { subject: 'Cannot join voice' } },
    { kind: 'claimed', at: '2026-11-18T10:05:00Z', actorId: STAFF },
    { kind: 'waiting', at: '2026-11-18T11:00:00Z', actorId: STAFF },
  ]);
  await seedTicketMessages(database, 2, [
    { authorId: BOB, content: 'Voice says "no route"', sentAt: '2026-11-18T10:00:10Z' },
    { authorId: STAFF, content: 'Try reconnecting.', sentAt: '2026-11-18T10:05:00Z', editedAt: '2026-11-18T10:06:00Z' },
  ]);
});
afterAll(async () => {
  await api.services.close();
});

const get = async (path: string) => {
  const res = await api.request(path);
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
};
const numbers = async (query: string) => (await get(`${G}?${query}`)).tickets.map((t: { number: number }) => t.number);

describe('the ticket queue', () => {
  it('lists open, claimed and waiting tickets oldest first, with ids as strings, labels, ages and counts per status', async () => {
    const body = await get(G);
    expect(body.tickets.map((t: { number: number }) => t.number)).toEqual([2, 1, 3, 5, 6]);
    expect(body.counts).toEqual({ open: 3, claimed: 1, waiting: 1, closed: 1 });
    expect(body.nextCursor).toBeNull();
    const first = body.tickets[0];
    expect(first).toMatchObject({
      number: 2, status: 'claimed', category: 'general', categoryLabel: 'General help', subject: 'Cannot join voice', mode: 'thread',
      openerId: BOB, claimedBy: STAFF, firstResponseBy: STAFF, openedAt: '2026-11-18T10:00:00.000Z', firstResponseAt: '2026-11-18T10:05:00.000Z',
      closedAt: null, channelGone: false,
      ageSeconds: (TEST_NOW.getTime() - Date.parse('2026-11-18T10:00:00Z')) / 1000,
    });
    expect(typeof first.channelId).toBe('string');
    expect(body.tickets.find((t: { number: number }) => t.number === 1).categoryLabel).toBe('Billing & refunds');
    expect(JSON.stringify(body)).not.toContain('Other guild secret');
  });

  it('shows closed tickets on request, newest first when asked, with the age from opening to closing', async () => {
    const closed = await get(`${G}?status=closed`);
    expect(closed.tickets.map((t: { number: number }) => t.number)).toEqual([4]);
    expect(closed.tickets[0]).toMatchObject({ status: 'closed', closedBy: STAFF, closeReason: 'answered', ageSeconds: 86_400 });
    expect(await numbers('status=open,closed&order=newest')).toEqual([6, 5, 1, 4]);
  });

  it('filters by category, by staff member, by unclaimed and by opener', async () => {
    expect(await numbers('category=billing')).toEqual([1, 3]);
    expect(await numbers(`staff=${STAFF}`)).toEqual([2, 3]);
    expect(await numbers('staff=none')).toEqual([1, 5, 6]);
    expect(await numbers(`opener=${ALICE}`)).toEqual([1]);
    expect(await numbers(`opener=${ALICE}&status=open,claimed,waiting,closed`)).toEqual([4, 1]);
    // The counts follow the filters (their tabs show what a click would list).
    expect((await get(`${G}?category=billing`)).counts).toEqual({ open: 1, claimed: 0, waiting: 1, closed: 0 });
  });

  it('searches the subject, the opener\'s name and the number; % and _ are taken literally', async () => {
    expect(await numbers('q=REFUND')).toEqual([1]);
    expect(await numbers('q=alice')).toEqual([1]);
    expect(await numbers(`q=${encodeURIComponent('#3')}`)).toEqual([3]);
    expect(await numbers('q=6')).toEqual([6]);
    expect(await numbers(`q=${encodeURIComponent('100%')}`)).toEqual([3]);
    expect(await numbers(`q=${encodeURIComponent('%')}`)).toEqual([3]);
    expect(await numbers('q=missing_after')).toEqual([5]);
    expect(await numbers('q=n_j')).toEqual([]);
  });

  it('pages with a cursor through tickets opened in the same instant, in both orders', async () => {
    const pages = async (order: string) => {
      const seen: number[][] = [];
      let cursor: string | null = null;
      do {
        const body: { tickets: { number: number }[]; nextCursor: string | null } = await get(`${G}?limit=2&order=${order}${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(body.tickets.map((t) => t.number));
        cursor = body.nextCursor;
      } while (cursor);
      return seen;
    };
    expect(await pages('oldest')).toEqual([[2, 1], [3, 5], [6]]);
    expect(await pages('newest')).toEqual([[6, 5], [3, 1], [2]]);
  });

  it.each([
    ['status=pending', 'status[0]'],
    ['status=', 'status[0]'],
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=9007199254740993', 'limit'],
    ['order=sideways', 'order'],
    ['cursor=not-a-cursor', 'cursor'],
    ['staff=sam', 'staff'],
    ['opener=12.5', 'opener'],
    ['category=Billing!', 'category'],
    [`q=${'x'.repeat(101)}`, 'q'],
    ['q=%1B%5B31m', 'q'],
  ])('refuses %s with 422 naming %s', async (query, path) => {
    const res = await api.request(`${G}?${query}`);
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(422);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('refuses a NUL byte in the search with 400 naming the query field', async () => {
    const res = await api.request(`${G}?q=a%00b`);
    expect(res.status).toBe(400);
    expect((await json(res)).error.details).toEqual([expect.objectContaining({ path: 'query.q' })]);
  });
});

describe('one ticket', () => {
  it('answers the ticket, its timeline in order, and no transcript while transcripts are off (saying why)', async () => {
    const body = await get(`${G}/2`);
    expect(body.ticket).toMatchObject({ number: 2, status: 'claimed', openerId: BOB, claimedBy: STAFF, summary: null, categoryLabel: 'General help' });
    expect(body.timeline).toEqual([
      { seq: 1, kind: 'opened', actorId: BOB, at: '2026-11-18T10:00:00.000Z', data: { subject: 'Cannot join voice' } },
      { seq: 2, kind: 'claimed', actorId: STAFF, at: '2026-11-18T10:05:00.000Z', data: {} },
      { seq: 3, kind: 'waiting', actorId: STAFF, at: '2026-11-18T11:00:00.000Z', data: {} },
    ]);
    // Messages are stored, but the guild does not keep transcripts: none is shown.
    expect(body.transcript).toBeNull();
    expect(body.noTranscript).toEqual({ reason: 'transcripts_off', message: expect.stringContaining('keeps no transcripts') });
    expect(JSON.stringify(body)).not.toContain('no route');
  });

  it('answers the AI summary of a closed ticket', async () => {
    expect((await get(`${G}/4`)).ticket).toMatchObject({ status: 'closed', summary: 'Alice asked about roles; Sam explained.', closeReason: 'answered' });
  });

  it('answers the transcript once transcripts are on, and why there is none for a ticket without kept messages', async () => {
    await saveTicketSettings(database, { transcripts: { enabled: true, retention_days: 30 } });
    try {
      const body = await get(`${G}/2`);
      expect(body.noTranscript).toBeNull();
      expect(body.transcript).toEqual({
        retentionDays: 30,
        messages: [
          { messageId: expect.any(String), authorId: BOB, content: 'Voice says "no route"', attachments: [], sentAt: '2026-11-18T10:00:10.000Z', editedAt: null, deletedAt: null },
          { messageId: expect.any(String), authorId: STAFF, content: 'Try reconnecting.', attachments: [], sentAt: '2026-11-18T10:05:00.000Z', editedAt: '2026-11-18T10:06:00.000Z', deletedAt: null },
        ],
      });
      const none = await get(`${G}/1`);
      expect(none.transcript).toBeNull();
      expect(none.noTranscript).toEqual({ reason: 'none_kept', message: expect.stringContaining('30-day retention') });
    } finally {
      await saveTicketSettings(database, {});
    }
  });

  it("answers 404 for another guild's ticket and for a number that does not exist", async () => {
    for (const path of [`${G}/7`, `${G}/99`, `${G}/7/transcript.json`, `${G}/7/transcript.html`]) {
      const res = await api.request(path);
      expect(res.status, path).toBe(404);
      const text = await res.text();
      expect(text).not.toContain('Other guild secret');
    }
  });

  it.each([['abc'], ['0'], ['-1'], ['1.5'], ['99999999999'], ['2147483648']])('refuses ticket number %s with 422 naming number', async (number) => {
    const res = await api.request(`${G}/${number}`);
    expect(res.status).toBe(422);
    expect((await json(res)).error.details).toEqual([expect.objectContaining({ path: 'number' })]);
  });
});

describe('credentials', () => {
  it('answers 401 without credentials on every ticket route', async () => {
    for (const path of [G, `${G}/metrics`, `${G}/2`, `${G}/2/transcript.html`, `${G}/2/transcript.json`]) {
      const res = await api.request(path, { token: null });
      expect(res.status, path).toBe(401);
    }
  });

  it("answers 403 to an admin of another guild, and lets a guild's own token read its queue", async () => {
    const other = (await json(await api.request('/api/tokens', { method: 'POST', json: { name: 'other admin', guildIds: [OTHER_GUILD] } }))).token;
    expect((await api.request(`${G}/2`, { token: other })).status).toBe(403);
    const res = await api.request(`/api/guilds/${OTHER_GUILD}/tickets`, { token: other });
    expect((await json(res)).tickets.map((t: { number: number }) => t.number)).toEqual([1, 7]);
  });
});

// PATCH /settings: every setting the settings page edits is stored and read back; every field
// refuses bad, huge and hostile values with its field path, and a refused change writes nothing
// (neither the settings nor the audit log).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, json } from '../support/app.ts';
import { createTestDatabase, resetDatabase, type TestDatabase } from '../support/db.ts';
import { GUILD, seedGuild } from '../support/factories.ts';

let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database);
});
afterAll(async () => {
  await api.services.close();
});
beforeEach(async () => {
  await resetDatabase(database);
  await seedGuild(database, { currencies: [{ key: 'xp' }, { key: 'gold', spendable: true }] });
});

const G = `/api/guilds/${GUILD}`;
const call = async (method: string, path: string, body?: unknown) => {
  const res = await api.request(`${G}${path}`, { method, ...(body === undefined ? {} : { json: body }) });
  return { status: res.status, body: await json(res) };
};
const CHANNEL = '1111111111111111111';
const ROLE = '2222222222222222222';
const HUGE = 2 ** 53;
const deep = (levels: number): unknown => (levels === 0 ? 'x' : { a: deep(levels - 1) });

const EVERY_SETTING = {
  name: 'The Garden',
  timezone: 'America/New_York',
  announce_channel_id: CHANNEL,
  announce_interval_seconds: 120,
  admin_role_ids: [ROLE],
  staff_role_ids: [ROLE],
  retention_days: 90,
  capture: { reaction_add: false },
  voice_excluded_channels: [CHANNEL],
  leaderboard_post: { channel_id: CHANNEL, currency: 'xp', cadence: 'monthly', top: 5, period: 'all' },
  labels: { xp: 'Sparks', milestones: 'Achievements', level: 'Rank' },
  analytics: { window_weeks: 4, rising_min_events: 10, churn_min_events: 5 },
  accent_color: '#ff8800',
  public_leaderboard: { enabled: true, currencies: ['xp'] },
};

describe('PATCH /settings, the edit path', () => {
  it('stores every setting the settings page edits and reads them back', async () => {
    const patched = await call('PATCH', '/settings', EVERY_SETTING);
    expect(patched.body.error?.details ?? []).toEqual([]);
    expect(patched.status).toBe(200);
    const read = await call('GET', '/settings');
    expect(read.body).toMatchObject(EVERY_SETTING);
  });

  it('a label set replaces the labels before it, and null removes them all', async () => {
    await call('PATCH', '/settings', { labels: { xp: 'Sparks', gold: 'Coins' }, staff_role_ids: [ROLE] });
    expect((await call('PATCH', '/settings', { labels: { gold: 'Doubloons' }, staff_role_ids: [] })).status).toBe(200);
    const read = (await call('GET', '/settings')).body;
    expect(read.labels).toEqual({ gold: 'Doubloons' });
    expect(read.staff_role_ids).toEqual([]);
    await call('PATCH', '/settings', { labels: null });
    expect((await call('GET', '/settings')).body).not.toHaveProperty('labels');
  });

  it('trims labels', async () => {
    await call('PATCH', '/settings', { labels: { xp: '  Sparks  ' } });
    expect((await call('GET', '/settings')).body.labels).toEqual({ xp: 'Sparks' });
  });
});

// Each: a change and the field path its problem is reported at.
const BAD: [string, unknown, string][] = [
  ['an empty name', { name: '' }, 'name'],
  ['a huge name', { name: 'n'.repeat(10_000) }, 'name'],
  ['a time zone that does not exist', { timezone: 'Mars/Olympus' }, 'timezone'],
  ['a time zone that is not text', { timezone: 5 }, 'timezone'],
  ['a channel that is not a snowflake', { announce_channel_id: 'general' }, 'announce_channel_id'],
  ['a channel id as a number (precision lost)', { announce_channel_id: Number(CHANNEL) }, 'announce_channel_id'],
  ['a snowflake beyond 64 bits', { announce_channel_id: '99999999999999999999999' }, 'announce_channel_id'],
  ['an interval of 2^53 seconds', { announce_interval_seconds: HUGE }, 'announce_interval_seconds'],
  ['a negative interval', { announce_interval_seconds: -1 }, 'announce_interval_seconds'],
  ['a fractional interval', { announce_interval_seconds: 1.5 }, 'announce_interval_seconds'],
  ['an admin role that is not a snowflake', { admin_role_ids: ['admins'] }, 'admin_role_ids[0]'],
  ['too many staff roles', { staff_role_ids: Array.from({ length: 51 }, (_, i) => String(1_000_000_000_000_000 + i)) }, 'staff_role_ids'],
  ['a staff role that is not a snowflake', { staff_role_ids: [ROLE, 'mods'] }, 'staff_role_ids[1]'],
  ['retention of 2^53 days', { retention_days: HUGE }, 'retention_days'],
  ['retention under a week', { retention_days: 1 }, 'retention_days'],
  ['a captured event type that does not exist', { capture: { keystrokes: true } }, 'capture'],
  ['a voice channel that is not a snowflake', { voice_excluded_channels: ['afk'] }, 'voice_excluded_channels[0]'],
  ['a leaderboard post to a channel that is not a snowflake', { leaderboard_post: { channel_id: 'x', currency: 'xp', cadence: 'weekly' } }, 'leaderboard_post.channel_id'],
  ['a leaderboard post with an unknown cadence', { leaderboard_post: { channel_id: CHANNEL, currency: 'xp', cadence: 'daily' } }, 'leaderboard_post.cadence'],
  ['a leaderboard post of 2^53 members', { leaderboard_post: { channel_id: CHANNEL, currency: 'xp', cadence: 'weekly', top: HUGE } }, 'leaderboard_post.top'],
  ['a leaderboard post of a currency the server does not have', { leaderboard_post: { channel_id: CHANNEL, currency: 'gems', cadence: 'weekly' } }, 'leaderboard_post.currency'],
  ['a leaderboard post with a stray field', { leaderboard_post: { channel_id: CHANNEL, currency: 'xp', cadence: 'weekly', extra: 1 } }, 'leaderboard_post'],
  ['an empty label', { labels: { xp: '   ' } }, 'labels.xp'],
  ['a label over 64 characters', { labels: { xp: 'x'.repeat(65) } }, 'labels.xp'],
  ['a huge label', { labels: { xp: 'x'.repeat(100_000) } }, 'labels.xp'],
  ['a label with a NUL', { labels: { xp: 'Sp\u0000rks' } }, 'labels.xp'],
  ['a label on two lines', { labels: { xp: 'Sp\narks' } }, 'labels.xp'],
  ['a label for a currency the server does not have', { labels: { gems: 'Gems' } }, 'labels.gems'],
  ['a label for a term Cairn does not know', { labels: { badges: 'Badges' } }, 'labels.badges'],
  ['a label that is an object', { labels: { xp: { deep: [[[]]] } } }, 'labels.xp'],
  ['labels that are a list', { labels: ['Sparks'] }, 'labels'],
  ['analytics windows of 2^53 weeks', { analytics: { window_weeks: HUGE } }, 'analytics.window_weeks'],
  ['analytics with nested junk', { analytics: { window_weeks: 4, nested: { a: [1, { b: 2 }] } } }, 'analytics'],
  ['an accent that is not a colour', { accent_color: 'red' }, 'accent_color'],
  ['a public leaderboard switched on with text', { public_leaderboard: { enabled: 'yes', currencies: [] } }, 'public_leaderboard.enabled'],
  ['a setting that does not exist', { theme: 'dark' }, '(root)'],
  ['a name with a NUL', { name: 'The\u0000Garden' }, 'name'],
];

describe('PATCH /settings refuses bad values with the field path, and changes nothing', () => {
  it.each(BAD)('%s', async (_what, change, path) => {
    const before = (await call('GET', '/settings')).body;
    const auditBefore = (await call('GET', '/audit-log?entity=guild')).body.length;
    const refused = await call('PATCH', '/settings', change);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(refused.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect((await call('GET', '/settings')).body).toEqual(before);
    expect((await call('GET', '/audit-log?entity=guild')).body.length).toBe(auditBefore);
  });

  it('refuses a whole change when one of its fields is bad (the good ones are not applied)', async () => {
    const refused = await call('PATCH', '/settings', { timezone: 'Europe/Paris', labels: { gems: 'Gems' } });
    expect(refused.status).toBe(422);
    expect((await call('GET', '/settings')).body.timezone).toBe('UTC');
  });

  it('refuses a body nested deeper than any settings document as invalid JSON', async () => {
    const refused = await call('PATCH', '/settings', { labels: deep(500) });
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
  });
});

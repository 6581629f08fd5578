// The Community page in a real browser: server size and growth with the 30/60/90-day selector,
// scheduled events by name with a page per event, the impact pulse under the configured score (and
// its weights edited in settings), presence explained when the intent is off, rising stars and churn risks linking to member profiles, CSV downloads, and an
// empty state in every section for a guild with no activity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guilds } from '../../src/db/schema.ts';
import { DEMO_GUILD_ID, loginWithToken, openBrowser, screenshot, startPanel, type Browser, type Panel } from './support.ts';

const JOINED = ['1000000000000009001', '1000000000000009002', '1000000000000009003'];
const STAR = '1000000000000009101';
const QUIET = '1000000000000009102';
/** Members the directory does not know show as "Member …" and the last digits of their id. */
const STAR_LABEL = 'Member …9101';
const QUIET_LABEL = 'Member …9102';
const EMPTY_GUILD = '1000000000000000777';
const DAY = 86_400_000;

let panel: Panel;
let browser: Browser;
let n = 0;
const event = (type: string, actor: string, at: Date, data: Record<string, unknown> = {}) => ({
  source_id: `community-${n++}`, type, guild_id: DEMO_GUILD_ID, actor_id: actor, target_id: null, channel_id: '1000000000000000101', occurred_at: at.toISOString(), data,
});

beforeAll(async () => {
  panel = await startPanel();
  browser = await openBrowser();
  const now = Date.now();
  // Three joins and one leave in the last hours; a scheduled event; a member busy 8–13 days ago
  // (always inside the last two full weeks) and one busy 22–27 days ago (the two weeks before).
  const noon = (daysAgo: number, i: number) => new Date(Math.floor((now - daysAgo * DAY) / DAY) * DAY + 12 * 3_600_000 + i * 60_000);
  await panel.api(`/guilds/${DEMO_GUILD_ID}/events`, {
    json: [
      ...JOINED.map((id, i) => event('member_join', id, new Date(now - (3 - i) * 3_600_000))),
      event('member_leave', JOINED[2]!, new Date(now - 1_800_000)),
      event('scheduled_event_attend', JOINED[0]!, new Date(now - 2 * 3_600_000), { scheduled_event_id: '1000000000000005555', minutes_present: 45, joined_on_time: true }),
      ...Array.from({ length: 12 }, (_, i) => event('message_create', STAR, noon(8 + (i % 6), i), { length: 50 })),
      ...Array.from({ length: 12 }, (_, i) => event('message_create', QUIET, noon(22 + (i % 6), i), { length: 50 })),
    ],
  });
  await panel.services.database.db.insert(guilds).values({ id: EMPTY_GUILD, name: 'Quiet guild' });
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

describe('the Community page', () => {
  it('shows server size, growth for 30/60/90 days, events, rising stars and churn risks linking to profiles', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${panel.url}/g/${DEMO_GUILD_ID}/community`);
    // The demo's 11 present members (its bot and the one who left are not counted), two of the three
    // who just joined (one left again), and the two who took part without a join seen.
    await expect(page.getByTestId('members-now').textContent()).resolves.toBe('15');
    await expect(page.getByRole('heading', { name: 'Growth' }).isVisible()).resolves.toBe(true);

    const ninety = page.waitForResponse((r) => r.url().includes('/analytics/growth?days=90') && r.status() === 200);
    await page.getByText('90 days').click();
    await ninety;
    // Events by name: the demo's, and one known only from attendance (no raw id anywhere).
    const events = page.getByTestId('scheduled-events');
    await events.getByRole('link', { name: 'Paint & Chat night' }).waitFor();
    await events.getByRole('link', { name: 'Showcase Friday' }).waitFor();
    await events.getByRole('link', { name: /^An earlier event/ }).waitFor();
    await expect(events.getByText('1000000000000005555').count()).resolves.toBe(0);
    await expect(page.getByTestId('pulse-formula').textContent()).resolves.toBe('messages × 1 + reactions × 0.5');
    await page.getByTestId('presence-intent-off').waitFor();

    const rising = page.getByTestId('rising-stars');
    await expect(rising.getByRole('link', { name: STAR_LABEL }).isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('churn-risks').getByRole('link', { name: QUIET_LABEL }).isVisible()).resolves.toBe(true);
    await screenshot(page, 'community');

    await rising.getByRole('link', { name: STAR_LABEL }).click();
    await page.waitForURL(`${panel.url}/g/${DEMO_GUILD_ID}/members/${STAR}`);
    await page.close();
  });

  it('downloads each table as CSV with the session cookie', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${panel.url}/g/${DEMO_GUILD_ID}/community`);
    await page.getByTestId('members-now').waitFor();
    const hrefs = await Promise.all((await page.getByRole('link', { name: /^CSV/ }).all()).map((link) => link.getAttribute('href')));
    expect(hrefs.length).toBeGreaterThanOrEqual(7);
    const growth = hrefs.find((h) => h?.includes('/analytics/growth'))!;
    const body = await page.evaluate(async (href) => {
      const res = await fetch(href);
      return { type: res.headers.get('content-type'), text: await res.text() };
    }, growth);
    expect(body.type).toContain('text/csv');
    expect(body.text.split('\n')[0]).toBe('day,joins,leaves,net');
    await page.close();
  });

  it('gives every section a clear empty state for a guild with no activity', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${panel.url}/g/${EMPTY_GUILD}/community`);
    await page.getByText('Nobody was in voice in this period').waitFor({ state: 'visible' });
    await page.getByText('No activity in the last 28 days').waitFor({ state: 'visible' });
    await page.getByText('No scheduled event yet').waitFor({ state: 'visible' });
    await page.getByText('No online session recorded in the last 30 days').waitFor({ state: 'visible' });
    await page.getByText('Nobody was active this week or last').waitFor({ state: 'visible' });
    await page.getByText('No cohorts yet').waitFor({ state: 'visible' });
    await page.getByText('No rising star in this window').waitFor({ state: 'visible' });
    await page.getByText('Nobody active went quiet').waitFor({ state: 'visible' });
    expect(await page.getByTestId('empty').count()).toBeGreaterThanOrEqual(10);
    await screenshot(page, 'community-empty');
    await page.close();
  });

  it('opens a scheduled event’s page with its host, place, status and who attended, by name', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${panel.url}/g/${DEMO_GUILD_ID}/community`);
    await page.getByTestId('scheduled-events').getByRole('link', { name: 'Paint & Chat night' }).click();
    await page.waitForURL(`${panel.url}/g/${DEMO_GUILD_ID}/community/events/1000000000000002001`);
    await page.getByRole('heading', { name: 'Paint & Chat night' }).waitFor();
    await page.getByTestId('event-status').getByText('Ended').waitFor();
    const attendance = page.getByTestId('attendance');
    await attendance.getByText('Tomás Ferreira').waitFor();
    await expect(attendance.locator('tbody tr').count()).resolves.toBe(6);
    await expect(attendance.locator('tbody tr').first().textContent()).resolves.toContain('120');
    await page.getByText('#Paint & Chat').first().waitFor();
    await screenshot(page, 'community-event');
    await page.close();
  });

  it('edits the engagement score’s weights in settings, refuses a bad one at the field, and the Community page follows', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${panel.url}/g/${DEMO_GUILD_ID}/settings`);
    const message = page.getByTestId('weight-message');
    await message.waitFor();
    await expect(message.inputValue()).resolves.toBe('1');
    await message.fill('-2');
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Engagement score' }) });
    await section.getByRole('button', { name: 'Save' }).click();
    await section.locator('.field-error').first().waitFor();
    await page.getByTestId('weight-message').fill('2');
    await page.getByTestId('weight-voice_minute').fill('0.5');
    const saved = page.waitForResponse((r) => r.url().includes('/settings') && r.request().method() === 'PATCH' && r.status() === 200);
    await section.getByRole('button', { name: 'Save' }).click();
    await saved;
    await page.reload();
    await expect(page.getByTestId('weight-message').inputValue()).resolves.toBe('2');
    await page.goto(`${panel.url}/g/${DEMO_GUILD_ID}/community`);
    await expect(page.getByTestId('pulse-formula').textContent()).resolves.toBe('messages × 2 + reactions × 0.5 + voice minutes × 0.5');
    await panel.api(`/guilds/${DEMO_GUILD_ID}/settings`, { method: 'PATCH', json: { engagement: null } });
    await page.close();
  });
});

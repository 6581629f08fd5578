// The leaderboard in the browser: the panel's page shows faces, names, levels and progress bars; the
// settings page switches the public page on; the public page opens without credentials (names,
// tabs, paging), answers 404 when not opted in, hides opted-out members entirely, and fits a phone.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GUILD_ID, openBrowser, screenshot, signedInPage, startPanel, type Browser, type Panel } from './support.ts';

let panel: Panel;
let browser: Browser;
/** A browser that never logs in: what the public sees. */
let anonymous: Browser;
const LONG_NAME = 'Wolfeschlegelsteinhausenbergerdorff'.repeat(3);
let top: string[] = [];

beforeAll(async () => {
  panel = await startPanel();
  browser = await openBrowser();
  anonymous = await openBrowser();
  const db = panel.services.database.db;
  top = (await panel.api(`/guilds/${DEMO_GUILD_ID}/leaderboard?currency=xp&limit=3`)).entries.map((e: { userId: string }) => e.userId);
  // Names for the top three (the first with a name no phone can fit on one line).
  const names = [LONG_NAME, 'Grace Hopper', 'Opted Out Olga'];
  for (const [i, id] of top.entries()) {
    await db.execute(sql`INSERT INTO members (guild_id, user_id, display_name) VALUES (${DEMO_GUILD_ID}, ${id}, ${names[i]!})
                         ON CONFLICT (guild_id, user_id) DO UPDATE SET display_name = EXCLUDED.display_name`);
  }
  // Enough members for several public pages.
  const many = Array.from({ length: 140 }, (_, i) => `(${DEMO_GUILD_ID}, ${String(400000000000000000n + BigInt(i))}, c.id, 1, 1)`).join(',');
  await db.execute(sql.raw(`INSERT INTO wallets (guild_id, user_id, currency_id, balance, lifetime_earned) SELECT v.g, v.u, v.c, v.b, v.l FROM (SELECT g::bigint, u::bigint, c, b, l FROM (VALUES ${many.replaceAll('c.id', `(SELECT id FROM currencies WHERE guild_id = ${DEMO_GUILD_ID} AND key = 'xp')`)}) AS t(g, u, c, b, l)) v`));
});
afterAll(async () => {
  await anonymous?.close();
  await browser?.close();
  await panel?.close();
});

describe('the panel leaderboard', () => {
  it('shows rank, avatar, name, level and progress; ids only behind a copy button', async () => {
    const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}/leaderboard`);
    await page.locator('td.rank').first().waitFor();
    const first = page.locator('tbody tr').first();
    await expect(first.locator('.name').textContent()).resolves.toBe(LONG_NAME);
    await expect(page.locator('tbody tr').nth(1).locator('.name').textContent()).resolves.toBe('Grace Hopper');
    expect(await first.locator('.avatar').count()).toBe(1);
    await expect(first.locator('.level-bar .label').textContent()).resolves.toMatch(/^Level \d+$/);
    const progress = Number(await first.locator('[role=progressbar]').getAttribute('aria-valuenow'));
    expect(progress).toBeGreaterThanOrEqual(0);
    expect(progress).toBeLessThanOrEqual(100);
    await expect(first.getByRole('button', { name: 'Copy member id' }).getAttribute('title')).resolves.toContain(top[0]);
    // No raw id as text in the table.
    expect(await page.locator('table').innerText()).not.toMatch(/\d{17,20}/);
    await expect(page.locator('.summary').textContent()).resolves.toMatch(/members ranked/);
    await page.getByRole('button', { name: 'Next ›' }).click();
    await expect.poll(() => page.locator('td.rank').first().textContent()).toBe('26');
    await page.getByRole('tab', { name: 'Last 7 days' }).click();
    await expect.poll(() => page.locator('thead').textContent()).toContain('Earned in 7 days');
    await screenshot(page, 'leaderboard-names');
    await page.close();
  });
});

describe('the public leaderboard page', () => {
  const publicPath = `/p/${DEMO_GUILD_ID}/leaderboard`;

  it('is a 404 without credentials while the guild has not opted in', async () => {
    const page = await anonymous.newPage();
    const res = await page.goto(`${panel.url}${publicPath}`);
    expect(res?.status()).toBe(404);
    await page.getByText('not public').waitFor();
    await page.close();
  });

  it('is switched on from the settings page and then opens without credentials: names, tabs, paging', async () => {
    const settings = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}/settings`);
    await settings.getByRole('heading', { name: 'Public leaderboard' }).waitFor();
    // The settings page has a Save per section: this one is the public leaderboard's.
    const section = settings.locator('#settings-public-leaderboard');
    await section.getByLabel('Publish the leaderboard page').check();
    await section.getByLabel(/XP$/).check();
    await section.getByLabel(/Stars$/).check();
    await section.getByRole('button', { name: 'Save' }).click();
    const link = settings.getByRole('link', { name: new RegExp(`/p/${DEMO_GUILD_ID}/leaderboard$`) });
    await link.waitFor();
    await settings.close();

    const page = await anonymous.newPage();
    const res = await page.goto(`${panel.url}${publicPath}`);
    expect(res?.status()).toBe(200);
    expect(await page.context().cookies()).toEqual([]);
    await page.getByRole('heading', { name: 'Cairn Demo' }).or(page.locator('h1')).first().waitFor();
    await expect(page.locator('.row .name').nth(1).textContent()).resolves.toBe('Grace Hopper');
    expect(await page.locator('.row').count()).toBe(50);
    expect(await page.locator('.row .bar').count()).toBe(50);
    await expect(page.locator('.pager').textContent()).resolves.toMatch(/Page 1 of [3-9]/);
    await page.getByRole('link', { name: 'Next ›' }).click();
    await expect(page.locator('.row .rank').first().textContent()).resolves.toBe('51');
    await page.getByRole('navigation', { name: 'Currencies' }).getByRole('link', { name: /Stars/ }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('currency')).toBe('stars');
    await page.getByRole('navigation', { name: 'Period' }).getByRole('link', { name: 'Last 7 days' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('period')).toBe('week');
    // Gold was not ticked: not offered, and 404 when asked for.
    expect(await page.getByRole('link', { name: /Gold/ }).count()).toBe(0);
    expect((await page.goto(`${panel.url}${publicPath}?currency=gold`))?.status()).toBe(404);
    await page.close();
  });

  it('hides a member who opted out: no name, avatar or id in the HTML', async () => {
    await panel.api(`/guilds/${DEMO_GUILD_ID}/members/${top[2]}/visibility`, { method: 'PUT', json: { public: false } });
    const page = await anonymous.newPage();
    // A URL this browser has not cached (the page is public, max-age=30: a browser may keep a copy that long).
    await page.goto(`${panel.url}${publicPath}?currency=xp&period=all`);
    const html = await page.content();
    expect(html).toContain('Hidden member');
    expect(html).not.toContain('Opted Out Olga');
    expect(html).not.toContain(top[2]);
    // And no member's id at all: the only long number on the page is the guild's, in its links.
    expect(html.replaceAll(DEMO_GUILD_ID, '')).not.toMatch(/\d{17,20}/);
    await page.close();
  });

  it('fits a 375 px phone: nothing overflows sideways, even a very long name', async () => {
    const page = await anonymous.newPage();
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${panel.url}${publicPath}`);
    await expect(page.locator('.row .name').first().textContent()).resolves.toBe(LONG_NAME);
    // Run in the page (as strings: the test's own types know no DOM).
    const widths = await page.evaluate<{ scroll: number; client: number }>('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })');
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    const overflowing = await page.evaluate<string[]>("[...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5).map((el) => el.className || el.tagName)");
    expect(overflowing).toEqual([]);
    await screenshot(page, 'public-leaderboard-phone');
    await page.close();
  });
});


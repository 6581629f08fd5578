// The members pages in a real browser over the demo guild: faces and names (never a bare id), search
// by name kept in the URL, sorting by a currency, the "joined in the last N days" filter, a member
// who left marked as such; the profile header with role chips and a level bar; and the Community
// page counting and naming the demo's members.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GUILD_ID, openBrowser, screenshot, signedInPage, startPanel, type Browser, type Panel } from './support.ts';

let panel: Panel;
let browser: Browser;
const G = `/g/${DEMO_GUILD_ID}`;
/** A Discord id printed as text (outside a tooltip, attribute or the clipboard). */
const RAW_ID = /\b[0-9]{17,20}\b/;

beforeAll(async () => {
  panel = await startPanel();
  browser = await openBrowser();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

describe('the members page', () => {
  it('shows avatars, names with @usernames, role chips, levels and balances, and no raw id', async () => {
    const page = await signedInPage(browser, panel, `${G}/members`);
    await page.locator('tbody tr').first().waitFor();
    expect(await page.locator('tbody tr').count()).toBe(13);
    const maya = page.locator('tr', { hasText: 'Maya Lindqvist' });
    await expect(maya.textContent()).resolves.toContain('@maya.paints');
    await expect(maya.locator('.avatar').textContent()).resolves.toBe('ML'); // initials, no avatar image
    await expect(maya.getByRole('list', { name: 'Roles' }).textContent()).resolves.toContain('Moderator');
    await expect(maya.locator('td.num').first().textContent()).resolves.toBe('13'); // level
    await expect(page.locator('tr', { hasText: 'Ben Carter' }).locator('.badge', { hasText: 'left' }).isVisible()).resolves.toBe(true);
    await expect(page.locator('tr', { hasText: 'Cairn' }).locator('.badge', { hasText: 'bot' }).isVisible()).resolves.toBe(true);
    expect(await page.locator('main').innerText()).not.toMatch(RAW_ID);
    // The id is one click away, in the tooltip and the copy button.
    await expect(maya.getByRole('button', { name: 'Copy the id of Maya Lindqvist' }).getAttribute('title')).resolves.toContain('1000000000000001000');
    await screenshot(page, 'members-names');
    await page.close();
  });

  it('finds a member by name as one types, keeps the search in the URL, and restores it on reload', async () => {
    const page = await signedInPage(browser, panel, `${G}/members`);
    await page.locator('tbody tr').first().waitFor();
    await page.getByLabel('Search members').fill('juni');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await expect(page.locator('tbody tr').textContent()).resolves.toContain('Juniper ✨');
    await expect.poll(() => new URL(page.url()).searchParams.get('search')).toBe('juni');
    await page.reload();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await expect(page.getByLabel('Search members').inputValue()).resolves.toBe('juni');
    // By username and by the start of an id, too.
    await page.getByLabel('Search members').fill('grumpy');
    await expect.poll(async () => page.locator('tbody tr').first().textContent()).toContain('grumpy_wizard');
    await page.getByLabel('Search members').fill('1000000000000001009');
    await expect.poll(async () => page.locator('tbody tr').allTextContents()).toEqual([expect.stringContaining('Rin 🌙')]);
    await page.close();
  });

  it('sorts by a currency, filters by join date and by presence', async () => {
    const page = await signedInPage(browser, panel, `${G}/members`);
    await page.locator('tbody tr').first().waitFor();
    await page.getByLabel('Sort by').selectOption({ label: 'Stars balance' });
    await expect.poll(async () => page.locator('tbody tr .name').first().textContent()).toBe('Maya Lindqvist');
    await page.getByRole('button', { name: /switch to ascending/ }).click();
    await expect.poll(async () => page.locator('tbody tr .name').first().textContent()).toBe('Cairn'); // no stars at all
    await page.getByLabel('Joined').selectOption({ label: 'in the last 30 days' });
    await expect.poll(async () => page.locator('tbody tr .name').allTextContents()).toEqual(['Rin 🌙']);
    await page.getByLabel('Joined').selectOption({ label: 'any time' });
    await page.getByLabel('Showing').selectOption({ label: 'members who left' });
    await expect.poll(async () => page.locator('tbody tr .name').allTextContents()).toEqual(['Ben Carter']);
    expect(new URL(page.url()).searchParams.get('status')).toBe('left');
    await page.close();
  });
});

describe('a member’s profile', () => {
  it('has a header with avatar, name, @username, roles as coloured chips, join date and a level bar', async () => {
    const page = await signedInPage(browser, panel, `${G}/members`);
    await page.locator('tbody tr').first().waitFor();
    await page.getByRole('link', { name: 'Tomás Ferreira' }).click();
    await page.getByRole('heading', { name: 'Tomás Ferreira' }).waitFor();
    const header = page.getByRole('region', { name: 'Member' });
    await expect(header.textContent()).resolves.toContain('@tomasf');
    await expect(header.textContent()).resolves.toMatch(/Joined \d+ \w+ \d{4}/);
    await expect(header.locator('.avatar').textContent()).resolves.toBe('TF');
    const chips = header.getByRole('list', { name: 'Roles' }).getByRole('listitem');
    await expect(chips.allTextContents()).resolves.toEqual(['Moderator', 'Events', 'Regular']);
    await expect(chips.first().getAttribute('style')).resolves.toContain('--role: #3498db');
    const bar = header.getByRole('progressbar');
    await expect(bar.count()).resolves.toBe(1); // XP is the classic preset's one leveled currency
    const percent = Number(await bar.getAttribute('aria-valuenow'));
    expect(percent).toBeGreaterThanOrEqual(0);
    expect(percent).toBeLessThanOrEqual(100);
    await expect(header.textContent()).resolves.toContain('Level 10');
    // (The transactions' channels are named by the directory's pickers, another part of the panel.)
    expect(await header.innerText()).not.toMatch(RAW_ID);
    expect(await page.locator('.page-header').innerText()).not.toMatch(RAW_ID);
    await screenshot(page, 'member-profile-header');
    await page.close();
  });

  it('marks a member who left', async () => {
    const page = await signedInPage(browser, panel, `${G}/members/1000000000000001011`);
    const header = page.getByRole('region', { name: 'Member' });
    await header.waitFor();
    await expect(header.locator('.badge', { hasText: 'left' }).isVisible()).resolves.toBe(true);
    await expect(header.textContent()).resolves.toMatch(/left \d+ \w+ \d{4}/);
    await page.close();
  });
});

describe('the Community page over the demo', () => {
  it('counts the members who take part and names them in its tables', async () => {
    const page = await signedInPage(browser, panel, `${G}/community`);
    const now = page.getByTestId('members-now');
    await now.waitFor();
    expect(Number(await now.textContent())).toBe(11); // 12 active, one of whom left; the bot does not count
    await page.getByText('Maya Lindqvist').first().waitFor();
    const tables = await page.locator('table').filter({ hasText: 'Maya Lindqvist' }).allInnerTexts();
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) expect(t).not.toMatch(RAW_ID);
    await page.close();
  });
});

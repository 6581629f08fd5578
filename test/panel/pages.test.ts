// Every main page of the panel renders its data for the demo guild (no error state), on a laptop
// and on a phone; screenshots of each go to test-results/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GUILD_ID, loginWithToken, openBrowser, screenshot, startPanel, type Browser, type Panel } from './support.ts';

let panel: Panel;
let browser: Browser;
beforeAll(async () => {
  panel = await startPanel();
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

const base = () => `${panel.url}/g/${DEMO_GUILD_ID}`;

describe('panel pages', () => {
  it('overview shows totals, charts from uPlot and top earners', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(base());
    await page.getByRole('heading', { name: 'Top earners' }).waitFor();
    expect(await page.locator('.uplot').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByRole('alert').count()).toBe(0);
    const members = await page.locator('.totals .big').first().textContent();
    expect(Number(members?.replace(/,/g, ''))).toBeGreaterThan(0);
    await screenshot(page, 'overview');
    await page.close();
  });

  it('rules are grouped by module and searchable', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${base()}/rules`);
    const rules = (await panel.api(`/guilds/${DEMO_GUILD_ID}/rules`)) as { key: string; document: { module: string } }[];
    await page.locator('tr[data-rule]').first().waitFor();
    expect(await page.locator('tr[data-rule]').count()).toBe(rules.length);
    const modules = [...new Set(rules.map((r) => r.document.module))];
    for (const m of modules) await expect(page.locator(`#module-${m}`).isVisible()).resolves.toBe(true);
    await screenshot(page, 'rules');
    await page.getByLabel('Search rules').fill(rules[0]!.key);
    await expect.poll(() => page.locator('tr[data-rule]').count()).toBeLessThan(rules.length);
    expect(await page.locator(`tr[data-rule="${rules[0]!.key}"]`).count()).toBe(1);
    await page.close();
  });

  it('a rule is disabled, reprioritised and put in shadow mode from the list', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${base()}/rules`);
    const [rule] = (await panel.api(`/guilds/${DEMO_GUILD_ID}/rules`)) as { key: string; document: { name: string } }[];
    const name = rule!.document.name;
    await page.getByLabel(`Enabled: ${name}`, { exact: true }).uncheck();
    await expect.poll(async () => (await panel.api(`/guilds/${DEMO_GUILD_ID}/rules/${rule!.key}`)).document.enabled).toBe(false);
    await page.getByLabel(`Shadow mode: ${name}`, { exact: true }).check();
    await expect.poll(async () => (await panel.api(`/guilds/${DEMO_GUILD_ID}/rules/${rule!.key}`)).document.mode).toBe('shadow');
    await page.getByLabel(`Priority: ${name}`, { exact: true }).fill('42');
    await page.getByLabel(`Priority: ${name}`, { exact: true }).press('Enter');
    await expect.poll(async () => (await panel.api(`/guilds/${DEMO_GUILD_ID}/rules/${rule!.key}`)).document.priority).toBe(42);
    await page.close();
  });

  it('an existing rule opens in the editor with its JSON and version history', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    const [rule] = (await panel.api(`/guilds/${DEMO_GUILD_ID}/rules`)) as { key: string; document: { name: string } }[];
    await page.goto(`${base()}/rules/${rule!.key}`);
    await expect(page.getByLabel('Name', { exact: true }).inputValue()).resolves.toBe(rule!.document.name);
    expect(JSON.parse(await page.getByLabel('Rule as JSON').inputValue()).key).toBe(rule!.key);
    await page.getByRole('heading', { name: 'Version history' }).waitFor();
    await page.getByText('Version 1', { exact: true }).waitFor();
    await screenshot(page, 'rule-editor');
    await page.close();
  });

  it('members, a profile and the leaderboard show the demo activity', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${base()}/members`);
    await page.locator('tbody tr').first().waitFor();
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(3);
    await screenshot(page, 'members');
    // Search by id prefix narrows the list to that member.
    await page.getByLabel('Search members').fill('1000000000000001003');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await expect(page.locator('tbody tr').textContent()).resolves.toContain('Juniper ✨'); // …1003, by name
    await page.getByLabel('Search members').fill('no such member name');
    await page.getByText('No member matches').waitFor();
    await page.getByLabel('Search members').fill('');
    await expect.poll(() => page.locator('tbody tr').count()).toBeGreaterThan(3);
    await page.locator('tbody tr a').first().click();
    await page.getByRole('heading', { name: 'Recent transactions' }).waitFor();
    expect(await page.locator('tr[data-transaction]').count()).toBeGreaterThan(0);
    await screenshot(page, 'member-profile');
    await page.goto(`${base()}/leaderboard`);
    await page.locator('td.rank').first().waitFor();
    await expect(page.locator('td.rank').first().textContent()).resolves.toBe('1');
    await screenshot(page, 'leaderboard');
    // Per season: the current season's board (what was earned in it) for another currency.
    await page.getByLabel('Currency').selectOption('stars');
    await page.getByRole('tab', { name: 'Season' }).click();
    await expect.poll(() => page.locator('thead').textContent()).toMatch(/season/i);
    const api = await panel.api(`/guilds/${DEMO_GUILD_ID}/leaderboard?currency=stars&season=current&limit=25`);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(api.entries.length);
    await page.close();
  });

  it('on a phone the navigation collapses behind a menu button', async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 390, height: 800 });
    await loginWithToken(page, panel);
    await page.goto(`${base()}/rules`);
    const menu = page.getByRole('button', { name: 'Menu' });
    await menu.waitFor();
    await expect(page.getByRole('link', { name: 'Members' }).isVisible()).resolves.toBe(false);
    await menu.click();
    await expect(menu.getAttribute('aria-expanded')).resolves.toBe('true');
    await page.getByRole('link', { name: 'Members' }).click();
    await page.waitForURL(/\/members$/);
    await screenshot(page, 'phone-members');
    await page.close();
  });

  it('the guild picker switches guild on the same page; a guild without configuration shows empty states', async () => {
    const other = '770000000000000077';
    // An event for a guild Cairn has not seen registers it.
    await panel.api(`/guilds/${other}/events`, {
      json: { source_id: 'picker-1', type: 'member_join', guild_id: other, actor_id: '770000000000000001', target_id: null, channel_id: null, occurred_at: '2026-11-20T10:00:00.000Z', data: {} },
    });
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${base()}/rules`);
    await page.locator('tr[data-rule]').first().waitFor();
    await page.getByLabel('Guild').selectOption(other);
    await page.waitForURL(`${panel.url}/g/${other}/rules`);
    await page.getByText('No rules yet').waitFor();
    await page.goto(`${panel.url}/g/${other}/leaderboard`);
    await page.getByText('This guild has no currency yet.').waitFor();
    await page.goto(`${panel.url}/g/${other}`);
    await page.getByRole('heading', { name: 'Top earners' }).waitFor();
    expect(await page.getByText('Nobody has earned anything yet').count()).toBe(1);
    await screenshot(page, 'overview-empty');
    // A guild nobody registered is refused before any page asks the API.
    await page.goto(`${panel.url}/g/123456/rules`);
    await page.getByText('This guild is not one you manage').waitFor();
    await page.close();
  });
});

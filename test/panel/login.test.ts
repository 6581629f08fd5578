// The panel in a real browser: logging in with the token, being sent to the login page without a
// session, logging out.
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

describe('panel login', () => {
  it('sends an unauthenticated visit to the login page, remembering where it was going', async () => {
    await browser.context.clearCookies();
    const page = await browser.newPage();
    await page.goto(`${panel.url}/g/${DEMO_GUILD_ID}/rules`);
    await page.waitForURL(/\/login\?next=/);
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/g/${DEMO_GUILD_ID}/rules`);
    await expect(page.getByLabel('Admin token').isVisible()).resolves.toBe(true);
    await screenshot(page, 'login');
    await page.close();
  });

  it('logs in from / (sent to /login first) and shows the overview, every time', async () => {
    for (let attempt = 1; attempt <= 3; attempt++) {
      await browser.context.clearCookies();
      const page = await browser.newPage();
      const warnings: string[] = [];
      page.on('console', (m) => void (m.type() === 'warning' || m.type() === 'error' ? warnings.push(m.text()) : undefined));
      await page.goto(`${panel.url}/`);
      await page.waitForURL(/\/login$/);
      await page.getByLabel('Admin token').fill(panel.services.adminToken);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${panel.url}/g/${DEMO_GUILD_ID}`);
      await page.getByRole('heading', { name: 'Top earners' }).waitFor({ timeout: 5_000 });
      await expect(page.locator('#main h1').textContent(), `attempt ${attempt}`).resolves.toBeTruthy();
      expect(warnings.filter((w) => /derived_inert|error/i.test(w)), `attempt ${attempt}`).toEqual([]);
      await page.close();
    }
  });

  it('refuses a wrong token with a message at the field, and logs in with the right one', async () => {
    await browser.context.clearCookies();
    const page = await browser.newPage();
    await page.goto(`${panel.url}/login?next=${encodeURIComponent(`/g/${DEMO_GUILD_ID}/rules`)}`);
    await page.getByLabel('Admin token').fill('not-the-token-at-all');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('not valid');
    await page.getByLabel('Admin token').fill(panel.services.adminToken);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${panel.url}/g/${DEMO_GUILD_ID}/rules`);
    await expect(page.getByLabel('Guild').inputValue()).resolves.toBe(DEMO_GUILD_ID);
    await page.close();
  });

  it('logs out: the session cookie no longer opens the API and the panel goes back to login', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    const before = await page.evaluate(async () => (await fetch('/api/guilds')).status);
    expect(before).toBe(200);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    const after = await page.evaluate(async () => (await fetch('/api/guilds')).status);
    expect(after).toBe(401);
    await page.close();
  });

  it('works with the keyboard alone: log in, skip to the content, toggle a rule', async () => {
    await browser.context.clearCookies();
    const page = await browser.newPage();
    await page.goto(`${panel.url}/login?next=${encodeURIComponent(`/g/${DEMO_GUILD_ID}/rules`)}`);
    await page.getByLabel('Admin token').waitFor();
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.id')).resolves.toBe('token');
    await page.keyboard.type(panel.services.adminToken);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${panel.url}/g/${DEMO_GUILD_ID}/rules`);
    await page.locator('tr[data-rule]').first().waitFor();
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toBe('Skip to content');
    await page.keyboard.press('Enter');
    await expect(page.evaluate('document.activeElement.id')).resolves.toBe('main');
    const [rule] = await panel.api(`/guilds/${DEMO_GUILD_ID}/rules`);
    await page.getByLabel(`Enabled: ${rule.document.name}`, { exact: true }).focus();
    await page.keyboard.press('Space');
    await expect.poll(async () => (await panel.api(`/guilds/${DEMO_GUILD_ID}/rules/${rule.key}`)).document.enabled).toBe(!rule.document.enabled);
    await page.close();
  });
});

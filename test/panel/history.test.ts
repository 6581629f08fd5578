// Configuration history in the browser: a currency edited twice in the panel, its history opened
// in its editor, the first version restored, and after a reload the old value is the one in force;
// the audit log undoes the restore; the settings page lists its own history.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GUILD_ID, openBrowser, screenshot, signedInPage, startPanel, type Browser, type Panel } from './support.ts';

const G = `/guilds/${DEMO_GUILD_ID}`;
let panel: Panel;
let browser: Browser;
beforeAll(async () => {
  panel = await startPanel();
  browser = await openBrowser();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

async function open(path: string): Promise<Page> {
  const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}/${path}`);
  page.on('dialog', (dialog) => void dialog.accept());
  await page.locator('#main h1').waitFor();
  return page;
}

async function rename(page: Page, name: string) {
  await page.getByRole('button', { name: 'Edit gems' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Save currency' }).click();
  await page.getByText(`Currency “${name}” saved`).waitFor();
}

describe('configuration history in the panel', () => {
  it('restores the first version of a currency edited twice, and the old value is there after a reload', async () => {
    await panel.api(`${G}/currencies/gems`, { method: 'PUT', json: { name: 'Gems', symbol: '💎' } });
    const page = await open('currencies');
    await rename(page, 'Shiny gems');
    await rename(page, 'Polished gems');

    await page.getByRole('button', { name: 'Edit gems' }).click();
    const history = page.getByRole('region', { name: 'History' });
    const newest = history.locator('li[data-version="3"]');
    await newest.getByText('current').waitFor();
    await newest.getByRole('button', { name: 'Changes (1)' }).click();
    await expect(newest.getByRole('row', { name: /name/ }).textContent()).resolves.toMatch(/Shiny gems.*Polished gems/);
    await screenshot(page, 'history-currency');
    await history.getByRole('button', { name: 'Restore version 1' }).click();
    await page.getByText('Restored version 1 as version 4').waitFor();
    // The open form follows the restore.
    await expect.poll(() => page.getByLabel('Name', { exact: true }).inputValue()).toBe('Gems');
    await history.locator('li[data-version="4"]').getByText('restored from version 1').waitFor();

    await page.reload();
    await page.getByRole('row', { name: /gems/ }).waitFor();
    await expect(page.getByRole('row', { name: /gems/ }).textContent()).resolves.toContain('Gems');
    expect(await panel.api(`${G}/currencies/gems`)).toMatchObject({ name: 'Gems', symbol: '💎' });
    await page.close();
  });

  it('the audit log rolls back a currency change in one click', async () => {
    const page = await open('audit');
    const entry = page.getByRole('listitem').filter({ hasText: 'currency.restore' }).first();
    await entry.getByRole('button', { name: /Roll back currency gems to before change/ }).click();
    await page.getByText(/Currency gems rolled back \(now version 5\)/).waitFor();
    expect((await panel.api(`${G}/currencies/gems`)).name).toBe('Polished gems');
    await page.close();
  });

  it('the settings page lists the settings history and restores a version', async () => {
    await panel.api(`${G}/settings`, { method: 'PATCH', json: { accent_color: '#112233' } });
    await panel.api(`${G}/settings`, { method: 'PATCH', json: { accent_color: '#445566' } });
    // The demo's preset import already wrote versions (its labels), so the numbers are read first.
    const { versions } = await panel.api(`${G}/history/settings/${DEMO_GUILD_ID}`);
    const current = versions[0].version as number;
    expect(versions[0]).toMatchObject({ current: true, diff: [expect.objectContaining({ path: 'accent_color' })] });
    const page = await open('settings');
    const history = page.getByRole('region', { name: 'History' });
    await history.locator(`li[data-version="${current}"]`).getByText('current').waitFor();
    await history.getByRole('button', { name: `Restore version ${current - 1}` }).click();
    await page.getByText(`Restored version ${current - 1} as version ${current + 1}`).waitFor();
    await page.reload();
    await page.getByRole('region', { name: 'History' }).locator(`li[data-version="${current + 1}"]`).waitFor();
    expect((await panel.api(`${G}/settings`)).accent_color).toBe('#112233');
    await expect(page.locator('input[type="color"]').inputValue()).resolves.toBe('#112233');
    await page.close();
  });
});

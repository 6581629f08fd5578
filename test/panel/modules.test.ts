// Modules in the browser: the settings page lists the demo guild's modules with their rule counts;
// switching one off asks first (naming what stops), and the module stays off after a reload, in the
// API and in force (a dry run says it is off); switching it back on works the same way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GUILD_ID, openBrowser, screenshot, signedInPage, startPanel, type Browser, type Panel } from './support.ts';

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

describe('the modules section', () => {
  it('switches the classic module off after a confirmation, and it stays off after a reload', async () => {
    const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}/settings`);
    await page.getByRole('heading', { name: 'Modules' }).waitFor();
    const row = page.locator('tr[data-module="classic"]');
    await row.waitFor();
    await expect(row.locator('td.num').textContent()).resolves.toBe('8 / 8');
    const toggle = page.getByRole('switch', { name: 'Module classic on' });
    expect(await toggle.isChecked()).toBe(true);

    // Dismissing the confirmation changes nothing.
    const questions: string[] = [];
    page.once('dialog', (d) => {
      questions.push(d.message());
      void d.dismiss();
    });
    await toggle.click();
    await expect.poll(() => questions.length).toBe(1);
    expect(questions[0]).toContain('Switch module “classic” off? Its 8 enabled rules stop at once');
    expect(await toggle.isChecked()).toBe(true);
    expect((await panel.api(`/guilds/${DEMO_GUILD_ID}/modules`)).find((m: { name: string }) => m.name === 'classic').enabled).toBe(true);

    page.once('dialog', (d) => void d.accept());
    await toggle.click();
    await page.getByText('Module classic is off').first().waitFor();
    await page.reload();
    await page.locator('tr[data-module="classic"]').waitFor();
    expect(await page.getByRole('switch', { name: 'Module classic on' }).isChecked()).toBe(false);
    await screenshot(page, 'settings-modules-off');
    expect((await panel.api(`/guilds/${DEMO_GUILD_ID}/modules`)).find((m: { name: string }) => m.name === 'classic').enabled).toBe(false);
    const dry = await panel.api(`/guilds/${DEMO_GUILD_ID}/dry-run`, {
      method: 'POST',
      json: { event: { source_id: '1', type: 'message_create', guild_id: DEMO_GUILD_ID, actor_id: '987654321098765432', target_id: null, channel_id: '1111111111111111111', occurred_at: '2026-11-22T10:00:00.000Z', data: { length: 10 } } },
    });
    expect(dry.notes).toContain('module classic is off: its rules for message_create did not run');

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('switch', { name: 'Module classic on' }).click();
    await page.getByText('Module classic is on').first().waitFor();
    await page.reload();
    await page.locator('tr[data-module="classic"]').waitFor();
    expect(await page.getByRole('switch', { name: 'Module classic on' }).isChecked()).toBe(true);
    await page.close();
  });
});

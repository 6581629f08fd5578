// Starting a rule from a template in a real browser, as a new admin does: find the template, fill
// its blanks (a bad value is refused at its field and nothing is created), try it on the template's
// example and read what each event did, create the rule and land in its editor.
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

async function open(): Promise<Page> {
  const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}/rules`);
  await page.getByRole('link', { name: 'Start from a template' }).click();
  await page.getByRole('heading', { name: 'Rule templates', exact: true }).waitFor();
  return page;
}

describe('the rule templates page', () => {
  it('fills a template, refuses a bad value at its field, tries it on the example, and creates the rule', async () => {
    const page = await open();
    await page.getByLabel('Search templates').fill('first message');
    await page.locator('[data-template="daily-first-message"]').click();
    await page.getByRole('heading', { name: 'Daily first-message bonus' }).waitFor();
    await page.getByLabel('Currency').selectOption('xp');
    await page.getByLabel('Rule key').fill('welcome_back_bonus');

    // A bonus above the template's maximum: the server refuses it at values.bonus, shown under the
    // field; nothing is created. (Below the minimum, the browser's own check stops the form first.)
    await page.getByLabel('Bonus', { exact: true }).fill('2000000');
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.locator('#value-bonus[aria-invalid="true"], .field-error').first().waitFor();
    const describedBy = await page.locator('#value-bonus').getAttribute('aria-describedby');
    const bonusError = describedBy ? page.locator(`[id="${describedBy.split(' ')[0]}"]`) : page.locator('.field-error').first();
    await expect(bonusError.textContent()).resolves.toMatch(/1[,. ]?000[,. ]?000/);
    expect(((await panel.api(`${G}/rules`)) as { key: string }[]).map((r) => r.key)).not.toContain('welcome_back_bonus');

    // Tried on the example with a bonus of 15: the first message of each day pays, the second does not.
    await page.getByLabel('Bonus', { exact: true }).fill('15');
    await page.getByRole('button', { name: 'Try it on the example' }).click();
    const result = page.getByRole('region', { name: 'Result of the example' });
    await result.waitFor();
    await expect(result.locator('[data-step="0"]').textContent()).resolves.toContain('paid 15 xp');
    await expect(result.locator('[data-step="1"]').textContent()).resolves.toContain('nothing');
    await expect(result.textContent()).resolves.toContain('alice 30 xp');
    await screenshot(page, 'rule-templates-tried');

    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.waitForURL(`**/g/${DEMO_GUILD_ID}/rules/welcome_back_bonus`);
    const rule = (await panel.api(`${G}/rules/welcome_back_bonus`)) as { document: { effects: { amount: unknown; currency: string }[]; limits: unknown[] } };
    expect(rule.document.effects[0]).toMatchObject({ amount: 15, currency: 'xp' });
    expect(rule.document.limits).toEqual([expect.objectContaining({ kind: 'cap', max: 15, period: 'day' })]);
  });
});

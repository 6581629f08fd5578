// The Commands page in a real browser: create a custom command with options and choices (the reply
// preview follows the template), edit it (cooldown, who may use it), reload and see the change on
// the page and in the API; a built-in's name is refused at the name field.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GUILD_ID, openBrowser, signedInPage, startPanel, type Browser, type Panel } from './support.ts';

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
  const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}/commands`);
  page.on('dialog', (dialog) => void dialog.accept());
  await page.locator('#main h1').waitFor();
  return page;
}

describe('custom commands page', () => {
  it('creates a command with options and choices, then edits its cooldown and access, and both survive a reload', async () => {
    const page = await open();
    await page.getByText('No custom commands yet').waitFor();
    await page.getByRole('button', { name: 'New command' }).click();
    await page.getByLabel('Name', { exact: true }).fill('thanks');
    await page.getByLabel('Description', { exact: true }).fill('Thank a member');
    await page.getByRole('button', { name: 'Add an option' }).click();
    await page.locator('#o-name-0').fill('who');
    await page.locator('#o-type-0').selectOption('member');
    await page.locator('#o-desc-0').fill('Whom to thank');
    await page.getByRole('button', { name: 'Add an option' }).click();
    await page.locator('#o-name-1').fill('stars');
    await page.locator('#o-type-1').selectOption('integer');
    await page.locator('#o-desc-1').fill('How many stars');
    await page.getByRole('button', { name: 'Add a choice' }).click();
    await page.locator('#o-1-ch-0-name').fill('three');
    await page.locator('#o-1-ch-0-value').fill('3');
    await page.getByLabel('Reply template').fill('{member} thanks {option.who} with {option.stars} stars');
    await expect(page.getByTestId('reply-preview').textContent()).resolves.toBe('@Member thanks @Someone with three stars');
    await page.getByRole('button', { name: 'Save command' }).click();
    await page.getByRole('row', { name: /thanks/ }).waitFor();
    expect(await panel.api(`${G}/commands/thanks`)).toMatchObject({
      name: 'thanks', access: 'everyone', cooldown_seconds: 0,
      options: [{ name: 'who', type: 'member' }, { name: 'stars', type: 'integer', choices: [{ name: 'three', value: 3 }] }],
    });

    await page.reload();
    await page.getByRole('row', { name: /thanks/ }).waitFor();
    await page.getByRole('button', { name: 'Edit thanks' }).click();
    await expect(page.locator('#o-1-ch-0-value').inputValue()).resolves.toBe('3');
    await page.getByLabel('Cooldown per member', { exact: true }).fill('5');
    await page.getByLabel('Cooldown per member: unit').selectOption({ label: 'minutes' });
    await page.getByLabel('Who may use it').selectOption('admins');
    await page.getByRole('button', { name: 'Save command' }).click();
    await page.getByText('Command “/thanks” saved').waitFor();
    await page.reload();
    await expect(page.getByRole('row', { name: /thanks/ }).textContent()).resolves.toMatch(/admins.*5 minutes/);
    expect(await panel.api(`${G}/commands/thanks`)).toMatchObject({ cooldown_seconds: 300, access: 'admins' });
    await page.close();
  });

  it('refuses a built-in’s name at the name field and keeps what was typed', async () => {
    const page = await open();
    await page.getByRole('button', { name: 'New command' }).click();
    await page.getByLabel('Name', { exact: true }).fill('profile');
    await page.getByLabel('Description', { exact: true }).fill('Mine');
    await page.getByRole('button', { name: 'Save command' }).click();
    await page.getByText(/\/profile is one of Cairn's built-in commands/).first().waitFor();
    await expect(page.getByLabel('Name', { exact: true }).inputValue()).resolves.toBe('profile');
    await page.close();
  });
});

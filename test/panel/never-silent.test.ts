// The panel never fails silently: what a new admin met in their first hour. A JSON box keeps what
// was typed and says why it is not valid; a number box refuses words; errors read as plain words
// at their field (and only once the field was touched or a save was tried); unsaved edits survive
// a trip to the dry run and are not lost to a click elsewhere without a question; the dry run lists
// rules that listen to the event but were filtered out.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain } from '../../dashboard/src/lib/plain.ts';
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

async function open(path: string): Promise<Page> {
  const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}/${path}`);
  await page.locator('#main h1').waitFor();
  return page;
}

/** What the API answers for a document it refuses: the message of one field path, as the panel must show it. */
async function refusal(method: string, path: string, json: unknown, field: string): Promise<string | null> {
  try {
    await panel.api(path, { method, json });
    return null;
  } catch (error) {
    const body = JSON.parse(String((error as Error).message).replace(/^[^{]*/, ''));
    const message: string | undefined = body.error.details.find((d: { path: string }) => d.path === field || d.path.startsWith(`${field}.`))?.message;
    return message === undefined ? null : plain(message);
  }
}

describe('the shop form', () => {
  it('offers an example of effects that is valid, and saves it', async () => {
    const page = await open('shop');
    await page.getByRole('button', { name: 'New item' }).click();
    const hint = (await page.locator('#s-effects-hint').textContent())!;
    const example = hint.slice(hint.indexOf('['));
    await page.getByLabel('Key').fill('vip');
    await page.getByLabel('Name').fill('VIP role');
    await page.getByLabel('Currency').selectOption('gold');
    await page.getByLabel(/effects/).fill(example);
    await page.getByRole('button', { name: 'Save item' }).click();
    await page.getByRole('row', { name: /VIP role/ }).waitFor();
    expect((await panel.api(`${G}/shop/vip`)).effects).toEqual(JSON.parse(example));
    await page.close();
  });

  it('keeps invalid JSON in the effects box with the reason, and refuses to save it', async () => {
    const page = await open('shop');
    await page.getByRole('button', { name: 'Edit coffee' }).click();
    const box = page.getByLabel(/effects/);
    await box.fill('[{"type":"role_add",');
    await box.press('Tab');
    await expect(box.inputValue()).resolves.toBe('[{"type":"role_add",');
    await expect(page.locator('#s-effects-error').textContent()).resolves.toMatch(/not valid JSON/);
    await page.getByLabel('Price').fill('99');
    await page.getByRole('button', { name: 'Save item' }).click();
    await page.getByRole('alert').filter({ hasText: /What a purchase does/ }).waitFor();
    await expect(box.inputValue()).resolves.toBe('[{"type":"role_add",');
    expect(await panel.api(`${G}/shop/coffee`)).toMatchObject({ price: 25, effects: [] });
    await page.close();
  });

  it('refuses "ten" as a stock at the field instead of sending "unlimited"', async () => {
    const page = await open('shop');
    await page.getByRole('button', { name: 'Edit coffee' }).click();
    await page.getByLabel('Stock').fill('ten');
    await page.getByRole('button', { name: 'Save item' }).click();
    await expect.poll(() => page.locator('#s-stock-err').textContent()).toMatch(/whole number/);
    await expect(page.getByLabel('Stock').inputValue()).resolves.toBe('ten');
    expect((await panel.api(`${G}/shop/coffee`)).stock).toBeNull();
    await page.close();
  });
});

describe('the rule editor', () => {
  it('shows no errors on a fresh form; after a save attempt, plain words at each field', async () => {
    const page = await open('rules/new');
    await page.getByLabel('Key', { exact: true }).waitFor();
    await expect(page.locator('.field-error').count()).resolves.toBe(0);
    await expect(page.locator('[aria-invalid="true"]').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Create rule' }).click();
    await expect.poll(() => page.locator('#rule-key-error').textContent()).toBe('is required');
    await expect(page.locator('#rule-name-error').textContent()).resolves.toBe('is required');
    // A wrong key says what a key may hold, not a regular expression.
    await page.getByLabel('Key', { exact: true }).fill('Bad Key');
    const message = await page.locator('#rule-key-error').textContent();
    expect(message).toMatch(/lowercase letters/);
    expect(message).not.toMatch(/[\^$[\]]/);
    await page.close();
  });

  it('refuses a name of three spaces, at the field', async () => {
    const page = await open('rules/new');
    await page.getByLabel('Key', { exact: true }).fill('spaces.only');
    await page.getByLabel('Name', { exact: true }).fill('   ');
    await page.getByRole('button', { name: 'Create rule' }).click();
    await expect.poll(() => page.locator('#rule-name-error').textContent()).toBe('must not be empty');
    await expect(panel.api(`${G}/rules/spaces.only`)).rejects.toThrow(/404/);
    await page.close();
  });

  it('shows the server’s refusal of an amount at the amount field (an unknown operation; a negative credit)', async () => {
    const rule = (await panel.api(`${G}/rules/classic.thread`)).document;
    for (const amount of [{ nope: [1] }, -5]) {
      const expected = await refusal('PUT', `${G}/rules/classic.thread`, { ...rule, effects: [{ ...rule.effects[0], amount }] }, 'effects[0].amount');
      if (expected === null) await panel.api(`${G}/rules/classic.thread`, { method: 'PUT', json: rule }); // asking saved it: undo
      const page = await open('rules/classic.thread');
      await page.locator('#effect-1-amount').fill(JSON.stringify(amount));
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      if (expected === null) {
        // Not (yet) refused by this server: then it saves.
        await page.getByText(/Saved “/).waitFor();
        await panel.api(`${G}/rules/classic.thread`, { method: 'PUT', json: rule });
        expect(amount).toBe(-5); // only the negative credit may still be accepted, until the server refuses it
      } else {
        await expect.poll(() => page.locator('#effect-1-amount-error').textContent()).toContain(expected);
        await expect(page.locator('#effect-1-amount-error').textContent()).resolves.not.toMatch(/\(effects/);
        await expect(page.locator('#effect-1-amount').inputValue()).resolves.toBe(JSON.stringify(amount));
      }
      await page.close();
    }
    expect(await refusal('PUT', `${G}/rules/classic.thread`, { ...rule, effects: [{ ...rule.effects[0], amount: { nope: [1] } }] }, 'effects[0].amount')).not.toBeNull();
  });

  it('keeps invalid raw JSON when focus leaves, and will not save until it is fixed', async () => {
    const page = await open('rules/classic.thread');
    const raw = page.getByLabel('Rule as JSON');
    await expect.poll(async () => (await raw.inputValue()).length).toBeGreaterThan(10);
    const broken = (await raw.inputValue()).replace('"name":', '"name"');
    await raw.fill(broken);
    await page.getByLabel('Module', { exact: true }).focus();
    await expect(raw.inputValue()).resolves.toBe(broken);
    await expect(page.locator('#raw-json-error').textContent()).resolves.toMatch(/not valid JSON/);
    await page.getByLabel('Priority (higher runs first)').fill('3');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: /JSON/ }).first().waitFor();
    expect((await panel.api(`${G}/rules/classic.thread`)).document.priority).not.toBe(3);
    await page.close();
  });

  it('keeps unsaved edits through "Try in dry run" and Back', async () => {
    const page = await open('rules/classic.thread');
    await page.getByLabel('Name', { exact: true }).fill('Edited, not saved');
    await page.getByRole('button', { name: 'Try in dry run' }).click();
    await page.waitForURL(/\/dry-run\?candidate=1/);
    await page.goBack();
    await page.waitForURL(/\/rules\/classic\.thread$/);
    await expect.poll(() => page.getByLabel('Name', { exact: true }).inputValue()).toBe('Edited, not saved');
    await page.getByText('Unsaved changes').waitFor();
    await page.close();
  });

  it('asks before leaving with unsaved changes (a link in the panel, and closing the tab)', async () => {
    const page = await open('rules/classic.thread');
    await page.getByLabel('Name', { exact: true }).fill('Not saved yet');
    const dialogs: string[] = [];
    page.once('dialog', (d) => void (dialogs.push(d.type()), d.dismiss()));
    await page.getByRole('link', { name: 'Members' }).click();
    await expect.poll(() => dialogs).toEqual(['confirm']);
    expect(page.url()).toMatch(/\/rules\/classic\.thread$/);
    await expect(page.getByLabel('Name', { exact: true }).inputValue()).resolves.toBe('Not saved yet');

    page.once('dialog', (d) => void (dialogs.push(d.type()), d.dismiss()));
    await page.close({ runBeforeUnload: true });
    await expect.poll(() => dialogs).toEqual(['confirm', 'beforeunload']);
    await page.close();
  });
});

describe('manual awards', () => {
  it('shows the server’s message at the amount field, in its words (no path appended)', async () => {
    const [member] = (await panel.api(`${G}/members?limit=1`)).members;
    const huge = '99999999999999999999';
    const expected = await refusal('POST', `${G}/members/${member.userId}/award`, { currency: 'gold', amount: Number(huge), reason: '' }, 'amount');
    expect(expected).not.toBeNull();
    const page = await open(`members/${member.userId}`);
    await page.getByLabel('Currency').selectOption('gold');
    await page.getByLabel('Amount (negative to fine)').fill(huge);
    await page.getByRole('button', { name: 'Award' }).click();
    await expect.poll(() => page.locator('#award-amount-err').textContent()).toBe(expected);
    await page.close();
  });
});

describe('the dry run', () => {
  it('lists rules that listen to the event but were filtered out, with the reason; other event types stay behind the toggle', async () => {
    await panel.api(`${G}/rules`, {
      json: { key: 'help.only', name: 'Help channel only', trigger: { events: ['message_create'], channels: ['1000000000000000999'] }, effects: [{ type: 'credit', currency: 'xp', amount: 1 }] },
    });
    const page = await open('dry-run');
    await page.getByLabel('Event template').selectOption('message_create');
    await page.getByRole('button', { name: 'Run' }).click();
    const row = page.locator('tr[data-rule="help.only"]');
    await row.waitFor();
    await expect(row.textContent()).resolves.toMatch(/filtered out/);
    await expect(row.textContent()).resolves.toMatch(/not in the trigger's channels/);
    // A rule of another event type is behind the toggle.
    await expect(page.locator('tr[data-rule="classic.thread"]').count()).resolves.toBe(0);
    await page.getByRole('button', { name: /rules? not listening to message_create/ }).click();
    await page.locator('tr[data-rule="classic.thread"]').waitFor();
    await page.close();
  });
});

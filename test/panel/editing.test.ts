// Every configuration page round-trips an edit: create (where the page creates), edit, save, reload
// the page, and see the change both on the page and in the API. Edits were untested, which is how
// a shop edit that the API refused shipped. Also: a refused save shows the server's message at the
// field and keeps what was typed.
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
  page.on('dialog', (dialog) => void dialog.accept());
  await page.locator('#main h1').waitFor();
  return page;
}

/** Reloads and waits for the page's list (or form) to be back. */
async function reload(page: Page, ready: string) {
  await page.reload();
  await page.locator(ready).first().waitFor();
}

describe('editing round trips', () => {
  it('shop: creates an item, edits its price, and the new price is there after a reload', async () => {
    const page = await open('shop');
    await page.getByRole('button', { name: 'New item' }).click();
    await page.getByLabel('Key').fill('poster');
    await page.getByLabel('Name').fill('Poster');
    await page.getByLabel('Currency').selectOption('gold');
    await page.getByLabel('Price').fill('40');
    await page.getByRole('button', { name: 'Save item' }).click();
    await page.getByRole('row', { name: /Poster/ }).waitFor();

    await reload(page, 'tr:has-text("Poster")');
    await page.getByRole('button', { name: 'Edit poster' }).click();
    await expect(page.getByLabel('Price').inputValue()).resolves.toBe('40');
    await page.getByLabel('Price').fill('55');
    await page.getByLabel('Stock').fill('7');
    await page.getByRole('button', { name: 'Save item' }).click();
    await page.getByText('“Poster” saved').waitFor();
    await reload(page, 'tr:has-text("Poster")');
    await expect(page.getByRole('row', { name: /Poster/ }).textContent()).resolves.toMatch(/55 gold.*7/);
    expect(await panel.api(`${G}/shop/poster`)).toMatchObject({ price: 55, stock: 7 });

    // The demo's own item too: every item of the list can be edited.
    await page.getByRole('button', { name: 'Edit coffee' }).click();
    await page.getByLabel('Price').fill('26');
    await page.getByRole('button', { name: 'Save item' }).click();
    await page.getByText('“Coffee” saved').waitFor();
    expect((await panel.api(`${G}/shop/coffee`)).price).toBe(26);
    await page.close();
  });

  it('currencies: creates one, edits its name and level curve, and sees both after a reload', async () => {
    const page = await open('currencies');
    await page.getByRole('button', { name: 'New currency' }).click();
    await page.getByLabel('Key').fill('tokens');
    await page.getByLabel('Name').fill('Tokens');
    await page.getByRole('button', { name: 'Create currency' }).click();
    await page.getByRole('row', { name: /tokens/ }).waitFor();

    await reload(page, 'tr:has-text("tokens")');
    await page.getByRole('button', { name: 'Edit tokens' }).click();
    await page.getByLabel('Name').fill('Shiny tokens');
    await page.getByLabel('Kind').selectOption('table');
    await page.getByLabel('Thresholds').fill('10, 30, 60');
    await page.getByRole('button', { name: 'Save currency' }).click();
    await page.getByText('Currency “Shiny tokens” saved').waitFor();

    await reload(page, 'tr:has-text("tokens")');
    await expect(page.getByRole('row', { name: /tokens/ }).textContent()).resolves.toMatch(/Shiny tokens.*table of 3 levels/);
    await page.getByRole('button', { name: 'Edit tokens' }).click();
    await expect(page.getByLabel('Thresholds').inputValue()).resolves.toBe('10, 30, 60');
    expect(await panel.api(`${G}/currencies/tokens`)).toMatchObject({ name: 'Shiny tokens', level_curve: { kind: 'table', thresholds: [10, 30, 60] } });
    await page.close();
  });

  it('zones: creates one, renames it and adds a multiplier, and sees both after a reload', async () => {
    const page = await open('zones');
    await page.getByRole('button', { name: 'New zone' }).click();
    await page.getByLabel('Key').fill('lounge');
    await page.getByLabel('Name').fill('Lounge');
    await page.getByRole('button', { name: 'Save zone' }).click();
    await page.getByRole('row', { name: /Lounge/ }).waitFor();

    await reload(page, 'tr:has-text("Lounge")');
    await page.getByRole('button', { name: 'Edit lounge' }).click();
    await page.getByLabel('Name').fill('Big lounge');
    await page.getByRole('button', { name: 'Add a multiplier' }).click();
    await page.locator('#m-cur-0').selectOption('xp');
    await page.locator('#m-f-0').fill('3');
    await page.getByRole('button', { name: 'Save zone' }).click();
    await page.getByText('Zone “Big lounge” saved').waitFor();

    await reload(page, 'tr:has-text("Big lounge")');
    await expect(page.getByRole('row', { name: /Big lounge/ }).textContent()).resolves.toContain('xp * ×3');
    expect(await panel.api(`${G}/zones/lounge`)).toMatchObject({ name: 'Big lounge', multipliers: { xp: { '*': 3 } } });
    await page.close();
  });

  it('milestones: edits an existing one (name and a nested requirement), and sees it after a reload', async () => {
    const page = await open('milestones');
    await page.getByRole('button', { name: 'Edit chatterbox' }).click();
    await page.getByLabel('Name').fill('Chatterbox!');
    await page.locator('#req-requirement-min').fill('123');
    await page.getByRole('button', { name: 'Save milestone' }).click();
    await page.getByText('Milestone “Chatterbox!” saved').waitFor();

    await reload(page, 'tr:has-text("Chatterbox!")');
    await expect(page.getByRole('row', { name: /Chatterbox!/ }).textContent()).resolves.toContain('123 × message_create');
    await page.getByRole('button', { name: 'Edit chatterbox' }).click();
    await expect(page.locator('#req-requirement-min').inputValue()).resolves.toBe('123');
    expect((await panel.api(`${G}/milestones/chatterbox`)).document).toMatchObject({ name: 'Chatterbox!', requirement: { min: 123 } });
    await page.close();
  });

  it('rules: edits a rule’s name and priority, and the editor shows them after a reload', async () => {
    const page = await open('rules/classic.thread');
    await page.getByLabel('Name', { exact: true }).fill('Threads earn XP');
    await page.getByLabel('Priority (higher runs first)').fill('7');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(/Saved “Threads earn XP”/).waitFor();

    await reload(page, '#rule-name');
    await expect.poll(() => page.getByLabel('Name', { exact: true }).inputValue()).toBe('Threads earn XP');
    await expect(page.getByLabel('Priority (higher runs first)').inputValue()).resolves.toBe('7');
    expect((await panel.api(`${G}/rules/classic.thread`)).document).toMatchObject({ name: 'Threads earn XP', priority: 7 });
    await page.close();
  });

  it('data sources: the retention and a capture switch are still set after a reload', async () => {
    const page = await open('data-sources');
    await page.getByLabel('Keep raw events for').fill('45');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Raw events are kept 45 days').waitFor();
    await page.getByLabel('Capture thread_create').uncheck();
    await page.getByText('thread_create no longer captured').waitFor();

    await reload(page, 'tr:has-text("thread_create")');
    await expect.poll(() => page.getByLabel('Keep raw events for').inputValue()).toBe('45');
    await expect(page.getByLabel('Capture thread_create').isChecked()).resolves.toBe(false);
    expect(await panel.api(`${G}/settings`)).toMatchObject({ retention_days: 45, capture: { thread_create: false } });
    await page.close();
  });

  it('AI: the daily budget is still set after a reload, and so is "no limit"', async () => {
    const page = await open('ai');
    const budget = page.getByLabel('Budget per day (USD)');
    await budget.waitFor();
    await budget.fill('2.5');
    await page.getByRole('button', { name: 'Save budget' }).click();
    await page.getByText('AI budget: $2.50 a day').waitFor();
    await reload(page, '#budget');
    await expect.poll(() => page.getByLabel('Budget per day (USD)').inputValue()).toBe('2.5');
    expect((await panel.api(`${G}/ai/budget`)).daily_budget_usd).toBe(2.5);

    await page.getByLabel('No limit').check();
    await page.getByRole('button', { name: 'Save budget' }).click();
    await page.getByText('AI budget: no daily limit').waitFor();
    await reload(page, '#budget');
    await expect.poll(() => page.getByLabel('No limit').isChecked()).toBe(true);
    expect((await panel.api(`${G}/ai/budget`)).daily_budget_usd).toBeNull();
    await page.close();
  });

  it('members: a manual award shows in the balance after a reload', async () => {
    const [member] = (await panel.api(`${G}/members?limit=1`)).members;
    const before = (await panel.api(`${G}/members/${member.userId}`)).currencies.find((c: { key: string }) => c.key === 'gold').balance;
    const page = await open(`members/${member.userId}`);
    await page.getByLabel('Currency').selectOption('gold');
    await page.getByLabel('Amount (negative to fine)').fill('12');
    await page.getByRole('button', { name: 'Award' }).click();
    await page.getByText(/\+12 gold: balance now/).waitFor();
    await reload(page, '.wallet');
    const after = (await panel.api(`${G}/members/${member.userId}`)).currencies.find((c: { key: string }) => c.key === 'gold').balance;
    expect(after).toBe(before + 12);
    await expect(page.locator('.wallet', { hasText: 'Gold' }).textContent()).resolves.toContain(String(after));
    await page.close();
  });
});

describe('a refused save', () => {
  it('shows the server’s message at the field and keeps every value typed (shop: a price of 0)', async () => {
    const page = await open('shop');
    await page.getByRole('button', { name: 'New item' }).click();
    await page.getByLabel('Key').fill('badge');
    await page.getByLabel('Name').fill('Badge');
    await page.getByLabel('Currency').selectOption('gold');
    await page.getByLabel('Price').fill('0');
    await page.getByLabel('Stock').fill('4');
    await page.getByLabel('Description').fill('Shiny');
    await page.getByRole('button', { name: 'Save item' }).click();
    const refusal = (await fetchRefusal('PUT', `${G}/shop/badge`, { name: 'Badge', currency: 'gold', price: 0 })).find((d) => d.path === 'price')!.message;
    await expect.poll(() => page.locator('#s-price-err').textContent()).toBe(refusal);
    await expect(page.getByLabel('Price').getAttribute('aria-invalid')).resolves.toBe('true');
    for (const [label, value] of [['Key', 'badge'], ['Name', 'Badge'], ['Stock', '4'], ['Description', 'Shiny'], ['Price', '0']]) {
      await expect(page.getByLabel(label!, { exact: true }).inputValue(), label).resolves.toBe(value);
    }
    await expect(panel.api(`${G}/shop/badge`)).rejects.toThrow(/404/);
    await page.close();
  });

  it('shows the server’s message at the level curve field and keeps the form (currencies: a first level below 0)', async () => {
    const page = await open('currencies');
    await page.getByRole('button', { name: 'Edit xp' }).click();
    await page.getByLabel('Name').fill('Experience');
    await page.getByLabel('First level').fill('-1');
    await page.getByRole('button', { name: 'Save currency' }).click();
    const xp = await panel.api(`${G}/currencies/xp`);
    const refusal = (await fetchRefusal('PUT', `${G}/currencies/xp`, { ...xp, id: undefined, level_curve: { ...xp.level_curve, start_level: -1 } })).find((d) => d.path === 'level_curve.start_level')!.message;
    await expect.poll(() => page.locator('#c-start-err').textContent()).toBe(refusal);
    await expect(page.getByLabel('Name').inputValue()).resolves.toBe('Experience');
    await expect(page.getByLabel('First level').inputValue()).resolves.toBe('-1');
    expect((await panel.api(`${G}/currencies/xp`)).name).toBe(xp.name);
    await page.close();
  });
});

describe('a refused save of a nested milestone requirement', () => {
  it('shows the message at the nested field that caused it', async () => {
    const page = await open('milestones');
    await page.getByRole('button', { name: 'New milestone' }).click();
    await page.getByLabel('Key').fill('steady');
    await page.getByLabel('Name').fill('Steady');
    await page.locator('#req-requirement-type').selectOption('all');
    await page.getByRole('button', { name: 'Add a condition to “all of”' }).click();
    await page.locator('#req-requirement-of-1--type').selectOption('streak');
    await page.locator('#req-requirement-of-1--days').fill('1');
    await page.getByRole('button', { name: 'Save milestone' }).click();
    const requirement = { type: 'all', of: [{ type: 'event_count', events: ['message_create'], side: 'actor', min: 100, measure: 'count' }, { type: 'streak', days: 1 }] };
    const refusal = (await fetchRefusal('PUT', `${G}/milestones/steady`, { name: 'Steady', requirement })).find((d) => d.path === 'requirement.of[1].days')!.message;
    await expect.poll(() => page.locator('#req-requirement-of-1--days-err').textContent()).toBe(refusal);
    await expect(page.locator('#req-requirement-of-1--days').inputValue()).resolves.toBe('1');
    await page.close();
  });
});

/** The field problems the API answers for a document, as the panel must show them (in plain words). */
async function fetchRefusal(method: string, path: string, json: unknown): Promise<{ path: string; message: string }[]> {
  try {
    await panel.api(path, { method, json });
  } catch (error) {
    const details: { path: string; message: string }[] = JSON.parse(String((error as Error).message).replace(/^[^{]*/, '')).error.details;
    return details.map((d) => ({ path: d.path, message: plain(d.message) }));
  }
  throw new Error(`${method} ${path} was accepted`);
}

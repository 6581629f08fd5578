// The configuration pages in a real browser: create a currency (with its level curve preview and a
// field error first), build a compound milestone requirement, import a preset after reviewing its
// key-by-key diff (nothing written before "Apply"), roll a rule back from the audit log, and turn
// off capturing an event type. Screenshots of each page go to test-results/screenshots/.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GUILD_ID, loginWithToken, openBrowser, screenshot, startPanel, type Browser, type Panel } from './support.ts';

const ANNOUNCEMENTS = '1000000000000000801';
const RISING_STAR = '1000000000000000802';
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

async function open(path: string) {
  const page = await browser.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await loginWithToken(page, panel);
  await page.goto(`${panel.url}/g/${DEMO_GUILD_ID}/${path}`);
  return page;
}

describe('panel configuration pages', () => {
  it('creates a currency with a level curve, after showing the field error of a missing name', async () => {
    const page = await open('currencies');
    await page.getByRole('button', { name: 'New currency' }).click();
    await page.getByLabel('Key').fill('gems');
    await page.getByLabel('Kind').selectOption('exponential');
    await page.getByLabel('Base').fill('50');
    await page.getByLabel('Factor').fill('2');
    // The preview is computed by the server: 50 × 2^1 = 100 to leave level 1.
    const preview = page.getByRole('table', { name: 'Total needed to leave each level' });
    await preview.getByRole('row', { name: /^1 100 100$/ }).waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Create currency' }).click();
    await page.locator('#c-name-err').getByText(/must not be empty/).waitFor();
    await expect(page.getByLabel('Name').getAttribute('aria-invalid')).resolves.toBe('true');
    expect((await panel.api(`${G}/currencies`)).map((c: { key: string }) => c.key)).not.toContain('gems');

    await page.getByLabel('Name').fill('Gems');
    await page.getByLabel('Spendable in the shop').check();
    await screenshot(page, 'p2-currency-form');
    await page.getByRole('button', { name: 'Create currency' }).click();
    await page.getByRole('row', { name: /gems/ }).waitFor();
    expect(await panel.api(`${G}/currencies/gems`)).toMatchObject({ name: 'Gems', spendable: true, level_curve: { kind: 'exponential', base: 50, factor: 2 } });
    await screenshot(page, 'p2-currencies');
    await page.close();
  });

  it('builds a compound milestone requirement (all of: messages and a 3-day streak)', async () => {
    const page = await open('milestones');
    await page.getByRole('button', { name: 'New milestone' }).click();
    await page.getByLabel('Key').fill('regular');
    await page.getByLabel('Name').fill('Regular');
    await page.locator('#req-requirement-type').selectOption('all');
    await page.getByRole('button', { name: 'Add a condition to “all of”' }).click();
    await page.locator('#req-requirement-of-1--type').selectOption('streak');
    await page.locator('#req-requirement-of-1--days').fill('3');
    await page.locator('#req-requirement-of-0--min').fill('50');
    await screenshot(page, 'p2-milestone-builder');
    await page.getByRole('button', { name: 'Save milestone' }).click();
    await page.getByRole('row', { name: /Regular/ }).waitFor();
    const saved = await panel.api(`${G}/milestones/regular`);
    expect(saved.document.requirement).toEqual({
      type: 'all',
      of: [
        { type: 'event_count', events: ['message_create'], side: 'actor', min: 50, measure: 'count' },
        { type: 'streak', days: 3 },
      ],
    });
    await page.close();
  });

  it('imports a preset only after its diff was reviewed and its placeholders bound', async () => {
    const before = await panel.api(`${G}/rules`);
    const page = await open('presets');
    await page.getByRole('button', { name: 'Import Community engagement score' }).click();
    const show = page.getByRole('button', { name: 'Show the changes' });
    await page.getByLabel('Channel “announcements”').fill(ANNOUNCEMENTS);
    // The preset's onboarding checklist (issue 16) needs its two channels and the completion role.
    await page.getByLabel('Channel “introductions”').fill('1000000000000000703');
    await page.getByLabel('Channel “rules”').fill('1000000000000000704');
    await page.getByLabel('Role “member”').fill('1000000000000000705');
    await expect(show.isDisabled()).resolves.toBe(true); // the role is still unbound
    await page.getByLabel('Role “rising_star”').fill(RISING_STAR);
    await show.click();

    // The review: four rules added (three for the score, one for finishing onboarding), nothing written yet.
    const rulesRow = page.getByRole('row', { name: /^rules/ });
    await rulesRow.waitFor();
    await expect(rulesRow.getByRole('cell').first().textContent()).resolves.toBe('4');
    await screenshot(page, 'p2-presets-review');
    const rulesChanges = page.locator('details').filter({ has: page.getByText('rules: 4 change(s)') });
    await rulesChanges.getByText('engagement.rising_star').waitFor();
    expect(await panel.api(`${G}/rules`)).toHaveLength(before.length);

    await page.getByRole('button', { name: 'Apply these changes' }).click();
    await page.getByText('Community engagement score imported').waitFor();
    const after = await panel.api(`${G}/rules`);
    expect(after.map((r: { key: string }) => r.key)).toEqual(expect.arrayContaining(['engagement.message', 'engagement.reaction', 'engagement.rising_star', 'onboarding.welcome_bonus']));
    expect(JSON.stringify(after)).toContain(RISING_STAR);
    const audit = await panel.api(`${G}/audit-log?entity=preset`);
    expect(JSON.stringify(audit)).toContain('community-engagement');
    await screenshot(page, 'p2-presets');

    // Export to a file: the recipe the API exports, with the imported rules in it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: "Export this server's configuration" }).click()]);
    const file = JSON.parse(await readFile((await download.path())!, 'utf8'));
    // Named after the guild and the day, not after the preset just imported.
    expect(download.suggestedFilename()).toBe(`cairn-demo-${new Date().toISOString().slice(0, 10)}.json`);
    expect(file).toEqual(await panel.api(`${G}/presets/export`));
    expect(file.rules.map((r: { key: string }) => r.key)).toContain('engagement.rising_star');
    await page.close();
  });

  it('imports a recipe file: a corrupt one is refused naming the field, a good one after its diff and bindings', async () => {
    const page = await open('presets');
    const file = (name: string, doc: unknown) => ({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
    await page.locator('#recipe-file').setInputFiles(file('old.json', { cairn_recipe: 2, key: 'old', name: 'Old format' }));
    const refusal = page.getByRole('alert').filter({ hasText: 'The import cannot go ahead' });
    await refusal.getByText(/recipe, cairn recipe: /).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();

    const READING = '1000000000000000803';
    const recipe = {
      cairn_recipe: 1, key: 'book-club', name: 'Book club',
      placeholders: { channels: { reading: { description: 'Where the book is discussed' } } },
      currencies: [{ key: 'pages', name: 'Pages' }],
      rules: [{ key: 'club.read', name: 'Reading', trigger: { events: ['message_create'], channels: ['{{channel:reading}}'] }, effects: [{ type: 'credit', to: 'actor', currency: 'pages', amount: 1 }] }],
    };
    await page.locator('#recipe-file').setInputFiles(file('book-club.json', recipe));
    await page.getByRole('heading', { name: /Import Book club/ }).waitFor();
    await page.getByText('Where the book is discussed').waitFor();
    await page.getByLabel('Channel “reading”').fill(READING);
    await page.getByRole('button', { name: 'Show the changes' }).click();
    const rulesRow = page.getByRole('row', { name: /^rules/ });
    await rulesRow.waitFor();
    await expect(rulesRow.getByRole('cell').first().textContent()).resolves.toBe('1');
    await expect(page.getByRole('row', { name: /^currencies/ }).getByRole('cell').first().textContent()).resolves.toBe('1');
    expect((await panel.api(`${G}/rules`)).map((r: { key: string }) => r.key)).not.toContain('club.read');
    await page.getByRole('button', { name: 'Apply these changes' }).click();
    await page.getByText('Book club imported').waitFor();
    const rule = await panel.api(`${G}/rules/club.read`);
    expect(rule.document.trigger.channels).toEqual([READING]);
    await page.close();
  });

  it('shows a rule change key by key in the audit log and rolls it back in one click', async () => {
    const rule = (await panel.api(`${G}/rules`)).find((r: { key: string }) => r.key === 'engagement.message');
    await panel.api(`${G}/rules/engagement.message`, { method: 'PATCH', json: { priority: 42 } });
    const page = await open('audit');
    const entry = page.getByRole('listitem').filter({ hasText: 'engagement.message' }).first();
    await entry.getByText('rule.update').waitFor();
    await entry.getByRole('row', { name: /priority/ }).waitFor();
    await expect(entry.getByRole('row', { name: /priority/ }).textContent()).resolves.toMatch(/priority.*42/);
    await screenshot(page, 'p2-audit');
    await entry.getByRole('button', { name: /Roll back rule engagement.message/ }).click();
    await page.getByText(/rolled back \(now version/).waitFor();
    const restored = await panel.api(`${G}/rules/engagement.message`);
    expect(restored.document.priority).toBe(rule.document.priority);
    expect(restored.version).toBe(rule.version + 2);
    await page.getByText('rule.rollback').first().waitFor();
    await page.close();
  });

  it('data sources: turns off capturing an event type and sets the retention', async () => {
    const page = await open('data-sources');
    const box = page.getByLabel('Capture voice_join');
    await expect(box.isChecked()).resolves.toBe(true);
    await box.uncheck();
    await page.getByText('voice_join no longer captured').waitFor();
    await page.getByLabel('Keep raw events for').fill('120');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Raw events are kept 120 days').waitFor();
    const settings = await panel.api(`${G}/settings`);
    expect(settings).toMatchObject({ retention_days: 120, capture: { voice_join: false, message_create: true } });
    await screenshot(page, 'p2-data-sources');
    await page.close();
  });

  it('creates a zone with a channel and a multiplier', async () => {
    const page = await open('zones');
    await page.getByRole('button', { name: 'New zone' }).click();
    await page.getByLabel('Key').fill('help');
    await page.getByLabel('Name').fill('Help desk');
    await page.getByLabel('Channels').fill('1000000000000000804');
    await page.getByLabel('Channels').press('Enter');
    await page.getByRole('button', { name: 'Add a multiplier' }).click();
    await page.locator('#m-cur-0').selectOption('xp');
    await page.locator('#m-ev-0').fill('message');
    await page.locator('#m-f-0').fill('1.5');
    await page.getByRole('button', { name: 'Save zone' }).click();
    await page.getByRole('row', { name: /Help desk/ }).waitFor();
    expect(await panel.api(`${G}/zones/help`)).toMatchObject({ channels: ['1000000000000000804'], multipliers: { xp: { message: 1.5 } } });
    await screenshot(page, 'p2-zones');
    await page.close();
  });

  it('creates a shop item after the price error is shown at the field', async () => {
    const page = await open('shop');
    await page.getByRole('button', { name: 'New item' }).click();
    await page.getByLabel('Key').fill('sticker');
    await page.getByLabel('Name').fill('Sticker');
    await page.getByLabel('Currency').selectOption('gold');
    await page.getByLabel('Price').fill('0');
    await page.getByRole('button', { name: 'Save item' }).click();
    await page.locator('#s-price-err').waitFor();
    await expect(page.getByLabel('Price').getAttribute('aria-invalid')).resolves.toBe('true');
    await page.getByLabel('Price').fill('25');
    await page.getByLabel('Stock').fill('3');
    await page.getByRole('button', { name: 'Save item' }).click();
    await page.getByRole('row', { name: /Sticker/ }).waitFor();
    expect(await panel.api(`${G}/shop/sticker`)).toMatchObject({ currency: 'gold', price: 25, stock: 3 });
    await screenshot(page, 'p2-shop');
    await page.close();
  });

  it('rolls the season, named', async () => {
    const before = await panel.api(`${G}/seasons`);
    const page = await open('seasons');
    await page.getByLabel('Name of the next season').fill('Winter');
    await page.getByRole('button', { name: 'Close this season and start the next' }).click();
    await page.getByRole('row', { name: /Winter.*current/ }).waitFor();
    const after = await panel.api(`${G}/seasons`);
    expect(after[0]).toMatchObject({ number: before[0].number + 1, name: 'Winter', current: true });
    await screenshot(page, 'p2-seasons');
    await page.close();
  });

  it('every page fits a phone screen (no sideways scrolling of the page)', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['currencies', 'zones', 'milestones', 'shop', 'seasons', 'presets', 'audit', 'data-sources']) {
      await page.goto(`${panel.url}/g/${DEMO_GUILD_ID}/${path}`);
      await page.locator('h1').waitFor();
      await page.locator('table, .empty, .gallery').first().waitFor();
      const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
      expect(overflow, `${path} is ${overflow}px wider than the phone`).toBeLessThanOrEqual(0);
      if (path === 'presets' || path === 'currencies') await screenshot(page, `p2-${path}-phone`);
    }
    await page.close();
  });
});

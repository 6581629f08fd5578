// Suggestions in a real browser, as an admin uses them: find suggestions in a guild's last 30 days,
// read a milestone threshold's backtest (about 10% of active members reach it), apply it (the
// milestone exists), roll it back (it is gone), dismiss a piece of advice and see that finding
// suggestions again does not offer it again.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHistory } from '../suggestions/generator.ts';
import { openBrowser, screenshot, signedInPage, startPanel, type Browser, type Panel } from './support.ts';

const GUILD = '1160511689263940017';
const G = `/guilds/${GUILD}`;
let panel: Panel;
let browser: Browser;

beforeAll(async () => {
  panel = await startPanel();
  await generateHistory(panel.services.database, panel.services.pipeline, GUILD, new Date());
  browser = await openBrowser();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

const card = (page: Page, kind: string) => page.locator(`li[data-kind="${kind}"]`).first();
const milestoneKeys = async () => ((await panel.api(`${G}/milestones`)) as { key: string }[]).map((m) => m.key);

async function findSuggestions(page: Page) {
  await page.getByRole('button', { name: 'Find suggestions' }).click();
  // The button reads "Looking…" through both passes (the replays take seconds, a minute on a busy
  // server); it is back, and the phase line gone, once both are done.
  await page.getByRole('button', { name: 'Looking…' }).waitFor();
  await page.getByRole('button', { name: 'Find suggestions' }).waitFor({ timeout: 120_000 });
  await page.getByRole('status').filter({ hasText: /Reading|Backtesting/ }).waitFor({ state: 'detached' });
}

describe('the suggestions page', () => {
  it('finds suggestions with their backtests, applies a milestone and rolls it back, and keeps dismissed advice dismissed', async () => {
    const page = await signedInPage(browser, panel, `/g/${GUILD}`);
    await page.getByRole('link', { name: 'Suggestions' }).click();
    await page.getByRole('heading', { name: 'Suggestions', exact: true }).waitFor();
    await page.getByText('No open suggestions').waitFor();
    // No AI key in the tests: the AI button is off and says why.
    await expect(page.getByRole('button', { name: 'Ask the AI' }).isDisabled()).resolves.toBe(true);
    await page.getByText(/AI is off/).waitFor();

    await expect(page.getByLabel('Milestones reached by the top').inputValue()).resolves.toBe('0.9');
    await findSuggestions(page);
    const milestone = card(page, 'milestone_threshold');
    await milestone.waitFor();
    // The backtest: about 10% of the active members reach the threshold (60 active, so 6 ± 1).
    const reached = (await milestone.locator('[data-reached]').textContent()) ?? '';
    const [, hit, active] = reached.match(/([\d,]+) of ([\d,]+)/) ?? [];
    expect(Number(active)).toBe(60);
    expect(Math.abs(Number(hit) - 6)).toBeLessThanOrEqual(1);
    // A rule suggestion's replay shows totals per currency before and after.
    await card(page, 'cap').locator('tr[data-currency="xp"]').waitFor();
    await screenshot(page, 'suggestions-found');

    // Apply the milestone (asked to confirm first): it exists afterwards.
    const id = await milestone.getAttribute('data-suggestion');
    const key = ((await panel.api(`${G}/suggestions?status=open`)) as { id: number; proposal: { milestone?: { key: string } } }[]).find((s) => String(s.id) === id)!.proposal.milestone!.key;
    expect(await milestoneKeys()).not.toContain(key);
    await milestone.getByRole('button', { name: 'Apply' }).click();
    await milestone.getByRole('button', { name: 'Yes, apply' }).click();
    await page.locator(`li[data-suggestion="${id}"]`).waitFor({ state: 'detached' });
    expect(await milestoneKeys()).toContain(key);

    // Applied: it links to what it created and rolls it back.
    await page.getByRole('tab', { name: 'Applied' }).click();
    const applied = page.locator(`li[data-suggestion="${id}"]`);
    await applied.getByRole('link', { name: new RegExp(`Created milestone “${key}”`) }).waitFor();
    await applied.getByRole('button', { name: 'Roll back' }).click();
    await applied.waitFor({ state: 'detached' });
    expect(await milestoneKeys()).not.toContain(key);
    await page.getByRole('tab', { name: 'Rolled back' }).click();
    await page.locator(`li[data-suggestion="${id}"]`).waitFor();

    // Advice has nothing to apply; dismissed, it is not offered again by the next search.
    await page.getByRole('tab', { name: 'Open' }).click();
    const advice = card(page, 'unspent_currency');
    await advice.getByText('Nothing to apply: this is advice.').waitFor();
    const adviceId = await advice.getAttribute('data-suggestion');
    await advice.getByRole('button', { name: 'Dismiss' }).click();
    await page.locator(`li[data-suggestion="${adviceId}"]`).waitFor({ state: 'detached' });
    await findSuggestions(page);
    await card(page, 'milestone_threshold').waitFor();
    await expect(page.locator(`li[data-suggestion="${adviceId}"]`).count()).resolves.toBe(0);
    await page.getByRole('tab', { name: 'Dismissed' }).click();
    await page.locator(`li[data-suggestion="${adviceId}"]`).waitFor();
  });
});

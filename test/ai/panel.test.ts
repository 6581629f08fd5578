// The panel's AI page in headless Chromium, against Cairn with the fake Gemini: an audit from the
// text box shows the verdict in its colour, the cost ledger and the last calls follow, a failure is
// shown plainly, and the budget form saves (or names the bad field).
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp } from '../support/app.ts';
import { createTestDatabase } from '../support/db.ts';
import { GUILD, seedGuild } from '../support/factories.ts';
import { ensurePanelBuilt, loginWithToken, openBrowser, screenshot, type Browser, type Panel } from '../panel/support.ts';
import { FakeGemini } from './fake-gemini.ts';

let gemini: FakeGemini;
let panel: Panel;
let browser: Browser;

beforeAll(async () => {
  ensurePanelBuilt();
  gemini = await FakeGemini.start();
  const database = await createTestDatabase();
  await seedGuild(database);
  const { app, services } = await createTestApp(database, { GEMINI_API_KEY: 'k', GEMINI_BASE_URL: gemini.url });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  panel = {
    url,
    services,
    api: async () => undefined,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      (server as unknown as { closeAllConnections(): void }).closeAllConnections();
      await closed;
      await services.close();
    },
  } as Panel;
  browser = await openBrowser();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await panel?.close();
  await gemini?.stop();
});

describe('the AI page', () => {
  it('audits a text, shows the coloured verdict, and the ledger and calls follow', async () => {
    gemini.always({ json: { risk: 'red', summary: 'A phishing link. Remove it.', reasons: ['asks for a login on a fake site'] }, promptTokens: 1_000, responseTokens: 200 });
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${panel.url}/g/${GUILD}/ai`);
    expect(await page.getByRole('status').filter({ hasText: 'AI features are on' }).textContent()).toContain('gemini-2.5-flash');
    await page.getByLabel('Text to assess').fill('free nitro at disc0rd-gift.example');
    await page.getByRole('button', { name: 'Audit' }).click();
    const verdict = page.locator('article.verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('class')).toContain('red');
    expect(await verdict.textContent()).toContain('Red — act now');
    expect(await verdict.textContent()).toContain('asks for a login on a fake site');
    expect(await verdict.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { borderLeftColor: string } }).getComputedStyle(el).borderLeftColor)).toBe('rgb(237, 66, 69)');
    // 1,000 × $0.30/M + 200 × $2.50/M = $0.0008
    await page.getByText('$0.0008').first().waitFor();
    await page.getByRole('cell', { name: 'audit' }).first().waitFor();
    await screenshot(page, 'ai');

    gemini.always({ status: 429 });
    await page.getByRole('button', { name: 'Audit' }).click();
    expect(await page.getByRole('alert').filter({ hasText: 'rate-limiting' }).textContent()).toMatch(/HTTP 429/);
    await page.getByText('rate_limited').first().waitFor();
    await page.close();
  });

  it('sets the digest channel and previews last week’s digest', async () => {
    gemini.always({ json: { title: 'A quiet week', summary: 'Not much happened. Rest well.', highlights: ['No new members'] } });
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${panel.url}/g/${GUILD}/ai`);
    const channel = page.getByLabel('Channel ID');
    await channel.fill('general');
    await page.getByRole('button', { name: 'Save channel' }).click();
    await page.locator('#digest-err').filter({ hasText: /snowflake/ }).waitFor();
    expect(await channel.getAttribute('aria-invalid')).toBe('true');
    await channel.fill('3333333333333333333');
    await page.getByRole('button', { name: 'Save channel' }).click();
    await page.getByText('The weekly digest will be posted there').waitFor();
    await page.getByRole('button', { name: 'Preview last week' }).click();
    await page.locator('article.digest').filter({ hasText: 'A quiet week' }).waitFor();
    expect(await page.locator('article.digest').textContent()).toContain('No new members');
    await page.close();
  });

  it('saves the daily budget and names a bad value', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${panel.url}/g/${GUILD}/ai`);
    const input = page.getByLabel('Budget per day (USD)');
    await input.fill('2.5');
    await page.getByRole('button', { name: 'Save budget' }).click();
    await page.getByText('AI budget: $2.50 a day').waitFor();
    const saved = (await (await fetch(`${panel.url}/api/guilds/${GUILD}/ai/budget`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { daily_budget_usd: number };
    expect(saved.daily_budget_usd).toBe(2.5);
    await input.fill('-3');
    await input.evaluate((el) => (el as unknown as { removeAttribute(name: string): void }).removeAttribute('min'));
    await page.getByRole('button', { name: 'Save budget' }).click();
    await page.locator('#budget-err').filter({ hasText: /0/ }).waitFor();
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    await page.close();
  });
});

// The FAQ page in a real browser, as a new admin meets it: an entry is refused at its field for a bad
// tag (nothing saved), created with a Markdown answer whose preview shows formatting but never runs
// hostile HTML or links, edited, and restored from its history; "Try a search" ranks it first; an
// unanswered search becomes an entry (and leaves the list), another is dismissed.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberList } from '../../src/api/contract.ts';
import { recordUnanswered } from '../../src/faq/unanswered.ts';
import { DEMO_GUILD_ID, openBrowser, screenshot, signedInPage, startPanel, type Browser, type Panel } from './support.ts';

const G = `/guilds/${DEMO_GUILD_ID}`;
let panel: Panel;
let browser: Browser;
let asker: { id: string; name: string };

beforeAll(async () => {
  panel = await startPanel();
  browser = await openBrowser();
  const { members } = (await panel.api(`${G}/members?limit=1`)) as MemberList;
  asker = { id: members[0]!.userId, name: members[0]!.displayName ?? members[0]!.username ?? members[0]!.userId };
  await panel.api(`${G}/faq/rules`, { method: 'PUT', json: { question: 'Where are the server rules?', answer: 'In #rules, pinned.', tags: ['rules'] } });
  const { db } = panel.services.database;
  const at = new Date();
  for (let i = 0; i < 3; i++) await recordUnanswered(db, DEMO_GUILD_ID, 'how do I change my nickname', asker.id, at);
  await recordUnanswered(db, DEMO_GUILD_ID, 'asdf qwerty', null, at);
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

async function open(): Promise<Page> {
  const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}/faq`);
  page.on('dialog', (dialog) => void dialog.accept());
  await page.getByRole('heading', { name: 'FAQ', exact: true }).waitFor();
  return page;
}

const HOSTILE = 'Open **Settings** → *Account*.\n\n<script>window.__pwned = true</script><img src=x onerror="window.__pwned = true">\n\n[click me](javascript:window.__pwned=true)';

describe('the FAQ page', () => {
  it('refuses a bad tag at its field without saving, then creates the entry with a safe Markdown preview', async () => {
    const page = await open();
    await page.getByRole('button', { name: 'New entry' }).click();
    await page.getByLabel('Question').fill('How do I reset my password?');
    await expect(page.getByLabel('Key').getAttribute('placeholder')).resolves.toBe('how-do-i-reset-my-password');
    await page.getByLabel('Key').fill('reset-password');
    await page.getByLabel('Answer (Markdown)').fill(HOSTILE);

    // The preview formats the Markdown; the HTML is shown as text and the javascript: link is no link.
    const preview = page.getByTestId('answer-preview');
    await expect(preview.locator('strong').textContent()).resolves.toBe('Settings');
    await expect(preview.locator('em').textContent()).resolves.toBe('Account');
    await expect(preview.locator('script, img').count()).resolves.toBe(0);
    await expect(preview.locator('a').count()).resolves.toBe(0);
    await expect(preview.textContent()).resolves.toContain('<script>');
    await expect(page.evaluate(() => (globalThis as { __pwned?: boolean }).__pwned)).resolves.toBeUndefined();

    await page.getByLabel('Tags').fill('account, bad!tag');
    await page.getByLabel('Other ways to ask').fill("forgot my password\ncan't log in");
    await page.getByRole('button', { name: 'Save entry' }).click();
    await expect(page.locator('#f-tags-err').textContent()).resolves.toMatch(/letters, digits/);
    await expect(panel.api(`${G}/faq/reset-password`)).rejects.toThrow(/404/);
    await screenshot(page, 'faq-refused');

    await page.getByLabel('Tags').fill('account, login');
    await page.getByRole('button', { name: 'Save entry' }).click();
    await page.getByRole('row', { name: /How do I reset my password\?/ }).waitFor();
    const saved = await panel.api(`${G}/faq/reset-password`);
    expect(saved).toMatchObject({ question: 'How do I reset my password?', tags: ['account', 'login'], alternatives: ['forgot my password', "can't log in"] });
    expect(saved.answer).toBe(HOSTILE);
    await page.close();
  });

  it('edits the entry, and restores its first version from the history', async () => {
    const page = await open();
    await page.getByRole('button', { name: 'Edit reset-password' }).click();
    await expect(page.getByLabel('Key').isDisabled()).resolves.toBe(true);
    await expect(page.getByLabel('Question').inputValue()).resolves.toBe('How do I reset my password?');
    await page.getByLabel('Answer (Markdown)').fill('Use **Forgot password** on the login page.');
    await page.getByRole('button', { name: 'Save entry' }).click();
    await page.getByText('FAQ entry “How do I reset my password?” saved').waitFor();
    expect((await panel.api(`${G}/faq/reset-password`)).answer).toBe('Use **Forgot password** on the login page.');

    await page.getByRole('button', { name: 'Edit reset-password' }).click();
    const history = page.getByRole('region', { name: 'History' });
    await history.locator('li[data-version="2"]').getByText('current').waitFor();
    await screenshot(page, 'faq-edit-history');
    await history.getByRole('button', { name: 'Restore version 1' }).click();
    await page.getByText('Restored version 1 as version 3').waitFor();
    await expect.poll(() => page.getByLabel('Answer (Markdown)').inputValue()).toBe(HOSTILE);
    expect((await panel.api(`${G}/faq/reset-password`)).answer).toBe(HOSTILE);
    await page.close();
  });

  it('"Try a search" ranks the entry first, by one of its other phrasings', async () => {
    const page = await open();
    await page.getByLabel('What a member types after /faq search').fill('forgot my password');
    const first = page.locator('ol.hits li').first();
    await first.getByText('reset-password').waitFor();
    await page.getByText('Members would get the first answer.').waitFor();
    await page.close();
  });

  it('turns an unanswered search into an entry, which takes it off the list, and dismisses another', async () => {
    const page = await open();
    const unanswered = page.getByRole('region', { name: 'Unanswered searches' });
    const row = unanswered.getByRole('row', { name: /change my nickname/ });
    await expect.poll(() => row.textContent()).toContain(asker.name); // who asked last, by name, once names load
    await expect(row.getByRole('cell').nth(1).textContent()).resolves.toBe('3');

    await row.getByRole('button', { name: /Create an entry/ }).click();
    await expect(page.getByLabel('Question').inputValue()).resolves.toBe('How do i change my nickname'); // the search as stored (lower case), capitalised
    await page.getByRole('note').getByText(/asked 3 ×/).waitFor();
    await page.getByLabel('Question').fill('How do I change my nickname?');
    await page.getByLabel('Answer (Markdown)').fill('Right-click your name → **Edit Server Profile**.');
    await page.getByRole('button', { name: 'Save entry' }).click();
    await page.getByRole('row', { name: /How do I change my nickname\?/ }).waitFor();
    await expect.poll(async () => unanswered.getByRole('row', { name: /change my nickname/ }).count()).toBe(0);
    expect(await panel.api(`${G}/faq/how-do-i-change-my-nickname`)).toMatchObject({ question: 'How do I change my nickname?' });
    expect((await panel.api(`${G}/faq/unanswered`)).map((u: { query: string }) => u.query)).toEqual(['asdf qwerty']);

    await unanswered.getByRole('button', { name: 'Dismiss “asdf qwerty”' }).click();
    await unanswered.getByText('Every search found an answer').waitFor();
    expect(await panel.api(`${G}/faq/unanswered`)).toEqual([]);
    const audit = await panel.api(`${G}/audit-log?entity=faq`);
    expect(JSON.stringify(audit)).toContain('faq.unanswered.dismiss');
    await screenshot(page, 'faq');
    await page.close();
  });
});

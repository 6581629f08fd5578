// A guild's own rule templates in a real browser: an admin saves a rule as a template (ticking the
// value that becomes a blank, running the example), finds it in the "Start from a template" gallery,
// fills it into a new rule that then pays in a dry run; edits the template there and sees the change;
// a bad value is refused at its field by the API and changes nothing.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuleTemplate } from '../../src/api/contract.ts';
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

/** The problem message shown for a field (its aria-describedby names the error's id). */
async function fieldError(page: Page, id: string): Promise<string> {
  const field = page.locator(`#${id}`);
  await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean);
  const texts = await Promise.all(ids.map((x) => page.locator(`[id="${x}"]`).textContent().catch(() => '')));
  return texts.join(' ');
}

async function openGalleryAt(page: Page, key: string) {
  await page.goto(`${panel.url}/g/${DEMO_GUILD_ID}/rule-templates`);
  await page.getByLabel('Search templates').fill('thread reward');
  await page.locator(`[data-template="${key}"]`).click();
}

describe("a guild's own rule templates", () => {
  it('saves a rule as a template, which the gallery lists and fills into a new rule that pays in a dry run', async () => {
    const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}/rules/classic.thread`);
    await page.getByRole('button', { name: 'Save as template' }).click();
    const form = page.getByRole('form', { name: 'Save as template' });
    await form.waitFor();
    await form.getByLabel('Template key').fill('thread-reward');
    await form.getByLabel('Template name').fill('Thread reward');
    await form.getByLabel('Description').fill('Starting a thread pays XP and Stars.');
    // The XP of the first effect (20 in the classic preset) becomes the blank "thread_xp".
    await form.locator('[data-candidate="Effect 1 › amount"]').check();
    await form.getByLabel('Name', { exact: true }).fill('thread_xp');
    await form.getByRole('button', { name: 'Run the example' }).click();
    const run = form.getByRole('region', { name: 'Example run' });
    await run.waitFor();
    await expect(run.locator('[data-step="0"]').textContent()).resolves.toContain('paid 20 xp');
    await screenshot(page, 'template-save-as');
    await form.getByRole('button', { name: 'Save template' }).click();
    await page.getByRole('link', { name: 'Open it in the templates gallery' }).waitFor();

    const saved = (await panel.api(`${G}/rule-templates/thread-reward`)) as RuleTemplate;
    expect(saved).toMatchObject({ source: 'guild', version: 1, name: 'Thread reward', placeholders: [{ name: 'thread_xp', kind: 'integer', default: 20 }] });
    expect(JSON.stringify(saved.rule.effects)).toContain('{{thread_xp}}');
    // The example's expected result is the run shown: alice's two threads and bob's one all pay.
    expect(saved.example?.expected.fired).toEqual([true, true, true]);
    expect(saved.example?.outcome).toMatch(/fires on 3 of 3 events/);

    // In the gallery (linked from the editor), filled with 35 XP under a new key, tried, created.
    await page.getByRole('link', { name: 'Open it in the templates gallery' }).click();
    await page.getByRole('heading', { name: 'Thread reward', exact: true }).waitFor();
    await expect(page.locator('[data-template="thread-reward"]').textContent()).resolves.toContain("this server's");
    await page.getByLabel('Effect 1 › amount').fill('35');
    await page.getByLabel('Rule key').fill('thread.reward_copy');
    await page.getByRole('button', { name: 'Try it on the example' }).click();
    const tried = page.getByRole('region', { name: 'Result of the example' });
    await expect(tried.locator('[data-step="0"]').textContent()).resolves.toContain('paid 35 xp');
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.waitForURL(`**/g/${DEMO_GUILD_ID}/rules/thread.reward_copy`);

    // The new rule runs in the guild's dry run: a thread pays its 35 XP.
    const [member] = ((await panel.api(`${G}/members?sort=balance&currency=xp`)) as { members: { userId: string }[] }).members;
    const dry = await panel.api(`${G}/dry-run`, { json: { event: { source_id: 'tpl-dry-1', type: 'thread_create', guild_id: DEMO_GUILD_ID, actor_id: member!.userId, channel_id: '100000000000000003', occurred_at: new Date().toISOString(), data: { name: 'A thread' } } } });
    const trace = (dry.rules as { rule: string; fired: boolean; effects: { currency?: string; amount?: number }[] }[]).find((r) => r.rule === 'thread.reward_copy');
    expect(trace).toMatchObject({ fired: true });
    expect(trace!.effects[0]).toMatchObject({ currency: 'xp', amount: 35 });
    await page.close();
  });

  it('edits the template from the gallery, and a bad value is refused at its field without changing it', async () => {
    const page = await signedInPage(browser, panel);
    await openGalleryAt(page, 'thread-reward');
    await page.getByRole('button', { name: 'Edit template' }).click();
    const form = page.getByRole('form', { name: 'Edit template' });
    await form.getByLabel('Description').fill('Starting a thread pays XP (you choose how much) and Stars.');
    await form.getByLabel('Label').fill('XP per thread');
    await form.getByRole('button', { name: 'Save template' }).click();
    await expect(page.getByTestId('template-description').textContent()).resolves.toBe('Starting a thread pays XP (you choose how much) and Stars.');
    await page.getByLabel('XP per thread').waitFor();
    const edited = (await panel.api(`${G}/rule-templates/thread-reward`)) as RuleTemplate;
    expect(edited).toMatchObject({ version: 2, placeholders: [{ name: 'thread_xp', label: 'XP per thread', default: 20 }] });

    // A blank's name with capitals and a space: the API's message shows under the field; nothing changes.
    await page.getByRole('button', { name: 'Edit template' }).click();
    await form.getByLabel('Name', { exact: true }).fill('Thread XP');
    await form.getByLabel('Description').fill('This description must not be saved.');
    await form.getByRole('button', { name: 'Save template' }).click();
    await expect(fieldError(page, 'placeholder-0-name')).resolves.toMatch(/lowercase letters, digits and _/);
    await screenshot(page, 'template-edit-refused');
    const after = (await panel.api(`${G}/rule-templates/thread-reward`)) as RuleTemplate;
    expect(after).toEqual(edited);
    await page.close();
  });

  it('refuses to save a second template under a taken key, and deletes a template from the gallery', async () => {
    const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}/rules/classic.thread`);
    await page.getByRole('button', { name: 'Save as template' }).click();
    const form = page.getByRole('form', { name: 'Save as template' });
    await form.getByLabel('Template key').fill('thread-reward');
    await form.getByRole('button', { name: 'Save template' }).click();
    await expect(fieldError(page, 'template-key')).resolves.toContain('exists already');
    expect(((await panel.api(`${G}/rule-templates/thread-reward`)) as RuleTemplate).version).toBe(2);

    await openGalleryAt(page, 'thread-reward');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete template' }).click();
    await page.getByText('Choose a template on the left').waitFor();
    const left = (await panel.api(`${G}/rule-templates`)) as RuleTemplate[];
    expect(left.some((t) => t.key === 'thread-reward')).toBe(false);
    // The rule made from it stays.
    await expect(panel.api(`${G}/rules/thread.reward_copy`)).resolves.toMatchObject({ key: 'thread.reward_copy' });
    await page.close();
  });
});

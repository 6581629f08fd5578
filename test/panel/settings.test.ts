// The settings page in a real browser: a bad time zone is refused with the server's message under
// the field (nothing saved); the time zone, the announcement channel and a label are saved section
// by section and are still there after a reload; the menu calls milestones by the new label; and
// leaving with unsaved edits asks first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GUILD_ID, openBrowser, screenshot, signedInPage, startPanel, type Browser, type Panel } from './support.ts';

const ANNOUNCEMENTS = '1000000000000000901';
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

const section = (page: Awaited<ReturnType<typeof signedInPage>>, id: string) => page.locator(`section[data-section="${id}"]`);

describe('the settings page', () => {
  it('saves time zone, announcement channel and a label, keeps them after a reload, and renames the menu entry', async () => {
    const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}/settings`);
    const general = section(page, 'general');
    await general.getByLabel('Time zone').fill('Mars/Olympus');
    await general.getByRole('button', { name: 'Save' }).click();
    await page.locator('#general-timezone-err').getByText(/IANA time zone/).waitFor();
    await expect(general.getByLabel('Time zone').getAttribute('aria-invalid')).resolves.toBe('true');
    expect((await panel.api(`${G}/settings`)).timezone).toBe('UTC');

    await general.getByLabel('Time zone').fill('Europe/Paris');
    await general.getByRole('button', { name: 'Save' }).click();
    await general.getByText('Unsaved changes').waitFor({ state: 'detached' });
    expect((await panel.api(`${G}/settings`)).timezone).toBe('Europe/Paris');

    const announcements = section(page, 'announcements');
    await announcements.getByLabel('Announcement channel').fill(ANNOUNCEMENTS);
    await announcements.getByRole('button', { name: 'Save' }).click();
    await announcements.getByText('Unsaved changes').waitFor({ state: 'detached' });
    expect((await panel.api(`${G}/settings`)).announce_channel_id).toBe(ANNOUNCEMENTS);

    const labels = section(page, 'labels');
    await labels.locator('#label-milestones').fill('Trophies');
    await labels.getByTestId('labels-preview').getByText("Ada's Trophies", { exact: false }).waitFor();
    await screenshot(page, 'settings-labels');
    await labels.getByRole('button', { name: 'Save' }).click();
    const menu = page.getByRole('navigation', { name: 'Main' });
    await menu.getByRole('link', { name: 'Trophies' }).waitFor();
    expect((await panel.api(`${G}/settings`)).labels).toMatchObject({ milestones: 'Trophies', xp: 'XP' });

    await page.reload();
    await expect(section(page, 'general').getByLabel('Time zone').inputValue()).resolves.toBe('Europe/Paris');
    await expect(section(page, 'labels').locator('#label-milestones').inputValue()).resolves.toBe('Trophies');
    await section(page, 'announcements').locator('.chip').first().waitFor();
    await menu.getByRole('link', { name: 'Trophies' }).waitFor();
    await screenshot(page, 'settings');

    // The milestones page is titled by the label too.
    await menu.getByRole('link', { name: 'Trophies' }).click();
    await page.getByRole('heading', { level: 1, name: 'Trophies' }).waitFor();
    await page.close();
  });

  it('shows a label refused by the server under its field and saves nothing', async () => {
    const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}/settings`);
    const before = (await panel.api(`${G}/settings`)).labels;
    const labels = section(page, 'labels');
    // The browser's maxlength stops typing at 64; a pasted tab is one of what the server refuses.
    await labels.locator('#label-level').fill('Tier\tone');
    await labels.getByRole('button', { name: 'Save' }).click();
    await page.locator('#label-level-err').getByText(/one line/).waitFor();
    expect((await panel.api(`${G}/settings`)).labels).toEqual(before);
    await page.close();
  });

  it('asks before leaving with unsaved edits', async () => {
    const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}/settings`);
    await section(page, 'general').getByLabel('Name').fill('Renamed but not saved');
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await expect.poll(() => asked).toContain('unsaved changes');
    expect(new URL(page.url()).pathname).toBe(`/g/${DEMO_GUILD_ID}/settings`);
    await page.close();
  });
});

// The first-run wizard in a real browser: a new guild configured from a preset with its channel and
// role bound, the diff reviewed before anything is written, applied atomically; running it again
// shows that nothing would change.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guilds } from '../../src/db/schema.ts';
import { DEMO_GUILD_ID, loginWithToken, openBrowser, screenshot, startPanel, type Browser, type Panel } from './support.ts';

const NEW_GUILD = '1000000000000000888';
const ANNOUNCEMENTS = '1000000000000000801';
const RISING_STAR = '1000000000000000802';
// The preset's onboarding (issue 16) binds two more channels and the role a finished checklist gives.
const INTRODUCTIONS = '1000000000000000803';
const RULES_CHANNEL = '1000000000000000804';
const MEMBER_ROLE = '1000000000000000805';

async function bindOnboarding(page: Page): Promise<void> {
  await page.getByLabel('Channel “introductions”').fill(INTRODUCTIONS);
  await page.getByLabel('Channel “rules”').fill(RULES_CHANNEL);
  await page.getByLabel('Role “member”').fill(MEMBER_ROLE);
}

let panel: Panel;
let browser: Browser;
beforeAll(async () => {
  panel = await startPanel();
  browser = await openBrowser();
  await panel.services.database.db.insert(guilds).values({ id: NEW_GUILD, name: 'A new community' });
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

describe('the setup wizard', () => {
  it('configures a new guild from a preset: choose, bind, review the diff, apply', async () => {
    const preset = (await panel.api('/presets')).find((p: { key: string }) => p.key === 'community-engagement');
    expect(preset.placeholders.channels.map((p: { name: string }) => p.name)).toEqual(['announcements', 'introductions', 'rules']);
    const started = performance.now();
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${panel.url}/g/${NEW_GUILD}/setup`);
    await page.getByRole('button', { name: `Use ${preset.name}` }).click();

    const review = page.getByRole('button', { name: 'Review changes' });
    await page.getByLabel('Channel “announcements”').fill(ANNOUNCEMENTS);
    await bindOnboarding(page);
    await expect(review.isDisabled()).resolves.toBe(true); // the role is still unbound
    await expect(page.getByText('Still to bind: role rising_star').isVisible()).resolves.toBe(true);
    await page.getByLabel('Role “rising_star”').fill(RISING_STAR);
    await review.click();

    await page.getByRole('heading', { name: /Review/ }).waitFor();
    const rulesRow = page.getByRole('row', { name: /^rules/ });
    await expect(rulesRow.getByRole('cell').first().textContent()).resolves.toBe(String(preset.counts.rules));
    expect(await panel.api(`/guilds/${NEW_GUILD}/rules`)).toHaveLength(0); // nothing written yet
    await screenshot(page, 'setup-review');

    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('heading', { name: /is set up/ }).waitFor();
    const seconds = (performance.now() - started) / 1000;
    console.log(`setup wizard: preset chosen, bound, reviewed and applied in ${seconds.toFixed(1)} s`);

    const rules = await panel.api(`/guilds/${NEW_GUILD}/rules`);
    expect(rules).toHaveLength(preset.counts.rules);
    expect(JSON.stringify(rules)).toContain(RISING_STAR);
    expect(JSON.stringify(rules)).not.toContain('{{role:');
    expect(JSON.stringify(rules)).not.toContain('{{channel:');
    const settings = await panel.api(`/guilds/${NEW_GUILD}/settings`);
    expect(JSON.stringify(settings.onboarding)).toContain(INTRODUCTIONS);
    expect(JSON.stringify(settings.onboarding)).toContain(MEMBER_ROLE);
    const audit = await panel.api(`/guilds/${NEW_GUILD}/audit-log`);
    expect(JSON.stringify(audit)).toContain('community-engagement');
    await page.close();
  });

  it('"Keep it, add and update": the review removes nothing, names what it overwrites (the xp level curve), and Apply does just that', async () => {
    const G = `/guilds/${DEMO_GUILD_ID}`;
    const before = await panel.api(`${G}/rules`);
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${panel.url}/g/${DEMO_GUILD_ID}/setup`);
    await page.getByRole('button', { name: 'Use Levels like the big leveling bots' }).click();
    await page.getByLabel('Channel “level_ups”').fill('1000000000000000811');
    for (const [i, role] of ['level_5', 'level_10', 'level_20'].entries()) await page.getByLabel(`Role “${role}”`).fill(`100000000000000082${i}`);
    await page.getByRole('button', { name: 'Review changes' }).click();
    await page.getByRole('heading', { name: /Review/ }).waitFor();
    await expect(page.getByLabel('Keep it, add and update what the preset defines').isChecked()).resolves.toBe(true);

    // Nothing is listed as removed; what stays is said to stay; the overwritten curve is named.
    await expect(page.locator('.badge.danger').count()).resolves.toBe(0);
    await expect(page.getByRole('columnheader', { name: 'Kept (not in the preset)' }).count()).resolves.toBe(1);
    await page.getByText(/Kept as they are.*rule classic\.message/).waitFor();
    const overwrite = page.getByRole('note').filter({ hasText: 'you already have' });
    await expect(overwrite.textContent()).resolves.toMatch(/currency xp: replaces the level curve: exponential 100 × 1\.25\^level .* → polynomial \(100, 50, 5\)/);
    await screenshot(page, 'setup-merge-review');

    // Replace lists the removals; back to merge, and apply.
    await page.getByLabel('Replace it: remove what the preset does not define').check();
    await page.locator('.badge.danger').first().waitFor();
    await page.getByLabel('Keep it, add and update what the preset defines').check();
    await expect.poll(() => page.locator('.badge.danger').count()).toBe(0);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('heading', { name: /is set up/ }).waitFor();
    const after = await panel.api(`${G}/rules`);
    expect(after.map((r: { key: string }) => r.key)).toEqual(expect.arrayContaining(before.map((r: { key: string }) => r.key)));
    expect((await panel.api(`${G}/currencies/xp`)).level_curve).toMatchObject({ kind: 'polynomial', coefficients: [100, 50, 5] });
    expect((await panel.api(`${G}/currencies`)).map((c: { key: string }) => c.key)).toEqual(expect.arrayContaining(['xp', 'stars', 'gold']));
    await page.close();
  });

  it('shows that running the same preset again would change nothing', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${panel.url}/g/${NEW_GUILD}/setup`);
    await page.getByRole('button', { name: 'Use Community engagement' }).click();
    await page.getByLabel('Channel “announcements”').fill(ANNOUNCEMENTS);
    await bindOnboarding(page);
    await page.getByLabel('Role “rising_star”').fill(RISING_STAR);
    await page.getByRole('button', { name: 'Review changes' }).click();
    await page.getByText('Applying changes nothing').waitFor();
    await page.close();
  });
});

// Names instead of snowflakes, in a real browser: channel and role pickers search by name and show
// #name / @name with the id on hover; the dry run picks its actor by name and shows names in the
// trace; the audit log says who by name; a limit typed with units survives save and edit; the
// configuration export is named after the guild.
import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, guildChannels, guildRoles, members } from '../../src/db/schema.ts';
import { DEMO_GUILD_ID, openBrowser, screenshot, signedInPage, startPanel, type Browser, type Panel } from './support.ts';

const G = `/guilds/${DEMO_GUILD_ID}`;
const CATEGORY = '1000000000000000100';
const GENERAL = '1000000000000000101';
const HELP = '1000000000000000102';
const REGULAR = '1000000000000000201';
const MODERATOR = '1000000000000000202';
const ADA = '1000000000000001000';
const GRACE = '1000000000000001001';
const RULE = 'names.chatter';
/** A Discord id written out in a page's visible text (ids belong in tooltips and copy buttons). */
const RAW_ID = /(?<!\d)\d{17,20}(?!\d)/;

let panel: Panel;
let browser: Browser;
beforeAll(async () => {
  panel = await startPanel();
  browser = await openBrowser();
  const { db } = panel.services.database;
  // The directory as the gateway would have stored it (the demo's members are ids 1000…1000+),
  // over the demo's seeded one: these names win.
  await db.insert(guildChannels).values([
    { guildId: DEMO_GUILD_ID, channelId: CATEGORY, name: 'Community', type: 4 },
    { guildId: DEMO_GUILD_ID, channelId: GENERAL, name: 'general', type: 0, parentId: CATEGORY },
    { guildId: DEMO_GUILD_ID, channelId: HELP, name: 'help-desk', type: 0, parentId: CATEGORY },
  ]).onConflictDoUpdate({ target: [guildChannels.guildId, guildChannels.channelId], set: { name: sql`excluded.name`, type: sql`excluded.type`, parentId: sql`excluded.parent_id` } });
  await db.insert(guildRoles).values([
    { guildId: DEMO_GUILD_ID, roleId: REGULAR, name: 'Regular', color: 0x3498db },
    { guildId: DEMO_GUILD_ID, roleId: MODERATOR, name: 'Moderator', color: 0xe91e63 },
  ]).onConflictDoUpdate({ target: [guildRoles.guildId, guildRoles.roleId], set: { name: sql`excluded.name`, color: sql`excluded.color` } });
  await db
    .insert(members)
    .values([
      { guildId: DEMO_GUILD_ID, userId: ADA, displayName: 'Ada Lovelace', username: 'ada', roles: [REGULAR] },
      { guildId: DEMO_GUILD_ID, userId: GRACE, displayName: 'Grace Hopper', username: 'grace', roles: [MODERATOR] },
    ])
    .onConflictDoUpdate({ target: [members.guildId, members.userId], set: { displayName: sql`excluded.display_name`, username: sql`excluded.username`, roles: sql`excluded.roles` } });
  await panel.api(`${G}/rules/${RULE}`, {
    method: 'PUT',
    json: {
      key: RULE, name: 'Chatter', trigger: { events: ['message_create'], channels: [GENERAL], roles: { any: [REGULAR] } },
      limits: [{ kind: 'rate', max: 3, window_seconds: 86_400, per: 'actor' }], effects: [{ type: 'credit', to: 'actor', currency: 'stars', amount: 1 }],
    },
  });
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

/** The text a reader sees, without tooltips and the copy buttons' labels. */
const visibleText = (page: Page) => page.locator('#main').innerText();

describe('pickers by name', () => {
  it('shows the rule’s channel and role by name with the id on hover, and adds a channel found by name', async () => {
    const page = await signedInPage(browser, panel, `${G.replace('/guilds', '/g')}/rules/${RULE}`);
    const channels = page.locator('.picker', { has: page.getByLabel('Only in channels', { exact: true }) });
    const general = channels.locator('.chip .name').first();
    await expect.poll(() => general.textContent()).toBe('#general');
    await expect(general.getAttribute('title')).resolves.toContain(GENERAL);
    const role = page.locator('.picker', { has: page.getByLabel('Actor has any of the roles') }).locator('.chip .name').first();
    await expect.poll(() => role.textContent()).toBe('@Regular');
    await expect(role.getAttribute('title')).resolves.toContain(REGULAR);
    // The role's colour (0x3498db), set on the name.
    await expect(role.getAttribute('style')).resolves.toContain('color: rgb(52, 152, 219)');

    // Type-ahead: "help" finds #help-desk under its category; Enter picks it.
    const input = page.getByLabel('Only in channels', { exact: true });
    await input.fill('help');
    const option = page.getByRole('option', { name: '#help-desk' });
    await option.waitFor();
    await expect(option.getAttribute('title')).resolves.toContain(HELP);
    await expect(page.locator('#trigger-channels-list .group').first().textContent()).resolves.toBe('Community');
    await input.press('Enter');
    await expect.poll(() => channels.locator('.chip .name').allTextContents()).toEqual(['#general', '#help-desk']);
    // Roles by name, picked with the arrow keys.
    const roles = page.getByLabel('Actor has none of the roles');
    await roles.fill('mod');
    await page.getByRole('option', { name: '@Moderator' }).waitFor();
    await roles.press('ArrowDown');
    await roles.press('ArrowUp');
    await roles.press('Enter');
    const raw = JSON.parse(await page.getByLabel('Rule as JSON').inputValue());
    expect(raw.trigger).toMatchObject({ channels: [GENERAL, HELP], roles: { any: [REGULAR], none: [MODERATOR] } });
    await screenshot(page, 'pickers-by-name');
    await page.close();
  });

  it('still takes a pasted id, shown shortened (never 18 digits) when no name is known', async () => {
    const page = await signedInPage(browser, panel, `${G.replace('/guilds', '/g')}/zones`);
    await page.getByRole('button', { name: 'New zone' }).click();
    await page.getByLabel('Channels').fill('1000000000000000999');
    await page.getByLabel('Channels').press('Enter');
    const chip = page.locator('.picker .chip .name').first();
    await expect.poll(() => chip.textContent()).toBe('#…000999');
    await expect(chip.getAttribute('title')).resolves.toBe('channel id 1000000000000000999');
    await page.close();
  });
});

describe('limits with units', () => {
  it('"1 per 10 minutes" and a 5-minute cooldown are saved in seconds and open again in minutes', async () => {
    const page = await signedInPage(browser, panel, `${G.replace('/guilds', '/g')}/rules/${RULE}`);
    // The stored 86,400 seconds open as 1 day.
    await expect.poll(() => page.locator('#limit-1-window').inputValue()).toBe('1');
    await expect(page.locator('#limit-1-window-unit').inputValue()).resolves.toBe('86400');
    await page.locator('#limit-1-max').fill('1');
    await page.locator('#limit-1-window').fill('10');
    await page.locator('#limit-1-window-unit').selectOption({ label: 'minutes' });
    await page.getByRole('button', { name: 'Add limit' }).click();
    await page.locator('#limit-2-seconds').fill('5');
    await page.locator('#limit-2-seconds-unit').selectOption({ label: 'minutes' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(async () => (await panel.api(`${G}/rules/${RULE}`)).version).toBe(2);
    expect((await panel.api(`${G}/rules/${RULE}`)).document.limits).toEqual([
      { kind: 'rate', max: 1, window_seconds: 600, per: 'actor' },
      { kind: 'cooldown', seconds: 300, per: 'actor' },
    ]);
    await page.reload();
    await expect.poll(() => page.locator('#limit-1-window').inputValue()).toBe('10');
    await expect(page.locator('#limit-1-window-unit').inputValue()).resolves.toBe('60');
    await expect(page.locator('#limit-2-seconds').inputValue()).resolves.toBe('5');
    await expect(page.locator('#limit-2-seconds-unit').inputValue()).resolves.toBe('60');
    await page.close();
  });
});

describe('the dry run by name', () => {
  it('picks the actor by name and shows names in the result', async () => {
    const page = await signedInPage(browser, panel, `${G.replace('/guilds', '/g')}/dry-run`);
    const actor = page.getByLabel('Actor', { exact: true });
    await actor.fill('Ada');
    await page.getByRole('option', { name: /Ada Lovelace/ }).click();
    await expect.poll(async () => JSON.parse(await page.getByLabel('Event (JSON)').inputValue()).actor_id).toBe(ADA);
    const channel = page.getByLabel('Channel', { exact: true });
    await channel.fill('gener');
    await page.getByRole('option', { name: '#general' }).click();
    await expect.poll(async () => JSON.parse(await page.getByLabel('Event (JSON)').inputValue()).channel_id).toBe(GENERAL);
    await page.getByRole('button', { name: 'Run' }).click();
    const result = page.locator('.result');
    await result.waitFor();
    await expect.poll(() => result.locator('p.muted').first().innerText()).toMatch(/by Ada Lovelace\s+in #general/);
    await expect.poll(() => page.locator('table.balances').innerText()).toContain('Ada Lovelace');
    expect(await result.innerText()).not.toMatch(RAW_ID);
    await screenshot(page, 'dry-run-by-name');
    await page.close();
  });
});

describe('the audit log by name', () => {
  it('says who made each change by name, and never prints a raw id', async () => {
    await panel.services.database.db.insert(auditLog).values([
      { guildId: DEMO_GUILD_ID, actor: `discord:${GRACE} (grace)`, action: 'zone.update', entityType: 'zone', entityKey: 'lounge', before: null, after: { name: 'Lounge' } },
      { guildId: DEMO_GUILD_ID, actor: 'discord:1000000000000007777 (someone.gone)', action: 'milestone.create', entityType: 'milestone', entityKey: 'early', before: null, after: { name: 'Early' } },
      { guildId: DEMO_GUILD_ID, actor: `discord:${ADA} (ada)`, action: 'member.award', entityType: 'member', entityKey: ADA, before: null, after: { amount: 5 } },
    ]);
    const page = await signedInPage(browser, panel, `${G.replace('/guilds', '/g')}/audit`);
    const entry = (key: string) => page.locator('ol.entries > li', { hasText: key });
    await expect.poll(() => entry('lounge').locator('.actor').innerText()).toBe('Grace Hopper');
    await expect(entry('lounge').locator('.actor .name').getAttribute('title')).resolves.toContain(GRACE);
    // Not in the directory: the name recorded with the change.
    await expect.poll(() => entry('early').locator('.actor').innerText()).toBe('someone.gone');
    await expect.poll(() => entry('member.award').innerText()).toContain('Ada Lovelace');
    // The operator (the admin token) made the rule changes.
    await expect.poll(() => entry('rule.update').first().locator('.actor').innerText()).toBe('the operator');
    expect(await visibleText(page)).not.toMatch(RAW_ID);
    await screenshot(page, 'audit-by-name');
    await page.close();
  });
});

describe('exporting the configuration', () => {
  it('names the file after the guild and the day', async () => {
    const page = await signedInPage(browser, panel, `${G.replace('/guilds', '/g')}/presets`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: "Export this server's configuration" }).click()]);
    const today = new Date().toISOString().slice(0, 10);
    expect(download.suggestedFilename()).toBe(`cairn-demo-${today}.json`);
    const file = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(file.rules.some((r: { key: string }) => r.key === RULE)).toBe(true);
    await page.close();
  });
});

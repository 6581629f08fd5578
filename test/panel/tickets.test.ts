// The support desk in a real browser, as a new admin meets it: the Tickets settings section is
// created, refused at the field for a bad value (nothing saved), and edited; the queue lists tickets
// by status with names (no raw ids), filters and searches; a ticket shows its header, timeline and
// transcript (hostile text shown as text), and both exports download with their file names; the
// metrics page shows the backlog and the staff table.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberList } from '../../src/api/contract.ts';
import { saveTicketSettings, seedTicket, seedTicketEvents, seedTicketMessages } from '../support/tickets.ts';
import { DEMO_GUILD_ID, openBrowser, screenshot, signedInPage, startPanel, type Browser, type Panel } from './support.ts';

const G = `/guilds/${DEMO_GUILD_ID}`;
const PARENT = '1000000000000000921';
const STAFF_ROLE = '1000000000000000922';
const SNOWFLAKE = /(?<![0-9])[0-9]{17,20}(?![0-9])/g;
let panel: Panel;
let browser: Browser;
let member: { id: string; name: string };
let staff: { id: string; name: string };

beforeAll(async () => {
  panel = await startPanel();
  browser = await openBrowser();
  const { members } = (await panel.api(`${G}/members?limit=2`)) as MemberList;
  [member, staff] = members.map((m) => ({ id: m.userId, name: m.displayName ?? m.username ?? m.userId })) as [typeof member, typeof staff];
  const db = panel.services.database;
  const now = Date.now();
  const ago = (hours: number) => new Date(now - hours * 3_600_000);
  await seedTicket(db, { guildId: DEMO_GUILD_ID, number: 1, openedAt: ago(5), openerId: member.id, subject: 'Cannot see the rules channel' });
  await seedTicket(db, { guildId: DEMO_GUILD_ID, number: 2, openedAt: ago(30), openerId: member.id, subject: 'My level reset overnight', claimedBy: staff.id, firstResponseAt: ago(29.5), firstResponseBy: staff.id });
  await seedTicket(db, { guildId: DEMO_GUILD_ID, number: 3, openedAt: ago(80), openerId: member.id, subject: 'Shop refund', claimedBy: staff.id, firstResponseAt: ago(79), firstResponseBy: staff.id, closedAt: ago(70), closedBy: staff.id, closeReason: 'refunded' });
  await seedTicketEvents(db, 2, [
    { kind: 'opened', at: ago(30), actorId: member.id },
    { kind: 'claimed', at: ago(29.5), actorId: staff.id },
    { kind: 'member_added', at: ago(29), actorId: staff.id, data: { member_id: member.id } },
  ], DEMO_GUILD_ID);
  await seedTicketMessages(db, 2, [
    { authorId: member.id, content: 'My level went from 12 to 1 <script>alert("x")</script>', sentAt: ago(30) },
    { authorId: staff.id, content: 'Looking into it now.', sentAt: ago(29.5) },
  ], DEMO_GUILD_ID);
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

const section = (page: Page) => page.locator('section[data-section="tickets"]');
const ticketsSettings = async () => (await panel.api(`${G}/settings`)).tickets;

describe('the Tickets settings section', () => {
  it('is created, refuses a bad value at its field without saving, and is edited', async () => {
    expect(await ticketsSettings()).toBeUndefined();
    const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}/settings#settings-tickets`);
    const tickets = section(page);
    await tickets.getByLabel('Channel the threads open in').fill(PARENT);
    await tickets.getByLabel('Staff roles', { exact: true }).fill(STAFF_ROLE);
    await tickets.getByLabel('Staff roles', { exact: true }).press('Enter');
    await tickets.getByRole('button', { name: 'Add a category' }).click();
    await tickets.locator('#tickets-cat-0-key').fill('billing');
    await tickets.locator('#tickets-cat-0-label').fill('Billing');
    await tickets.getByLabel('Keep the messages of tickets').check();
    await tickets.locator('#tickets-retention').fill('30');
    await tickets.getByRole('button', { name: 'Save' }).click();
    await tickets.getByText('Unsaved changes').waitFor({ state: 'detached' });
    expect(await ticketsSettings()).toMatchObject({
      mode: 'thread', parent_channel_id: PARENT, staff_role_ids: [STAFF_ROLE], categories: [{ key: 'billing', label: 'Billing', description: '' }],
      transcripts: { enabled: true, retention_days: 30, attach_on_close: false }, max_open_per_member: 1,
    });

    // Bad values: each refused under its own field, and nothing saved.
    const before = await ticketsSettings();
    await tickets.locator('#tickets-retention').fill('5000');
    await tickets.getByRole('button', { name: 'Add a category' }).click();
    await tickets.locator('#tickets-cat-1-key').fill('Bugs & Crashes');
    await tickets.locator('#tickets-cat-1-label').fill('Bugs');
    await tickets.getByRole('button', { name: 'Save' }).click();
    await page.locator('#tickets-retention-err').getByText(/3650/).waitFor();
    await page.locator('#tickets-cat-1-key-err').getByText(/lower-case letters/).waitFor();
    await expect(tickets.locator('#tickets-retention').getAttribute('aria-invalid')).resolves.toBe('true');
    await screenshot(page, 'tickets-settings-refused');
    expect(await ticketsSettings()).toEqual(before);

    // The edit: fixed values, a renamed category, the second one kept, an AI switch off.
    await tickets.locator('#tickets-retention').fill('60');
    await tickets.locator('#tickets-cat-1-key').fill('bugs');
    await tickets.locator('#tickets-cat-0-label').fill('Billing & refunds');
    await tickets.getByLabel('Suggest replies from the FAQ to staff').uncheck();
    await tickets.locator('#tickets-reopen').fill('24');
    await tickets.getByRole('button', { name: 'Save' }).click();
    await tickets.getByText('Unsaved changes').waitFor({ state: 'detached' });
    expect(await ticketsSettings()).toMatchObject({
      parent_channel_id: PARENT, reopen_window_hours: 24,
      categories: [{ key: 'billing', label: 'Billing & refunds' }, { key: 'bugs', label: 'Bugs' }],
      transcripts: { enabled: true, retention_days: 60 }, ai: { summary_on_close: true, suggested_replies: false },
    });

    // After a reload the form shows what is stored; removing a category is an edit too.
    await page.reload();
    await expect(section(page).locator('#tickets-cat-0-label').inputValue()).resolves.toBe('Billing & refunds');
    await section(page).getByRole('button', { name: 'Remove category Bugs' }).click();
    await section(page).getByRole('button', { name: 'Save' }).click();
    await section(page).getByText('Unsaved changes').waitFor({ state: 'detached' });
    expect((await ticketsSettings()).categories).toEqual([{ key: 'billing', label: 'Billing & refunds', description: '' }]);
    await page.close();
  });
});

describe('the queue, a ticket and its exports', () => {
  it('lists tickets by status with names, filters and searches them', async () => {
    await saveTicketSettings(panel.services.database, { transcripts: { enabled: true }, categories: [{ key: 'billing', label: 'Billing & refunds' }] }, DEMO_GUILD_ID);
    const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tickets' }).click();
    const rows = page.locator('[data-testid="ticket-queue"] tbody tr');
    await rows.first().waitFor();
    // Oldest first: the longest wait on top.
    await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-ticket')))).toEqual(['2', '1']);
    await expect(page.getByRole('tab', { name: /All active/ }).textContent()).resolves.toContain('2');
    await rows.first().getByText(staff.name).waitFor();
    await rows.first().getByText(member.name).waitFor();
    await page.waitForLoadState('networkidle');
    expect([...(await page.locator('#main').innerText()).matchAll(SNOWFLAKE)].map((m) => m[0])).toEqual([]);
    await screenshot(page, 'tickets-queue');

    await page.getByRole('tab', { name: /Closed/ }).click();
    await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-ticket')))).toEqual(['3']);
    await page.getByRole('tab', { name: /All active/ }).click();
    await page.getByLabel('Search tickets').fill('rules');
    await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-ticket')))).toEqual(['1']);
    expect(new URL(page.url()).searchParams.get('q')).toBe('rules');
    await page.getByLabel('Search tickets').fill('');
    await page.getByLabel('Unclaimed only').check();
    await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-ticket')))).toEqual(['1']);
    await page.getByLabel('Unclaimed only').uncheck();
    await page.getByLabel('Category').selectOption('billing');
    await page.getByText('No ticket matches these filters').waitFor();
    await page.close();
  });

  it('opens a ticket: header, timeline and transcript, then downloads both exports', async () => {
    const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}/tickets`);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.getByRole('link', { name: 'My level reset overnight' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ticket #2' }).waitFor();
    const facts = page.getByRole('region', { name: 'Ticket' });
    await facts.getByText('Claimed', { exact: true }).waitFor();
    await facts.getByText(staff.name).first().waitFor();
    const timeline = page.getByTestId('ticket-timeline');
    await timeline.getByText('claimed it').waitFor();
    await expect(timeline.locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-kind')))).resolves.toEqual(['opened', 'claimed', 'member_added']);
    await timeline.locator('li[data-kind="member_added"]').getByText(member.name).waitFor();
    const transcript = page.getByTestId('ticket-transcript');
    // Markup in a message is text on the page, never markup.
    await transcript.getByText('My level went from 12 to 1 <script>alert("x")</script>').waitFor();
    await transcript.getByText('Looking into it now.').waitFor();
    await page.waitForLoadState('networkidle');
    expect([...(await page.locator('#main').innerText()).matchAll(SNOWFLAKE)].map((m) => m[0])).toEqual([]);
    await screenshot(page, 'ticket');

    const slug = 'cairn-demo';
    const [html] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download HTML' }).click()]);
    expect(html.suggestedFilename()).toMatch(new RegExp(`^ticket-2-${slug}.*\\.html$`));
    const page1 = await readFile((await html.path())!, 'utf8');
    expect(page1).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page1).not.toContain('<script>');
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download JSON' }).click()]);
    expect(json.suggestedFilename()).toMatch(new RegExp(`^ticket-2-${slug}.*\\.json$`));
    const data = JSON.parse(await readFile((await json.path())!, 'utf8'));
    expect(data.messages.map((m: { content: string }) => m.content)).toEqual(['My level went from 12 to 1 <script>alert("x")</script>', 'Looking into it now.']);
    // Both downloads are in the audit log.
    const audit = (await panel.api(`${G}/audit-log?entity=ticket`)) as { action: string; after: { format: string } }[];
    expect(audit.map((a) => a.after.format)).toEqual(['json', 'html']);
    expect(dialogs).toBe(0);
    await page.close();
  });

  it('says why there is no transcript while transcripts are off', async () => {
    await saveTicketSettings(panel.services.database, { transcripts: { enabled: false } }, DEMO_GUILD_ID);
    const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}/tickets/2`);
    await page.getByTestId('no-transcript').getByText(/keeps no transcripts/).waitFor();
    expect(await page.getByRole('link', { name: 'Download HTML' }).count()).toBe(0);
    await page.close();
  });

  it('shows the service metrics: the backlog and the staff table', async () => {
    const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}/tickets`);
    await page.getByRole('link', { name: 'Service metrics' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ticket metrics' }).waitFor();
    await expect(page.getByTestId('backlog-open').textContent()).resolves.toBe('1');
    const staffRow = page.getByTestId('ticket-staff').locator('tbody tr');
    await staffRow.first().getByText(staff.name).waitFor();
    expect(await staffRow.count()).toBe(1);
    await screenshot(page, 'ticket-metrics');
    await page.close();
  });
});

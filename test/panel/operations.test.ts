// Issue 15, operations, in a real browser: the Health page shows the operations sections (systems,
// outbox, jobs, lake, events per hour, error log); its pause switch pauses the guild, a banner then
// shows on every page of the guild, events still land in the lake but are not paid, and switching
// it back pays them; the Operations settings section holds the ops channel and the same switch.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pausedEvents } from '../../src/db/schema.ts';
import { DEMO_GUILD_ID, openBrowser, screenshot, signedInPage, startPanel, type Browser, type Panel } from './support.ts';

let panel: Panel;
let browser: Browser;
const MEMBER = '1000000000000009201';
let sequence = 0;

beforeAll(async () => {
  panel = await startPanel();
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

const path = `/g/${DEMO_GUILD_ID}`;
const message = () => ({
  source_id: `ops-test-${++sequence}`,
  type: 'message_create',
  guild_id: DEMO_GUILD_ID,
  actor_id: MEMBER,
  target_id: null,
  channel_id: '1000000000000000101',
  occurred_at: new Date(Date.now() - 60_000 + sequence).toISOString(),
  data: { length: 40 },
});

describe('operations in the panel', () => {
  it('the Health page shows the operations sections; the pause switch pauses, the banner shows on every page, and unpausing pays what waited', async () => {
    const page = await signedInPage(browser, panel, `${path}/health`);
    for (const id of ['ops-pause', 'ops-systems', 'ops-outbox', 'ops-jobs', 'ops-lake', 'ops-hourly', 'ops-errors']) await page.getByTestId(id).waitFor();
    await expect.poll(() => page.getByTestId('ops-db').textContent()).toMatch(/^reachable/);
    expect(await page.getByTestId('paused-banner').count()).toBe(0);

    await page.getByTestId('pause-switch').check();
    await page.getByTestId('paused-banner').waitFor();
    await screenshot(page, 'health-paused');
    expect((await panel.api(`/guilds/${DEMO_GUILD_ID}/settings`)).paused).toBe(true);

    // Events arriving now are captured and held.
    await panel.api(`/guilds/${DEMO_GUILD_ID}/events`, { json: [message(), message()] });
    expect(await panel.services.database.db.$count(pausedEvents, eq(pausedEvents.guildId, DEMO_GUILD_ID))).toBe(2);

    // The banner is on every page of the guild, after a reload too.
    await page.goto(`${panel.url}${path}/rules`);
    await page.getByTestId('paused-banner').waitFor();
    await page.goto(`${panel.url}${path}/settings`);
    await page.getByTestId('settings-operations').waitFor();
    await page.getByTestId('paused-banner').waitFor();
    expect(await page.getByTestId('settings-operations').getByTestId('pause-switch').isChecked()).toBe(true);

    await page.goto(`${panel.url}${path}/health`);
    await page.getByTestId('ops-pause').getByText('2 event(s) waiting to be paid').waitFor();
    await page.getByTestId('pause-switch').uncheck();
    await expect.poll(() => page.getByTestId('paused-banner').count()).toBe(0);
    await page.getByText('Unpaused: 2 waiting event(s) paid in order').waitFor();
    expect(await panel.services.database.db.$count(pausedEvents, eq(pausedEvents.guildId, DEMO_GUILD_ID))).toBe(0);
    await page.close();
  });
});

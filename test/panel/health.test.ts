// Issue 13 §3 in a real browser: a rule failing at run time on ingested events shows in the nav's
// Health badge, on the Health page with its error, on the rules list and in the editor; after
// QUARANTINE_AFTER failures in a row it shows as quarantined with its reason, and re-enabling it
// (from the Health page, or the editor) lifts it; events set aside at ingest are retried and
// discarded from the Health page, each saying what happened.
import { inArray, sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lakeEvents } from '../../src/db/schema.ts';
import { QUARANTINE_AFTER } from '../../src/rules/rule-errors.ts';
import { DEMO_GUILD_ID, openBrowser, screenshot, signedInPage, startPanel, type Browser, type Panel } from './support.ts';

let panel: Panel;
let browser: Browser;
const RULE = 'health.per_char';
const MEMBER = '1000000000000009101';
let sequence = 0;

beforeAll(async () => {
  panel = await startPanel();
  browser = await openBrowser();
  await panel.api(`/guilds/${DEMO_GUILD_ID}/currencies/power`, { method: 'PUT', json: { name: 'Power' } });
  // Saves fine (its trial message is short) and fails on a long message: 5,000 × 10^9 is more than one posting may move.
  await panel.api(`/guilds/${DEMO_GUILD_ID}/rules/${RULE}`, {
    method: 'PUT',
    json: { key: RULE, name: 'Power per character', trigger: { events: ['message_create'] }, effects: [{ type: 'credit', currency: 'power', amount: { '*': [{ var: 'event.data.length' }, 1e9] } }] },
  });
});
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

const path = `/g/${DEMO_GUILD_ID}`;
const base = () => `${panel.url}${path}`;
const message = (length = 5000) => ({
  source_id: `health-test-${++sequence}`,
  type: 'message_create',
  guild_id: DEMO_GUILD_ID,
  actor_id: MEMBER,
  target_id: null,
  channel_id: '1000000000000000101',
  occurred_at: new Date(Date.now() - 60_000 + sequence).toISOString(),
  data: { length },
});
const longMessages = (n: number) => panel.api(`/guilds/${DEMO_GUILD_ID}/events`, { json: Array.from({ length: n }, () => message()) });
const rule = () => panel.api(`/guilds/${DEMO_GUILD_ID}/rules/${RULE}`);
const badge = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByTestId('health-badge');
const healthRule = (page: Page) => page.locator(`li[data-health-rule="${RULE}"]`);

/** A real failure of the demo guild's events inside the database: a trigger refuses its lake rows. */
async function breakLake() {
  const db = panel.services.database.db;
  await db.execute(sql.raw(`CREATE FUNCTION refuse_demo() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.guild_id = ${DEMO_GUILD_ID} THEN RAISE EXCEPTION 'the lake is closed for repairs'; END IF; RETURN NEW; END $$`));
  await db.execute(sql.raw('CREATE TRIGGER refuse_demo BEFORE INSERT ON lake_events FOR EACH ROW EXECUTE FUNCTION refuse_demo()'));
  return async () => {
    await db.execute(sql.raw('DROP TRIGGER refuse_demo ON lake_events'));
    await db.execute(sql.raw('DROP FUNCTION refuse_demo()'));
  };
}

describe('the Health page', () => {
  it('says all is well while nothing fails, and the nav shows no badge', async () => {
    const page = await signedInPage(browser, panel, `${path}/health`);
    await expect.poll(() => page.getByTestId('health-status').textContent()).toBe('all is well');
    await page.getByText('No rule failed in the last 24 hours').waitFor();
    expect(await page.getByText(/configuration version \d+/).count()).toBe(1);
    expect(await badge(page).count()).toBe(0);
    await page.close();
  });

  it('shows a rule failing on ingested events: the nav badge, the Health page with its error, the rules list and the editor', async () => {
    await longMessages(2);
    const page = await signedInPage(browser, panel, path);
    await expect.poll(() => badge(page).textContent()).toBe('1 problem');
    await page.getByRole('link', { name: /^Health/ }).click();
    await expect.poll(() => page.getByTestId('health-status').textContent()).toBe('failing');
    const item = healthRule(page);
    await expect.poll(() => item.locator('.badge').textContent()).toBe('failing');
    const text = await item.textContent();
    expect(text).toContain('Power per character');
    expect(text).toContain('1,000,000,000,000');
    expect(text).toMatch(/Errors in the last 24 h\s*2/);
    expect(text).toContain('version 1');
    await screenshot(page, 'health-failing');

    await page.getByRole('link', { name: 'Power per character' }).click();
    await page.getByRole('heading', { name: /Recent errors/ }).waitFor();
    // The same failure twice reads once, with how often.
    await expect(page.locator('details.errors li').getAttribute('data-count')).resolves.toBe('2');
    await expect(page.locator('details.errors li').textContent()).resolves.toMatch(/1,000,000,000,000[\s\S]*2 times/);
    expect(await page.getByTestId('quarantine-banner').count()).toBe(0);

    await page.goto(`${base()}/rules`);
    const row = page.locator(`tr[data-rule="${RULE}"]`);
    await expect.poll(() => row.locator('.badge.warn').first().textContent()).toBe('failing');
    await expect(row.locator('.badge.warn').first().getAttribute('title')).resolves.toContain('1,000,000,000,000');
    await page.close();
  });

  it(`after ${QUARANTINE_AFTER} failures in a row the rule is quarantined, with its reason on the list, in the editor and on the Health page; re-enabling it there lifts it`, async () => {
    await longMessages(QUARANTINE_AFTER - 2);
    const quarantined = await rule();
    expect(quarantined).toMatchObject({ enabled: false, quarantine: { reason: expect.stringContaining(`failed on ${QUARANTINE_AFTER} events in a row`) } });

    const page = await signedInPage(browser, panel, `${path}/rules`);
    const row = page.locator(`tr[data-rule="${RULE}"]`);
    await expect.poll(() => row.locator('.badge.danger').textContent()).toBe('quarantined');
    await expect(row.locator('.badge.danger').getAttribute('title')).resolves.toContain(`failed on ${QUARANTINE_AFTER} events in a row`);
    await expect(row.textContent()).resolves.toContain('Turned off by Cairn: it failed on');
    await expect(page.getByLabel('Enabled: Power per character', { exact: true }).isChecked()).resolves.toBe(false);
    await expect.poll(() => badge(page).textContent()).toBe('1 problem');

    await page.goto(`${base()}/rules/${RULE}`);
    const banner = page.getByTestId('quarantine-banner');
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toContain(`failed on ${QUARANTINE_AFTER} events in a row`);
    await expect(page.locator('details.errors li').getAttribute('data-count')).resolves.toBe(String(QUARANTINE_AFTER));
    await screenshot(page, 'rule-quarantined');

    await page.goto(`${base()}/health`);
    await expect.poll(() => page.getByTestId('health-status').textContent()).toBe('rules quarantined');
    const item = healthRule(page);
    await expect(item.textContent()).resolves.toContain(`Turned off by Cairn on`);
    await screenshot(page, 'health-quarantined');
    const dialogs: string[] = [];
    page.once('dialog', (d) => void (dialogs.push(d.message()), d.accept()));
    await item.getByRole('button', { name: 'Re-enable' }).click();
    await expect.poll(() => dialogs).toEqual([expect.stringContaining('Enable “Power per character” again?')]);
    await expect.poll(async () => (await rule()).quarantine).toBeNull();
    expect(await rule()).toMatchObject({ enabled: true, version: quarantined.version + 1 });
    await page.reload();
    await expect.poll(() => page.getByTestId('health-status').textContent()).toBe('all is well');
    // Its errors stay listed, marked as from before the rule was saved again.
    await expect.poll(() => healthRule(page).locator('.badge').textContent()).toBe('saved since');
    expect(await badge(page).count()).toBe(0);
    await page.close();
  });

  it('a rule quarantined again is re-enabled from its editor: saved enabled, the banner goes', async () => {
    await longMessages(QUARANTINE_AFTER);
    expect((await rule()).quarantine).not.toBeNull();
    const page = await signedInPage(browser, panel, `${path}/rules/${RULE}`);
    await page.getByTestId('quarantine-banner').waitFor();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Re-enable and save' }).click();
    await expect.poll(() => page.getByTestId('quarantine-banner').count()).toBe(0);
    expect(await rule()).toMatchObject({ enabled: true, quarantine: null });
    await expect(page.getByLabel('Enabled', { exact: true }).isChecked()).resolves.toBe(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Version history' }).waitFor();
    expect(await badge(page).count()).toBe(0);
    // Nothing more to fail on from here.
    await panel.api(`/guilds/${DEMO_GUILD_ID}/rules/${RULE}`, { method: 'PATCH', json: { enabled: false } });
    await page.close();
  });

  it('events set aside at ingest are listed with their reason, and retried and discarded from the page, each saying what happened', async () => {
    const repair = await breakLake();
    const [first, second] = [message(40), message(40)];
    let repaired = false;
    try {
      const result = await panel.services.pipeline.ingest([first, second], { origin: 'gateway' });
      expect(result.accepted).toBe(0);
      const page = await signedInPage(browser, panel, `${path}/health`);
      await expect.poll(() => badge(page).textContent()).toBe('2 problems');
      await expect.poll(() => page.getByTestId('health-status').textContent()).toBe('failing');
      const firstRow = page.locator(`tr[data-failed-event="${first.source_id}"]`);
      await expect.poll(() => firstRow.textContent()).toContain('the lake is closed for repairs');
      await screenshot(page, 'health-failed-events');

      // Retried while the cause is still there: it stays, one attempt more, and the page says so.
      await firstRow.getByRole('button', { name: `Retry event ${first.source_id}` }).click();
      await expect.poll(() => page.getByTestId('failed-outcome').textContent()).toBe(`Event ${first.source_id} retried: 1 failed again and stays set aside.`);
      await expect.poll(() => firstRow.locator('td.num').textContent()).toBe('2');

      await repair();
      repaired = true;
      await firstRow.getByRole('button', { name: `Retry event ${first.source_id}` }).click();
      await expect.poll(() => page.getByTestId('failed-outcome').textContent()).toBe(`Event ${first.source_id} retried: 1 processed and removed from the list.`);
      await expect.poll(() => firstRow.count()).toBe(0);
      const health = await panel.api(`/guilds/${DEMO_GUILD_ID}/health`);
      expect(health.failedEvents.items.map((e: { sourceId: string }) => e.sourceId)).toEqual([second.source_id]);

      const secondRow = page.locator(`tr[data-failed-event="${second.source_id}"]`);
      page.once('dialog', (d) => void d.accept());
      await secondRow.getByRole('button', { name: `Discard event ${second.source_id}` }).click();
      await expect.poll(() => page.getByTestId('failed-outcome').textContent()).toBe(`Event ${second.source_id} discarded.`);
      await page.getByText('No event is waiting any more.').waitFor();
      expect((await panel.api(`/guilds/${DEMO_GUILD_ID}/health`)).failedEvents.count).toBe(0);
      // The retried event is in the lake once; the discarded one is not.
      const lake = await panel.services.database.db.select({ source: lakeEvents.sourceId }).from(lakeEvents).where(inArray(lakeEvents.sourceId, [first.source_id, second.source_id]));
      expect(lake).toEqual([{ source: first.source_id }]);
      await page.reload();
      await page.getByTestId('health-status').waitFor();
      expect(await badge(page).count()).toBe(0);
      await page.close();
    } finally {
      if (!repaired) await repair();
    }
  });
});

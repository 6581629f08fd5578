// A new admin reads names, not snowflakes: every page of the demo guild (and a member's profile, a
// rule, the dry run's result) is searched for a bare 17–20 digit Discord id in its visible text.
// Ids may sit in tooltips (title) and copy buttons, which are not visible text.
import type { Page } from 'playwright-core';
import type { MemberList } from '../../src/api/contract.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAV } from '../../dashboard/src/lib/nav.ts';
import { DEMO_GUILD_ID, openBrowser, screenshot, signedInPage, startPanel, type Browser, type Panel } from './support.ts';

let panel: Panel;
let browser: Browser;
beforeAll(async () => {
  panel = await startPanel();
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

const SNOWFLAKE = /(?<![0-9])[0-9]{17,20}(?![0-9])/g;

/** The page's visible text once its data has loaded (no spinner left, network quiet). */
async function settledText(page: Page): Promise<string> {
  await page.waitForLoadState('networkidle');
  await expect.poll(() => page.locator('[role="status"].loading').count(), { timeout: 15_000 }).toBe(0);
  return page.locator('#main').innerText();
}

async function rawIdsOn(path: string): Promise<string[]> {
  const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}${path}`);
  try {
    const text = await settledText(page);
    const found = [...text.matchAll(SNOWFLAKE)].map((m) => m[0]);
    if (found.length > 0) await screenshot(page, `raw-ids${path.replace(/[^a-z0-9]+/gi, '-')}`);
    return found;
  } finally {
    await page.close();
  }
}

describe('the demo guild shows names instead of raw ids', () => {
  for (const entry of NAV.filter((e) => !e.planned)) {
    it(`on the ${entry.label} page`, async () => {
      expect(await rawIdsOn(entry.path ? `/${entry.path}` : '')).toEqual([]);
    });
  }

  it("on a member's profile", async () => {
    const { members } = (await panel.api(`/guilds/${DEMO_GUILD_ID}/members?sort=balance&currency=xp`)) as MemberList;
    expect(await rawIdsOn(`/members/${members[0]!.userId}`)).toEqual([]);
  });

  it("on a rule's page", async () => {
    const [rule] = (await panel.api(`/guilds/${DEMO_GUILD_ID}/rules`)) as { key: string }[];
    expect(await rawIdsOn(`/rules/${encodeURIComponent(rule!.key)}`)).toEqual([]);
  });
});

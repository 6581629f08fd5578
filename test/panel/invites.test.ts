// The Invites page in a real browser: with no recorded joins it says so (and why there may be none);
// with joins recorded by the invite tracker it ranks the inviters by name (invited, still here, gone
// within a week), says how each member joined — an invite and its creator, the vanity URL, or
// unknown — and a member filter shows one member's invites and the members they brought.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberList } from '../../src/api/contract.ts';
import { recordJoins } from '../support/invites.ts';
import { DEMO_GUILD_ID, openBrowser, screenshot, signedInPage, startPanel, type Browser, type Panel } from './support.ts';

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

const SNOWFLAKE = /(?<![0-9])[0-9]{17,20}(?![0-9])/g;
const openInvites = async (): Promise<Page> => {
  const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}`);
  await page.getByRole('link', { name: 'Invites', exact: true }).click();
  await page.getByRole('heading', { name: 'Invites', exact: true }).waitFor();
  return page;
};

describe('the invites page', () => {
  it('says that no invites are recorded yet', async () => {
    const page = await openInvites();
    await page.getByText('No invites recorded yet').waitFor();
    await page.getByText('No joins recorded yet').waitFor();
    await expect(page.getByText('Manage Server permission').isVisible()).resolves.toBe(true);
    await page.close();
  });

  it("ranks the inviters by name, says how members joined, and filters to one member's invites", async () => {
    const { members } = (await panel.api(`/guilds/${DEMO_GUILD_ID}/members?sort=balance&currency=xp&limit=10`)) as MemberList;
    const [ana, ben, cleo, dan, eve] = members;
    const name = (m: typeof ana) => m!.displayName!;
    await recordJoins(panel.services.database.db, DEMO_GUILD_ID, [
      { userId: cleo!.userId, via: 'code', code: 'ana-1', inviterId: ana!.userId, joinedAt: '2026-11-01T10:00:00Z' },
      { userId: dan!.userId, via: 'code', code: 'ana-1', inviterId: ana!.userId, joinedAt: '2026-11-02T10:00:00Z', leftAt: '2026-11-03T10:00:00Z' },
      { userId: eve!.userId, via: 'code', code: 'ben-1', inviterId: ben!.userId, joinedAt: '2026-11-04T10:00:00Z' },
      { userId: ben!.userId, via: 'vanity', joinedAt: '2026-11-05T10:00:00Z' },
      { userId: ana!.userId, via: 'unknown', joinedAt: '2026-11-06T10:00:00Z' },
    ]);
    const page = await openInvites();
    const board = page.getByRole('table', { name: "Inviters' leaderboard" });
    await board.locator(`tr[data-inviter="${ana!.userId}"]`).waitFor();
    await expect.poll(() => board.locator('tbody tr').count()).toBe(2);
    // Ana's invites brought two members, one still here, one gone within a week; then Ben's one.
    await expect.poll(() => board.locator('tbody tr').first().innerText()).toMatch(new RegExp(`1\\s+${name(ana)}[\\s\\S]*2\\s+1\\s+1`));
    await expect(board.locator('tbody tr').nth(1).innerText()).resolves.toMatch(new RegExp(`2\\s+${name(ben)}[\\s\\S]*1\\s+1\\s+0`));

    const joins = page.getByRole('table', { name: 'Recent joins' });
    await expect.poll(() => joins.locator(`tr[data-join="${ana!.userId}"]`).innerText()).toContain('unknown invite');
    await expect(joins.locator(`tr[data-join="${ben!.userId}"]`).innerText()).resolves.toContain('vanity URL');
    await expect.poll(() => joins.locator(`tr[data-join="${cleo!.userId}"]`).innerText()).toMatch(new RegExp(`invite ana-1 by ${name(ana)}`));
    await expect.poll(async () => [...(await page.locator('#main').innerText()).matchAll(SNOWFLAKE)].map((m) => m[0])).toEqual([]);
    await screenshot(page, 'invites');

    // Ana's invites: her counts, how she joined, the two members she brought (one of whom left).
    await board.locator(`tr[data-inviter="${ana!.userId}"]`).getByRole('button', { name: 'Their invites' }).click();
    const summary = page.getByRole('region', { name: 'The member’s invites' });
    await expect.poll(() => summary.innerText()).toMatch(new RegExp(`${name(ana)} invited 2 members: 1 still here, 1 gone within a week`));
    await expect(summary.innerText()).resolves.toContain('unknown invite');
    const theirs = page.getByRole('table', { name: 'Members they invited' });
    await expect.poll(() => theirs.locator('tbody tr').count()).toBe(2);
    await expect(theirs.locator(`tr[data-join="${dan!.userId}"]`).innerText()).resolves.toMatch(/3 Nov 2026/);
    await expect.poll(async () => [...(await page.locator('#main').innerText()).matchAll(SNOWFLAKE)].map((m) => m[0])).toEqual([]);
    await screenshot(page, 'invites-member');
    await page.close();
  });
});

// The onboarding pages in a real browser: an admin creates a flow (welcome with a live preview, two
// questions, two steps), edits it (renames a step, moves a step up, removes a question), sees the
// server's refusal of a bad condition under its field (nothing saved), then reads the funnel and
// the stuck list with members' names.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members } from '../../src/db/schema.ts';
import { memberId, seedOnboarding } from '../support/onboarding.ts';
import { DEMO_GUILD_ID, openBrowser, signedInPage, startPanel, type Browser, type Panel } from './support.ts';

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

async function open(path: string): Promise<Page> {
  const page = await signedInPage(browser, panel, `/g/${DEMO_GUILD_ID}/${path}`);
  page.on('dialog', (dialog) => void dialog.accept());
  await page.locator('#main h1').waitFor();
  return page;
}
const flow = async () => (await panel.api(`${G}/settings`)).onboarding;

describe('onboarding pages', () => {
  it('creates a flow, edits it, refuses a bad condition at its field, and shows the funnel and stuck members by name', async () => {
    const page = await open('onboarding/flow');
    await page.getByLabel('Onboarding is on').check();
    await page.getByLabel('Welcome template').fill('Hi {member}, welcome to {server}!\n{checklist}');

    await page.getByLabel('Ask new members questions (their answers can grant roles)').check();
    await page.getByRole('button', { name: 'Add a question' }).click();
    await page.locator('#q-key-0').fill('region');
    await page.locator('#q-prompt-0').fill('Where are you?');
    await page.locator('#q-0-o-0-label').fill('Europe');
    await page.locator('#q-0-o-0-key').fill('eu');
    await page.getByRole('button', { name: 'Add a question' }).click();
    await page.locator('#q-key-1').fill('games');
    await page.locator('#q-prompt-1').fill('What do you play?');

    await page.getByRole('button', { name: 'Add a step' }).click();
    await page.locator('#s-label-0').fill('Introduce yourself');
    await page.locator('#s-key-0').fill('intro');
    await page.getByRole('button', { name: 'Add a step' }).click();
    await page.locator('#s-label-1').fill('React to the rules');
    await page.locator('#s-key-1').fill('rules');
    await page.locator('#s-type-1').selectOption('reaction_add');
    await expect(page.getByTestId('welcome-preview').textContent()).resolves.toMatch(/^Hi @NewMember, welcome to .+!\n☐ Introduce yourself\n☐ React to the rules$/);
    await page.getByRole('button', { name: 'Save the flow' }).click();
    await page.getByText('Onboarding flow saved').waitFor();
    expect(await flow()).toMatchObject({
      enabled: true,
      questionnaire: { enabled: true, questions: [{ key: 'region', options: [{ key: 'eu', label: 'Europe', role_ids: [] }] }, { key: 'games' }] },
      steps: [{ key: 'intro', label: 'Introduce yourself', trigger: { type: 'message_create', count: 1 } }, { key: 'rules', trigger: { type: 'reaction_add' } }],
    });

    // The edit path, after a reload: what was saved is what the form shows.
    await page.reload();
    await expect(page.locator('#s-label-1').inputValue()).resolves.toBe('React to the rules');
    await page.locator('#s-label-0').fill('Say hello');
    await page.getByRole('button', { name: 'Move step 2 up' }).click();
    await page.getByRole('button', { name: 'Remove question 1' }).click();
    await expect(page.locator('#q-key-0').inputValue()).resolves.toBe('games');
    await page.getByRole('button', { name: 'Save the flow' }).click();
    await page.getByText('Onboarding flow saved').waitFor();
    const edited = await flow();
    expect(edited.steps.map((s: { key: string; label: string }) => [s.key, s.label])).toEqual([['rules', 'React to the rules'], ['intro', 'Say hello']]);
    expect(edited.questionnaire.questions.map((q: { key: string }) => q.key)).toEqual(['games']);

    // A condition the rules' validator refuses: the message sits under the condition, nothing is saved.
    await page.locator('#s-when-0').fill('{"frobnicate": [1]}');
    await page.getByRole('button', { name: 'Save the flow' }).click();
    await page.locator('#s-when-0-error').getByText(/unknown operation "frobnicate"/).waitFor();
    await page.getByText('Not saved: check the fields marked above.').waitFor();
    expect((await flow()).steps[0].trigger.when).toBeUndefined();
    await page.locator('#s-when-0').fill('');
    await page.close();

    // Members who joined lately: one done, one stuck at "intro" for five days, one just arrived.
    const now = Date.now();
    const [done, stuck, fresh] = [memberId(1), memberId(2), memberId(3)];
    await panel.services.database.db.insert(members).values([
      { guildId: DEMO_GUILD_ID, userId: done, displayName: 'Done Dana' },
      { guildId: DEMO_GUILD_ID, userId: stuck, displayName: 'Stuck Sam' },
      { guildId: DEMO_GUILD_ID, userId: fresh, displayName: 'Fresh Fay' },
    ]);
    await seedOnboarding(panel.services.database, DEMO_GUILD_ID, [
      { userId: done, joinedAt: new Date(now - 6 * 86_400_000), steps: ['rules', 'intro'], completedAt: new Date(now - 5 * 86_400_000) },
      { userId: stuck, joinedAt: new Date(now - 5 * 86_400_000 - 3_600_000), steps: ['rules'] },
      { userId: fresh, joinedAt: new Date(now - 3_600_000) },
    ]);

    const board = await open('onboarding');
    const bars = board.getByTestId('funnel');
    await expect.poll(() => bars.locator('[data-stage="joined"] .count').textContent()).toBe('3');
    await expect(bars.locator('[data-stage="step:rules"] .count').textContent()).resolves.toBe('2');
    await expect(bars.locator('[data-stage="step:intro"] .count').textContent()).resolves.toBe('1');
    await expect(bars.locator('[data-stage="completed"]').textContent()).resolves.toMatch(/1.*33\.3% of joined/);
    const row = board.getByTestId('stuck').locator(`tr[data-member="${stuck}"]`);
    await expect(row.textContent()).resolves.toMatch(/Stuck Sam.*Say hello.*5/);
    await expect(board.getByTestId('stuck').locator('tbody tr').count()).resolves.toBe(1);
    await board.close();
  });
});

// The rules workflow in a real browser: a rule created in the editor (with field errors on the
// way), dry-run with the computed amount, edited and applied by the running engine without a
// restart, and the member's transaction explained by its rule and event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GUILD_ID, loginWithToken, openBrowser, screenshot, startPanel, type Browser, type Panel } from './support.ts';

let panel: Panel;
let browser: Browser;
const MEMBER = '1000000000000009001';
const RULE = 'panel.long_message_bonus';
let sequence = 0;

beforeAll(async () => {
  panel = await startPanel();
  browser = await openBrowser();
  await panel.api(`/guilds/${DEMO_GUILD_ID}/currencies/bonus`, { method: 'PUT', json: { name: 'Bonus', symbol: '✦' } });
});
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

const base = () => `${panel.url}/g/${DEMO_GUILD_ID}`;
const message = (length: number) => ({
  source_id: `panel-test-${++sequence}`,
  type: 'message_create',
  guild_id: DEMO_GUILD_ID,
  actor_id: MEMBER,
  target_id: null,
  channel_id: '1000000000000000101',
  occurred_at: new Date(Date.UTC(2026, 10, 1, 12, sequence)).toISOString(),
  data: { length },
});
const bonusOf = async () => ((await panel.api(`/guilds/${DEMO_GUILD_ID}/members/${MEMBER}`)).currencies as { key: string; balance: number }[]).find((c) => c.key === 'bonus')!.balance;

describe('rules in the panel', () => {
  it('creates a rule in the editor: errors show at the field, then it saves and the API has it', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${base()}/rules/new`);
    await page.getByLabel('Key', { exact: true }).fill('Bad Key');
    await expect.poll(() => page.locator('#rule-key-error').textContent()).toContain('lowercase letters');
    await expect(page.getByLabel('Key', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    await page.getByLabel('Key', { exact: true }).fill(RULE);
    await page.getByLabel('Name', { exact: true }).fill('Long message bonus');
    await page.getByLabel('Module', { exact: true }).fill('panel');
    // Trigger: message_create is preselected. One condition built with the form.
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition name').fill('long messages');
    await page.getByLabel('Value read').fill('event.data.length');
    await page.getByLabel('Comparison').selectOption('>=');
    await page.getByLabel('Compared with').fill('500');
    await page.getByLabel('Compared with').press('Tab');
    // A second comparison, either being enough: JSON Logic "or".
    await page.getByRole('button', { name: 'Add a comparison' }).click();
    await page.getByLabel('Value read 2').fill('event.data.has_code_block');
    await page.getByLabel('Comparison 2', { exact: true }).selectOption('==');
    await page.getByLabel('Compared with 2').fill('true');
    await page.getByLabel('Compared with 2').press('Tab');
    await page.getByLabel('Holds when').selectOption('or');
    // Effect: credit the bonus currency, 5 plus one per 100 characters.
    await page.locator('#effect-1-currency').selectOption('bonus');
    await page.locator('#effect-1-amount').fill('{"+": [5, {"floor": [{"/": [{"var": "event.data.length"}, 100]}]}]}');
    // The raw JSON follows the forms.
    const raw = JSON.parse(await page.getByLabel('Rule as JSON').inputValue());
    const logic = { or: [{ '>=': [{ var: 'event.data.length' }, 500] }, { '==': [{ var: 'event.data.has_code_block' }, true] }] };
    expect(raw.conditions).toEqual([{ name: 'long messages', if: logic }]);
    expect(raw.effects[0]).toMatchObject({ type: 'credit', currency: 'bonus', amount: { '+': [5, { floor: [{ '/': [{ var: 'event.data.length' }, 100] }] }] } });
    expect(await page.getByTestId('validity').textContent(), (await page.locator('.problems').count()) ? ((await page.locator('.problems').textContent()) ?? '') : '').toContain('valid');
    await screenshot(page, 'rule-editor-new');
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.waitForURL(`${base()}/rules/${RULE}`);
    await page.getByRole('heading', { name: 'Version history' }).waitFor();
    const saved = await panel.api(`/guilds/${DEMO_GUILD_ID}/rules/${RULE}`);
    expect(saved).toMatchObject({ version: 1, document: { key: RULE, name: 'Long message bonus', module: 'panel', trigger: { events: ['message_create'] } } });
    expect(saved.document.conditions[0].if).toEqual(logic);
    await page.close();
  });

  it('shows the API’s own checks at the field when a save is refused', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${base()}/rules/${RULE}`);
    // Valid for the schema, refused by the API: no such currency.
    const raw = page.getByLabel('Rule as JSON');
    const doc = JSON.parse(await raw.inputValue());
    doc.effects[0].currency = 'nonexistent';
    await raw.fill(JSON.stringify(doc, null, 2));
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Not saved').waitFor();
    await expect(page.locator('.problems').textContent()).resolves.toContain('effects, item 1, currency: ');
    expect((await panel.api(`/guilds/${DEMO_GUILD_ID}/rules/${RULE}`)).version).toBe(1);
    await page.close();
  });

  it('dry-runs an event: the new rule fires with the computed amount and the resulting balance', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${base()}/dry-run`);
    await page.getByLabel('Event template').selectOption('message_create');
    await page.getByLabel('Actor', { exact: true }).fill(MEMBER);
    await page.getByLabel('Actor', { exact: true }).press('Tab');
    const event = JSON.parse(await page.getByLabel('Event (JSON)').inputValue());
    expect(event).toMatchObject({ type: 'message_create', guild_id: DEMO_GUILD_ID, actor_id: MEMBER });
    await page.getByLabel('Event (JSON)').fill(JSON.stringify({ ...event, data: { ...event.data, length: 640 } }, null, 2));
    await page.getByRole('button', { name: 'Run' }).click();
    const row = page.locator(`tr[data-rule="${RULE}"]`);
    await row.waitFor();
    await expect(row.locator('.badge').first().textContent()).resolves.toBe('fired');
    await expect(row.getByTestId('amount').textContent()).resolves.toBe('+11');
    await expect(row.textContent()).resolves.toContain('long messages');
    // Nothing was written: the member still has no bonus.
    const balance = page.locator('table.balances tr', { hasText: 'bonus' });
    await expect(balance.locator('td').nth(4).textContent()).resolves.toBe('11');
    await screenshot(page, 'dry-run');
    await expect(panel.api(`/guilds/${DEMO_GUILD_ID}/members/${MEMBER}`)).rejects.toThrow(/404/);
    // A short message: the condition is false and the trace says so.
    await page.getByLabel('Event (JSON)').fill(JSON.stringify({ ...event, actor_id: MEMBER, data: { ...event.data, length: 40 } }));
    await page.getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => row.locator('.badge').first().textContent()).toBe('condition false');
    await page.close();
  });

  it('dry-runs an unsaved edit from the editor against the live rules, leaving the live rule as it was', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${base()}/rules/${RULE}`);
    await page.locator('#effect-1-amount').fill('99');
    await page.getByRole('button', { name: 'Try in dry run' }).click();
    await page.waitForURL(/\/dry-run\?candidate=1/);
    await expect(page.getByLabel('Live rules with edited ones').isChecked()).resolves.toBe(true);
    expect(JSON.parse(await page.getByLabel(/^Edited rules/).inputValue())[0]).toMatchObject({ key: RULE, effects: [{ amount: 99 }] });
    const event = JSON.parse(await page.getByLabel('Event (JSON)').inputValue());
    await page.getByLabel('Event (JSON)').fill(JSON.stringify({ ...event, actor_id: MEMBER, data: { ...event.data, length: 640 } }));
    await page.getByRole('button', { name: 'Run' }).click();
    const row = page.locator(`tr[data-rule="${RULE}"]`);
    await expect.poll(async () => (await row.count()) > 0 && row.getByTestId('amount').textContent()).toBe('+99');
    expect((await panel.api(`/guilds/${DEMO_GUILD_ID}/rules/${RULE}`)).document.effects[0].amount).not.toBe(99);
    await page.close();
  });

  it('a rule edited in the panel is applied by the running engine at once (no restart)', async () => {
    expect(await panel.api(`/guilds/${DEMO_GUILD_ID}/events`, { json: message(640) })).toMatchObject({ accepted: 1 });
    expect(await bonusOf()).toBe(11);

    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${base()}/rules/${RULE}`);
    await page.locator('#effect-1-amount').fill('25');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(`${RULE} · version 2`).waitFor();

    expect(await panel.api(`/guilds/${DEMO_GUILD_ID}/events`, { json: message(640) })).toMatchObject({ accepted: 1 });
    expect(await bonusOf()).toBe(11 + 25);
    // The history shows the change key by key.
    await page.getByRole('button', { name: /^Changes/ }).first().click();
    await expect(page.locator('table.diff').textContent()).resolves.toContain('effects[0].amount');
    await screenshot(page, 'rule-history');
    await page.close();
  });

  it("explains a member's transactions: amount, balance, the rule and the event behind each", async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${base()}/members/${MEMBER}`);
    await page.getByRole('heading', { name: 'Recent transactions' }).waitFor();
    const rows = page.locator('tr[data-transaction]', { hasText: 'Long message bonus' });
    await expect.poll(() => rows.count()).toBe(2);
    const latest = rows.first();
    await expect(latest.textContent()).resolves.toMatch(/\+25 bonus/);
    await expect(latest.textContent()).resolves.toContain('v2');
    await expect(latest.textContent()).resolves.toContain('message_create');
    await expect(latest.textContent()).resolves.toContain(`panel-test-${sequence}`);
    await expect(latest.getByRole('link', { name: 'Long message bonus' }).getAttribute('href')).resolves.toBe(`/g/${DEMO_GUILD_ID}/rules/${RULE}`);
    await screenshot(page, 'member-transactions');

    // A manual award from the profile goes through the API and shows up at once.
    await page.getByLabel('Currency', { exact: true }).selectOption('bonus');
    await page.getByLabel('Amount (negative to fine)').fill('4');
    await page.getByLabel('Reason').fill('helpful answer');
    await page.getByRole('button', { name: 'Award' }).click();
    await expect.poll(() => bonusOf()).toBe(11 + 25 + 4);
    await page.locator('tr[data-transaction]', { hasText: 'helpful answer' }).waitFor();
    // A fine that would overdraw the balance is refused, with the reason under the amount.
    await page.getByLabel('Amount (negative to fine)').fill('-1000');
    await page.getByRole('button', { name: 'Award' }).click();
    await expect.poll(() => page.locator('#award-amount + .field-error, #award-amount ~ .field-error').textContent()).toContain('overdraw');
    await expect(page.getByLabel('Amount (negative to fine)').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await bonusOf()).toBe(11 + 25 + 4);
    await page.close();
  });

  it('deletes a rule after confirmation; it is gone from the list and the API', async () => {
    const page = await browser.newPage();
    await loginWithToken(page, panel);
    await page.goto(`${base()}/rules/${RULE}`);
    await page.getByRole('heading', { name: 'Version history' }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(`${base()}/rules`);
    await page.locator('tr[data-rule]').first().waitFor();
    expect(await page.locator(`tr[data-rule="${RULE}"]`).count()).toBe(0);
    await expect(panel.api(`/guilds/${DEMO_GUILD_ID}/rules/${RULE}`)).rejects.toThrow(/404/);
    await page.close();
  });
});

// /faq through the real discord.js client against the fake Discord: autocomplete answered in time,
// search (best entry shown, others in a menu, nothing found recorded as unanswered), show public or
// private, "This helped" once per member even when replayed, staff add and edit through the form,
// non-staff refused, and the support module switched off unregistering /faq.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { configVersions, faqEntries, faqUnanswered, guilds, lakeEvents } from '../../src/db/schema.ts';
import { APPLICATION_ID } from '../support/fake-discord.ts';
import { SUPPORT_ENTRIES, seedFaq } from '../faq/support.ts';
import { buttonClick, modalSubmit, selectChoice } from './support/components.ts';
import { lakeCount, waitForLake } from './support/harness.ts';
import { answerTo, isPrivate, OptionType, runCommand, type CallbackBody } from './support/interactions.ts';
import { ALICE, BOB, GUILD, MANAGE_GUILD, slashCommand, type OptionInput } from './support/payloads.ts';
import { useBot } from './support/use-bot.ts';

const ctx = useBot({ preset: 'classic' });
const CAROL = '987654321098765434';
const STAFF = { id: BOB, permissions: MANAGE_GUILD };

const sub = (name: string, options: OptionInput[] = []): OptionInput[] => [{ name, type: OptionType.SUB_COMMAND, options } as OptionInput];
const str = (name: string, value: string, focused = false): OptionInput => ({ name, type: OptionType.STRING, value, ...(focused ? { focused } : {}) });

interface Reply extends CallbackBody {
  data: CallbackBody['data'] & { components?: { components: { custom_id: string; type: number; options?: { value: string }[] }[] }[]; custom_id?: string; title?: string };
}
const ids = (reply: Reply) => (reply.data.components ?? []).flatMap((row) => row.components.map((c) => c.custom_id));

async function seed() {
  await seedFaq(ctx.database, SUPPORT_ENTRIES);
  await ctx.database.db.update(faqEntries).set({ authorId: CAROL }).where(eq(faqEntries.key, 'get-roles'));
}

async function suggestions(options: OptionInput[]) {
  const started = performance.now();
  const body = await answerTo<{ type: number; data: { choices: { name: string; value: string }[] } }>(ctx.harness, { ...slashCommand('faq', options), type: 4 });
  expect(body.type).toBe(8);
  return { choices: body.data.choices, ms: performance.now() - started };
}

describe('/faq search and show', () => {
  it('autocompletes the query over questions and tags, and entries by key, within Discord\'s 3 s', async () => {
    await seed();
    const query = await suggestions(sub('search', [str('query', 'rol', true)]));
    expect(query.ms).toBeLessThan(3000);
    expect(query.choices[0]).toEqual({ name: 'How do I get roles?', value: 'How do I get roles?' });
    const byTag = await suggestions(sub('search', [str('query', 'gdpr', true)]));
    expect(byTag.choices.map((c) => c.value)).toContain('What data does the bot store about me?');
    const entry = await suggestions(sub('show', [str('entry', 'tiket', true)]));
    expect(entry.choices.map((c) => c.value)).toContain('open-a-ticket');
    const empty = await suggestions(sub('show', [str('entry', '', true)]));
    expect(empty.choices).toHaveLength(SUPPORT_ENTRIES.length);
  });

  it('shows the best entry privately with "This helped" and the other results as a menu, and records the view for the author', async () => {
    await seed();
    const reply = await runCommand(ctx.harness, 'faq', sub('search', [str('query', 'how do i pick my roles')]));
    expect(isPrivate(reply)).toBe(true);
    expect(reply.data.embeds[0]!.title).toBe('How do I get roles?');
    expect(ids(reply as Reply)).toEqual(['faq:helpful:get-roles', 'faq:pick']);
    await waitForLake(ctx.harness, ctx.database, 1, 'faq_viewed');
    const [event] = await ctx.database.db.select().from(lakeEvents).where(eq(lakeEvents.type, 'faq_viewed'));
    expect(event).toMatchObject({ actorId: ALICE, targetId: CAROL, data: { entry: 'get-roles', via: 'search' } });
    const [row] = await ctx.database.db.select().from(faqEntries).where(eq(faqEntries.key, 'get-roles'));
    expect(row!.views).toBe(1);
    // Another result chosen from the menu is shown privately too.
    const picked = await answerTo<Reply>(ctx.harness, selectChoice('faq:pick', ['level-up']) as never);
    expect(picked.data.embeds[0]!.title).toBe('How do I level up and earn XP?');
    expect(isPrivate(picked)).toBe(true);
  });

  it('says politely when nothing answers, and lists the search as unanswered', async () => {
    await seed();
    const reply = await runCommand(ctx.harness, 'faq', sub('search', [str('query', 'Sourdough bread recipe?')]));
    expect(reply.data.embeds[0]!.title).toBe('No answer yet');
    expect(reply.data.embeds[0]!.description).toMatch(/open a ticket/);
    const rows = await ctx.database.db.select().from(faqUnanswered);
    expect(rows.map((r) => [r.query, r.count, r.lastAskedBy])).toEqual([['sourdough bread recipe?', 1, ALICE]]);
  });

  it('shows an entry publicly when asked, privately by default, and refuses an unknown one', async () => {
    await seed();
    const shown = await runCommand(ctx.harness, 'faq', sub('show', [str('entry', 'server-rules'), { name: 'public', type: OptionType.BOOLEAN, value: true }]));
    expect(isPrivate(shown)).toBe(false);
    expect(shown.data.embeds[0]!.title).toBe('What are the server rules?');
    expect(isPrivate(await runCommand(ctx.harness, 'faq', sub('show', [str('entry', 'server-rules')])))).toBe(true);
    const unknown = await runCommand(ctx.harness, 'faq', sub('show', [str('entry', 'nope\u0000'.repeat(20))]));
    expect(isPrivate(unknown)).toBe(true);
    expect(unknown.data.embeds[0]!.description).toMatch(/no FAQ entry/);
  });
});

describe('"This helped"', () => {
  it('counts once per member per entry, even when the click is replayed or repeated', async () => {
    await seed();
    const click = buttonClick('faq:helpful:get-roles', { id: ALICE });
    const first = await answerTo(ctx.harness, click as never);
    expect(first.data.embeds[0]!.description).toBe('Glad it helped!');
    const replayed = await answerTo(ctx.harness, click as never, 2);
    expect(replayed.data.embeds[0]!.description).toMatch(/already/);
    await answerTo(ctx.harness, buttonClick('faq:helpful:get-roles', { id: ALICE }) as never);
    await answerTo(ctx.harness, buttonClick('faq:helpful:get-roles', { id: BOB }) as never);
    await waitForLake(ctx.harness, ctx.database, 2, 'faq_helpful');
    expect(await lakeCount(ctx.database, 'faq_helpful')).toBe(2);
    const events = await ctx.database.db.select().from(lakeEvents).where(eq(lakeEvents.type, 'faq_helpful'));
    expect(events.map((e) => e.targetId)).toEqual([CAROL, CAROL]);
    const [row] = await ctx.database.db.select().from(faqEntries).where(eq(faqEntries.key, 'get-roles'));
    expect(row!.helpful).toBe(2);
  });
});

describe('staff add and edit through the form', () => {
  it('adds an entry from the /faq add form, authored by the staff member, with a version', async () => {
    const form = await runCommand(ctx.harness, 'faq', sub('add'), STAFF) as Reply;
    expect(form.type).toBe(9);
    expect(form.data.custom_id).toBe('faq:add');
    const saved = await answerTo(ctx.harness, modalSubmit('faq:add', { question: 'How do I reset my password?', answer: 'Use **Forgot password**.', tags: 'account, login', alternatives: 'forgot password\nlost my password' }, STAFF) as never);
    expect(saved.data.embeds[0]!.title).toBe('FAQ entry added');
    const [row] = await ctx.database.db.select().from(faqEntries).where(eq(faqEntries.key, 'how-do-i-reset-my-password'));
    expect(row).toMatchObject({ authorId: BOB, tags: ['account', 'login'], alternatives: ['forgot password', 'lost my password'] });
    const versions = await ctx.database.db.select().from(configVersions).where(and(eq(configVersions.kind, 'faq'), eq(configVersions.key, 'how-do-i-reset-my-password')));
    expect(versions.map((v) => v.action)).toEqual(['create']);
    expect(versions[0]!.actor).toMatch(new RegExp(`^discord:${BOB} `));
  });

  it('edits an entry through the prefilled form, and refuses a form that is not valid without saving', async () => {
    await seed();
    const form = await runCommand(ctx.harness, 'faq', sub('edit', [str('entry', 'get-roles')]), STAFF) as Reply;
    expect(form.type).toBe(9);
    expect(form.data.custom_id).toBe('faq:edit:get-roles');
    expect(JSON.stringify(form.data.components)).toContain('How do I get roles?');
    const saved = await answerTo(ctx.harness, modalSubmit('faq:edit:get-roles', { question: 'How do I get roles?', answer: 'Use the **Channels & Roles** page.', tags: 'roles', alternatives: '' }, STAFF) as never);
    expect(saved.data.embeds[0]!.title).toBe('FAQ entry updated');
    const bad = await answerTo(ctx.harness, modalSubmit('faq:edit:get-roles', { question: 'Bad\u0000question', answer: 'x', tags: 'ok, OK', alternatives: '' }, STAFF) as never);
    expect(isPrivate(bad)).toBe(true);
    expect(bad.data.embeds[0]!.description).toMatch(/Nothing was saved/);
    const [row] = await ctx.database.db.select().from(faqEntries).where(eq(faqEntries.key, 'get-roles'));
    expect(row).toMatchObject({ answer: 'Use the **Channels & Roles** page.', authorId: CAROL, tags: ['roles'] });
  });

  it('refuses members who are not staff, on the command and on a forged form submit', async () => {
    await seed();
    const refused = await runCommand(ctx.harness, 'faq', sub('add'));
    expect(isPrivate(refused)).toBe(true);
    expect(refused.data.embeds[0]!.description).toMatch(/Only staff/);
    const forged = await answerTo(ctx.harness, modalSubmit('faq:edit:get-roles', { question: 'Hacked?', answer: 'yes', tags: '', alternatives: '' }) as never);
    expect(forged.data.embeds[0]!.description).toMatch(/Only staff/);
    const [row] = await ctx.database.db.select().from(faqEntries).where(eq(faqEntries.key, 'get-roles'));
    expect(row!.question).toBe('How do I get roles?');
  });
});

describe('the support module', () => {
  it('registers /faq while on, unregisters it when switched off, and refuses a stale /faq and its buttons', async () => {
    await seed();
    const PUT = new RegExp(`^/applications/${APPLICATION_ID}/guilds/${GUILD}/commands$`);
    const [first] = await ctx.harness.fake.waitForCalls('PUT', PUT, 1);
    expect((first!.body as { name: string }[]).map((c) => c.name)).toContain('faq');
    await ctx.database.db.update(guilds).set({ settings: { disabled_modules: ['support'] } }).where(eq(guilds.id, GUILD));
    const calls = await ctx.harness.fake.waitForCalls('PUT', PUT, 2);
    expect((calls[1]!.body as { name: string }[]).map((c) => c.name)).not.toContain('faq');
    const stale = await runCommand(ctx.harness, 'faq', sub('search', [str('query', 'roles')]));
    expect(stale.data.embeds[0]!.description).toMatch(/switched off/);
    const button = await answerTo(ctx.harness, buttonClick('faq:helpful:get-roles') as never);
    expect(button.data.embeds[0]!.description).toMatch(/switched off/);
    expect(await lakeCount(ctx.database, 'faq_viewed')).toBe(0);
  });
});

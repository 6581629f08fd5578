// The support desk end to end through the real discord.js client and the fake Discord: a member
// opens a ticket with the button and the subject modal and gets a private thread only they and
// staff are in; staff claim and close it; the lake holds the four events with their times; a rule
// pays the closer once even when the Close interaction is replayed and the button double-clicked.
import { describe, expect, it } from 'vitest';
import { ticketEvents } from '../../src/db/schema.ts';
import { BOT_USER_ID } from '../support/fake-discord.ts';
import { buttonClick } from './support/components.ts';
import { balances, saveRules, until } from './support/harness.ts';
import { answerTo, isPrivate } from './support/interactions.ts';
import { ALICE, BOB, CAROL, CHANNEL, GUILD, MEMBER_PERMISSIONS, message, MOD_ROLE } from './support/payloads.ts';
import { configureDesk, openTicket, pressInTicket, runTicket, STAFF, ticketLake, ticketRow } from './support/tickets.ts';
import { useBot } from './support/use-bot.ts';

const ctx = useBot({ preset: 'classic' });

const PAY_CLOSER = {
  key: 'tickets.pay-closer',
  name: 'Pay staff for closed tickets',
  trigger: { events: ['ticket_closed'] },
  conditions: [{ if: { '==': [{ var: 'event.data.by_staff' }, true] } }],
  effects: [{ type: 'credit', to: 'actor', currency: 'gold', amount: 10, reason: 'ticket closed' }],
};

describe('opening a ticket', () => {
  it('gives the member a private, non-invitable thread under the desk channel with only them and staff as members', async () => {
    await configureDesk(ctx.database, ctx.harness);
    const { answer, modalShown } = await openTicket(ctx.harness, 'My XP vanished after the event');
    expect(modalShown.type).toBe(9);
    expect(answer).toMatch(/Your ticket #1 is open: <#\d+>/);
    const ticket = (await ticketRow(ctx.database, 1))!;
    expect(ticket).toMatchObject({ openerId: ALICE, status: 'open', mode: 'thread', subject: 'My XP vanished after the event', category: 'general' });
    const thread = ctx.harness.fake.channels.channel(ticket.channelId!)!;
    expect(thread).toMatchObject({ type: 12, parent_id: CHANNEL, thread_metadata: { invitable: false } });
    // The opener and the staff member (Carol holds the moderator role); not Bob.
    expect([...ctx.harness.fake.channels.threadMembers.get(thread.id)!].sort()).toEqual([ALICE, BOT_USER_ID, CAROL].sort());
    const [first] = ctx.harness.fake.channels.messages.get(thread.id)!;
    expect(first).toMatchObject({ content: `<@${ALICE}> <@&${MOD_ROLE}>` });
    expect(JSON.stringify(first!.components)).toContain('ticket:claim:1');
    expect(JSON.stringify(first!.components)).toContain('ticket:close:1');
  });

  it('answers a second click with a link to the open ticket instead of a modal (one per member per category)', async () => {
    await configureDesk(ctx.database, ctx.harness);
    await openTicket(ctx.harness, 'first problem');
    const ticket = (await ticketRow(ctx.database, 1))!;
    const again = await answerTo(ctx.harness, buttonClick('ticket:open', { permissions: MEMBER_PERMISSIONS }) as never);
    expect(again.type).toBe(4);
    expect(isPrivate(again)).toBe(true);
    expect(again.data.embeds[0]!.description).toBe(`You already have ticket #1 open: <#${ticket.channelId}>. Continue there, or close it first.`);
    // Another member is not limited by Alice's ticket; with a limit of 2, Alice may open a second.
    expect((await openTicket(ctx.harness, 'bob needs help', { id: BOB })).answer).toMatch(/#2 is open/);
    await configureDesk(ctx.database, ctx.harness, { max_open_per_member: 2 });
    expect((await openTicket(ctx.harness, 'second problem')).answer).toMatch(/#3 is open/);
  });

  it('opens one ticket when the modal is submitted twice at once, and distinct numbers for two members at once', async () => {
    await configureDesk(ctx.database, ctx.harness);
    const { modalSubmit } = await import('./support/components.ts');
    const a1 = modalSubmit('ticket:subject:general', { subject: 'double' }, { permissions: MEMBER_PERMISSIONS });
    const a2 = modalSubmit('ticket:subject:general', { subject: 'double' }, { permissions: MEMBER_PERMISSIONS });
    const b = modalSubmit('ticket:subject:general', { subject: 'bob at the same time' }, { id: BOB, permissions: MEMBER_PERMISSIONS });
    for (const i of [a1, a2, b]) ctx.harness.fake.dispatch('INTERACTION_CREATE', i);
    await until(async () => ctx.harness.fake.calls('PATCH', /\/messages\/@original$/).length >= 3, 10_000, 'three answers');
    const rows = await ctx.database.db.select().from((await import('../../src/db/schema.ts')).tickets);
    expect(rows.map((r) => r.openerId).sort()).toEqual([ALICE, BOB].sort());
    expect(rows.map((r) => r.number).sort()).toEqual([1, 2]);
    expect(ctx.harness.fake.calls('POST', /^\/channels\/\d+\/threads$/)).toHaveLength(2);
  });
});

describe('claiming and closing', () => {
  it('records the four lake events with the service times, and a rule pays the closer once despite a replay and a double click', async () => {
    await saveRules(ctx.database, [PAY_CLOSER]);
    await configureDesk(ctx.database, ctx.harness, { reopen_window_hours: 48 });
    await openTicket(ctx.harness, 'cannot buy coffee');
    const thread = (await ticketRow(ctx.database, 1))!.channelId!;
    // A member may not claim; staff may.
    expect(await pressInTicket(ctx.harness, 'ticket:claim:1', thread, { id: BOB })).toBe('Only staff can claim a ticket.');
    expect(await pressInTicket(ctx.harness, 'ticket:claim:1', thread, { id: CAROL, ...STAFF })).toBe('You claimed ticket #1.');
    // Carol answers in the thread: the first staff response.
    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: CAROL, channel: thread, content: 'Looking into it' }));
    await until(async () => (await ticketRow(ctx.database, 1))!.firstResponseBy === CAROL, 5_000, 'the first response');

    const close = buttonClick('ticket:close:1', { id: CAROL, channelId: thread, ...STAFF });
    // The same interaction delivered twice (a gateway replay) and a second click on Close.
    ctx.harness.fake.dispatch('INTERACTION_CREATE', close);
    ctx.harness.fake.dispatch('INTERACTION_CREATE', close);
    const secondClick = await pressInTicket(ctx.harness, 'ticket:close:1', thread, { id: CAROL, ...STAFF });
    await until(async () => ctx.harness.fake.calls('PATCH', new RegExp(`${close.token}/messages/@original$`)).length >= 2, 5_000, 'both answers to the replayed close');
    expect(['Ticket #1 is already closed.', 'Ticket #1 is closed.']).toContain(secondClick);
    await ctx.harness.pipeline.settled();
    expect((await balances(ctx.database, CAROL)).gold).toBe(10);

    const closed = (await ticketRow(ctx.database, 1))!;
    expect(closed).toMatchObject({ status: 'closed', closedBy: CAROL, claimedBy: CAROL });
    expect(ctx.harness.fake.channels.channel(thread)!.thread_metadata).toMatchObject({ archived: true, locked: true });

    // Reopen inside the window, then close again: a second ticket_closed (a new close) pays again.
    expect(await runTicket(ctx.harness, 'reopen', thread, [], { id: ALICE })).toBe('Ticket #1 is open again.');
    expect(ctx.harness.fake.channels.channel(thread)!.thread_metadata).toMatchObject({ archived: false, locked: false });
    expect(await runTicket(ctx.harness, 'close', thread, [{ name: 'reason', type: 3, value: 'solved for real' }], { id: CAROL, ...STAFF })).toBe('Ticket #1 is closed.');

    const lake = await ticketLake(ctx.database);
    expect(lake.map((e) => [e.type, e.sourceId])).toEqual([
      ['ticket_opened', `ticket:${GUILD}:1:opened:1`],
      ['ticket_claimed', `ticket:${GUILD}:1:claimed:1`],
      ['ticket_closed', `ticket:${GUILD}:1:closed:1`],
      ['ticket_reopened', `ticket:${GUILD}:1:reopened:1`],
      ['ticket_closed', `ticket:${GUILD}:1:closed:2`],
    ]);
    const firstClose = lake[2]!;
    expect(firstClose).toMatchObject({ actorId: CAROL, targetId: ALICE, channelId: thread });
    expect(firstClose.data).toMatchObject({ ticket: 1, by_staff: true, claimed_by: CAROL, resolved: true, reopened_count: 0 });
    expect(typeof firstClose.data.first_response_seconds).toBe('number');
    expect(typeof firstClose.data.resolution_seconds).toBe('number');
    expect(lake[4]!.data).toMatchObject({ reopened_count: 1 });
    await ctx.harness.pipeline.settled();
    expect((await balances(ctx.database, CAROL)).gold).toBe(20);

    const kinds = (await ctx.database.db.select().from(ticketEvents)).sort((a, b) => a.seq - b.seq).map((e) => e.kind);
    expect(kinds).toEqual(['opened', 'claimed', 'first_response', 'closed', 'reopened', 'closed']);
  });

  it('lets the member close their own ticket (not paid as a staff close), and refuses reopening after the window', async () => {
    await saveRules(ctx.database, [PAY_CLOSER]);
    await configureDesk(ctx.database, ctx.harness, { reopen_window_hours: 1 });
    await openTicket(ctx.harness, 'never mind');
    const thread = (await ticketRow(ctx.database, 1))!.channelId!;
    expect(await runTicket(ctx.harness, 'close', thread, [], { id: BOB })).toBe('Only staff or the member who opened the ticket can close it.');
    expect(await runTicket(ctx.harness, 'close', thread, [], { id: ALICE })).toBe('Ticket #1 is closed.');
    const { tickets } = await import('../../src/db/schema.ts');
    await ctx.database.db.update(tickets).set({ closedAt: new Date(Date.now() - 2 * 3_600_000) });
    expect(await runTicket(ctx.harness, 'reopen', thread, [], { id: ALICE })).toBe('Ticket #1 was closed more than 1 hours ago and cannot be reopened; open a new ticket instead.');
    expect((await ticketRow(ctx.database, 1))!.status).toBe('closed');
    await ctx.harness.pipeline.settled();
    expect((await balances(ctx.database, ALICE)).gold).toBeUndefined();
    expect((await ticketLake(ctx.database)).map((e) => e.type)).toEqual(['ticket_opened', 'ticket_closed']);
  });

  it('waits on the member and goes back to the claimer when they answer; staff add, remove and rename', async () => {
    await configureDesk(ctx.database, ctx.harness);
    await openTicket(ctx.harness, 'question');
    const thread = (await ticketRow(ctx.database, 1))!.channelId!;
    await runTicket(ctx.harness, 'claim', thread, [], { id: CAROL, ...STAFF });
    expect(await runTicket(ctx.harness, 'waiting', thread, [], { id: ALICE })).toBe('Only staff can do that on a ticket.');
    expect(await runTicket(ctx.harness, 'waiting', thread, [], { id: CAROL, ...STAFF })).toBe('Ticket #1 now waits on the member.');
    expect((await ticketRow(ctx.database, 1))!.status).toBe('waiting');
    ctx.harness.fake.dispatch('MESSAGE_CREATE', message({ author: ALICE, channel: thread, content: 'here is the screenshot' }));
    await until(async () => (await ticketRow(ctx.database, 1))!.status === 'claimed', 5_000, 'back to claimed');

    expect(await runTicket(ctx.harness, 'add', thread, [{ name: 'member', type: 6, value: BOB }], { id: CAROL, ...STAFF })).toBe(`Added <@${BOB}> to ticket #1.`);
    expect(ctx.harness.fake.channels.threadMembers.get(thread)!.has(BOB)).toBe(true);
    expect(await runTicket(ctx.harness, 'remove', thread, [{ name: 'member', type: 6, value: BOB }], { id: CAROL, ...STAFF })).toBe(`Removed <@${BOB}> from ticket #1.`);
    expect(ctx.harness.fake.channels.threadMembers.get(thread)!.has(BOB)).toBe(false);
    expect(await runTicket(ctx.harness, 'remove', thread, [{ name: 'member', type: 6, value: ALICE }], { id: CAROL, ...STAFF })).toMatch(/stays in it/);
    expect(await runTicket(ctx.harness, 'rename', thread, [{ name: 'name', type: 3, value: 'refund\u0000 request' }], { id: CAROL, ...STAFF })).toBe('Ticket #1 is now called “#1 refund request”.');
    expect(ctx.harness.fake.channels.channel(thread)!.name).toBe('#1 refund request');
    // Outside a ticket, /ticket says where to run it.
    expect(await runTicket(ctx.harness, 'claim', CHANNEL, [], { id: CAROL, ...STAFF })).toBe("Run /ticket claim inside a ticket's thread or channel.");
  });
});

describe('the ticket panel', () => {
  it('is posted by admins only, with a button, or a category select when the desk has categories', async () => {
    await configureDesk(ctx.database, ctx.harness);
    expect(await runTicket(ctx.harness, 'panel', CHANNEL, [], { id: BOB })).toMatch(/Only admins can post the ticket panel/);
    expect(await runTicket(ctx.harness, 'panel', CHANNEL, [], { id: CAROL, permissions: String(1n << 5n) })).toBe(`Posted the ticket panel in <#${CHANNEL}>.`);
    const [panel] = ctx.harness.fake.channels.messages.get(CHANNEL)!;
    expect(JSON.stringify(panel!.components)).toContain('"custom_id":"ticket:open"');
    const { ticketPanels } = await import('../../src/db/schema.ts');
    expect(await ctx.database.db.select().from(ticketPanels)).toMatchObject([{ channelId: CHANNEL, messageId: panel!.id, postedBy: CAROL }]);

    await configureDesk(ctx.database, ctx.harness, { categories: [{ key: 'billing', label: 'Billing' }, { key: 'bugs', label: 'Bugs' }] });
    await runTicket(ctx.harness, 'panel', CHANNEL, [], { id: CAROL, permissions: String(1n << 5n) });
    const second = ctx.harness.fake.channels.messages.get(CHANNEL)![1]!;
    expect(JSON.stringify(second.components)).toContain('"custom_id":"ticket:open-select"');
    // A category chosen in the select: the ticket is in it, and the limit is per category.
    expect((await openTicket(ctx.harness, 'charged twice', {}, 'billing')).answer).toMatch(/#1 is open/);
    expect((await openTicket(ctx.harness, 'crash on start', {}, 'bugs')).answer).toMatch(/#2 is open/);
    expect((await openTicket(ctx.harness, 'again', {}, 'billing')).answer).toMatch(/already have ticket #1 open/);
    expect((await ticketRow(ctx.database, 1))!.category).toBe('billing');
  });
});

describe('the support module switched off', () => {
  it('does not register /ticket and refuses the buttons', async () => {
    await configureDesk(ctx.database, ctx.harness);
    const registered = await ctx.harness.fake.waitForCalls('PUT', /\/guilds\/\d+\/commands$/);
    expect((registered.at(-1)!.body as { name: string }[]).map((c) => c.name)).toContain('ticket');
    await configureDesk(ctx.database, ctx.harness, {}, { disabled_modules: ['support'] });
    await until(() => {
      const last = ctx.harness.fake.calls('PUT', /\/guilds\/\d+\/commands$/).at(-1)!;
      return !(last.body as { name: string }[]).some((c) => c.name === 'ticket');
    }, 5_000, '/ticket unregistered');
    const click = await answerTo(ctx.harness, buttonClick('ticket:open', { permissions: MEMBER_PERMISSIONS }) as never);
    expect(isPrivate(click)).toBe(true);
    expect(click.data.embeds[0]!.description).toBe('This is switched off on this server (module support).');
    expect(await ticketLake(ctx.database)).toEqual([]);
  });
});

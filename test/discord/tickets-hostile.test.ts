// The desk against what goes wrong or varies: private channels with permission overwrites (channel
// mode), transcripts only when turned on (and attached on close when configured), Discord refusing
// to create the thread, the ticket's thread deleted in Discord, a member who left, and hostile
// subjects. Real discord.js against the fake Discord, on both databases.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ticketEvents, ticketMessages, tickets } from '../../src/db/schema.ts';
import { BOT_USER_ID } from '../support/fake-discord.ts';
import { until } from './support/harness.ts';
import { ALICE, ANNOUNCE_CHANNEL, BOB, CAROL, GUILD, message, MOD_ROLE } from './support/payloads.ts';
import { configureDesk, openTicket, pressInTicket, runTicket, STAFF, ticketLake, ticketRow } from './support/tickets.ts';
import { useBot } from './support/use-bot.ts';

const ctx = useBot({ preset: 'classic' });
const CATEGORY = '1111111111111111120';
const VIEW = 1n << 10n;

describe('channel mode', () => {
  it('creates a private channel in the category: @everyone denied, the opener, each staff role and the bot allowed; closing removes the opener', async () => {
    await configureDesk(ctx.database, ctx.harness, { mode: 'channel', category_channel_id: CATEGORY, parent_channel_id: null });
    expect((await openTicket(ctx.harness, 'Need a role fixed')).answer).toMatch(/#1 is open/);
    const ticket = (await ticketRow(ctx.database, 1))!;
    const channel = ctx.harness.fake.channels.channel(ticket.channelId!)!;
    expect(channel).toMatchObject({ type: 0, parent_id: CATEGORY, name: 'ticket-1-need-a-role-fixed' });
    const byId = new Map(channel.permission_overwrites.map((o) => [o.id, o]));
    expect(BigInt(byId.get(GUILD)!.deny) & VIEW).toBe(VIEW);
    for (const id of [ALICE, MOD_ROLE, BOT_USER_ID]) expect(BigInt(byId.get(id)!.allow) & VIEW).toBe(VIEW);
    expect(byId.has(BOB)).toBe(false);
    expect(ctx.harness.fake.calls('POST', /\/threads$/)).toHaveLength(0);

    expect(await runTicket(ctx.harness, 'add', channel.id, [{ name: 'member', type: 6, value: BOB }], { id: CAROL, ...STAFF })).toMatch(/Added/);
    expect(channel.permission_overwrites.some((o) => o.id === BOB)).toBe(true);
    expect(await pressInTicket(ctx.harness, 'ticket:close:1', channel.id, { id: CAROL, ...STAFF })).toBe('Ticket #1 is closed.');
    expect(channel.permission_overwrites.some((o) => o.id === ALICE)).toBe(false);
    expect(await runTicket(ctx.harness, 'reopen', channel.id, [], { id: CAROL, ...STAFF })).toBe('Ticket #1 is open again.');
    expect(channel.permission_overwrites.some((o) => o.id === ALICE)).toBe(true);
  });
});

describe('transcripts', () => {
  async function chatAndClose(transcripts: Record<string, unknown>) {
    await configureDesk(ctx.database, ctx.harness, { transcripts, log_channel_id: ANNOUNCE_CHANNEL });
    await openTicket(ctx.harness, 'printer on fire');
    const thread = (await ticketRow(ctx.database, 1))!.channelId!;
    const hello = message({ author: ALICE, channel: thread, content: '<script>alert(1)</script> it burns', attachments: 1 });
    const answer = message({ author: CAROL, channel: thread, content: 'have you tried water' });
    ctx.harness.fake.dispatch('MESSAGE_CREATE', hello);
    ctx.harness.fake.dispatch('MESSAGE_CREATE', answer);
    await until(async () => (await ticketRow(ctx.database, 1))!.firstResponseBy === CAROL, 5_000, 'the first response');
    ctx.harness.fake.dispatch('MESSAGE_UPDATE', { id: hello.id, channel_id: thread, guild_id: GUILD, content: 'it burns (edited)', edited_timestamp: new Date().toISOString(), author: hello.author });
    ctx.harness.fake.dispatch('MESSAGE_DELETE', { id: answer.id, channel_id: thread, guild_id: GUILD });
    return { thread, hello, answer };
  }

  it('keeps messages, edits and deletions when on, and attaches HTML and JSON to the closing notice in the ticket and the log channel', async () => {
    const { thread, hello, answer } = await chatAndClose({ enabled: true, attach_on_close: true, retention_days: 30 });
    await until(async () => {
      const rows = await ctx.database.db.select().from(ticketMessages);
      return rows.some((r) => r.messageId === hello.id && r.editedAt) && rows.some((r) => r.messageId === answer.id && r.deletedAt);
    }, 5_000, 'the edit and the deletion');
    const kept = await ctx.database.db.select().from(ticketMessages).where(eq(ticketMessages.messageId, hello.id as string));
    expect(kept[0]).toMatchObject({ number: 1, authorId: ALICE, content: 'it burns (edited)', attachments: [{ name: 'f0.png', url: 'https://cdn.example/f.png', size: 10 }] });

    expect(await pressInTicket(ctx.harness, 'ticket:close:1', thread, { id: CAROL, ...STAFF })).toBe('Ticket #1 is closed.');
    for (const channel of [thread, ANNOUNCE_CHANNEL]) {
      const [notice] = ctx.harness.fake.calls('POST', new RegExp(`^/channels/${channel}/messages$`)).filter((r) => r.files.length > 0);
      expect(notice!.files.map((f) => f.name)).toEqual(['ticket-1-test-guild.html', 'ticket-1-test-guild.json']);
      const html = notice!.files[0]!.data.toString();
      expect(html).toContain('it burns (edited)');
      expect(html).not.toContain('<script>');
      const json = JSON.parse(notice!.files[1]!.data.toString());
      expect(json.messages.map((m: { messageId: string }) => m.messageId)).toEqual([hello.id, answer.id]);
      expect(json.messages[1].deletedAt).not.toBeNull();
    }
  });

  it('keeps nothing but metadata when off, and attaches nothing (the log channel still hears of the close)', async () => {
    const { thread } = await chatAndClose({ enabled: false, attach_on_close: true, retention_days: 30 });
    expect(await pressInTicket(ctx.harness, 'ticket:close:1', thread, { id: CAROL, ...STAFF })).toBe('Ticket #1 is closed.');
    expect(await ctx.database.db.select().from(ticketMessages)).toEqual([]);
    expect((await ticketRow(ctx.database, 1))!.firstResponseBy).toBe(CAROL);
    const logged = ctx.harness.fake.calls('POST', new RegExp(`^/channels/${ANNOUNCE_CHANNEL}/messages$`));
    expect(logged).toHaveLength(1);
    expect(logged[0]!.files).toEqual([]);
  });
});

describe('what goes wrong', () => {
  it('answers clearly when Discord refuses the private thread, leaves no ticket behind, and opens one on the next try', async () => {
    await configureDesk(ctx.database, ctx.harness);
    ctx.harness.fake.failNext('POST', /^\/channels\/\d+\/threads$/, { status: 403, body: { message: 'Missing Permissions', code: 50013 } });
    const { answer } = await openTicket(ctx.harness, 'help');
    expect(answer).toMatch(/^Discord did not let me create your ticket in <#\d+> \(missing permissions\)\. Ask an admin to give me Create Private Threads/);
    expect(await ctx.database.db.select().from(tickets)).toEqual([]);
    expect(await ticketLake(ctx.database)).toEqual([]);
    expect((await openTicket(ctx.harness, 'help')).answer).toMatch(/Your ticket #1 is open/);
  });

  it('closes a ticket whose thread was deleted in Discord as channel_gone, with a timeline entry, and keeps serving', async () => {
    await configureDesk(ctx.database, ctx.harness);
    await openTicket(ctx.harness, 'soon gone');
    const ticket = (await ticketRow(ctx.database, 1))!;
    ctx.harness.fake.dispatch('THREAD_DELETE', { id: ticket.channelId, guild_id: GUILD, parent_id: ticket.channelId, type: 12 });
    await until(async () => (await ticketRow(ctx.database, 1))!.status === 'closed', 5_000, 'the ticket closed');
    expect(await ticketRow(ctx.database, 1)).toMatchObject({ channelGone: true, closeReason: 'channel_gone', closedBy: BOT_USER_ID });
    const kinds = (await ctx.database.db.select().from(ticketEvents)).map((e) => e.kind);
    expect(kinds).toEqual(['opened', 'closed']);
    // The lake event follows the ticket's commit.
    const closed = await until(async () => (await ticketLake(ctx.database)).find((e) => e.type === 'ticket_closed'), 5_000, 'ticket_closed in the lake');
    expect(closed!.data).toMatchObject({ resolved: false, by_staff: false });
    // A channel delete delivered again changes nothing; reopening is refused plainly.
    ctx.harness.fake.dispatch('CHANNEL_DELETE', { id: ticket.channelId, guild_id: GUILD, type: 12 });
    expect(await runTicket(ctx.harness, 'reopen', ticket.channelId!, [], { id: ALICE })).toMatch(/channel was deleted; open a new ticket instead/);
    expect((await openTicket(ctx.harness, 'next one')).answer).toMatch(/#2 is open/);
  });

  it('says so when staff add a member who left, and notes in the timeline when the opener leaves', async () => {
    await configureDesk(ctx.database, ctx.harness);
    await openTicket(ctx.harness, 'about to leave');
    const thread = (await ticketRow(ctx.database, 1))!.channelId!;
    const GONE = '987654321098765499';
    expect(await runTicket(ctx.harness, 'add', thread, [{ name: 'member', type: 6, value: GONE }], { id: CAROL, ...STAFF })).toBe(`<@${GONE}> is not on this server any more (or the ticket's channel is gone).`);
    ctx.harness.fake.dispatch('GUILD_MEMBER_REMOVE', { guild_id: GUILD, user: { id: ALICE, username: 'alice', discriminator: '0', avatar: null } });
    await until(async () => (await ctx.database.db.select().from(ticketEvents)).some((e) => e.kind === 'opener_left'), 5_000, 'the opener_left entry');
    expect((await ticketRow(ctx.database, 1))!.status).toBe('open');
  });

  it('cleans NUL bytes out of a subject, refuses a huge or empty one without opening anything', async () => {
    await configureDesk(ctx.database, ctx.harness);
    expect((await openTicket(ctx.harness, '\u0000'.repeat(5) + '   ')).answer).toBe('The subject is empty: write a few words.');
    expect((await openTicket(ctx.harness, 'x'.repeat(100_000))).answer).toBe('The subject is too long: at most 200 characters (it has 100000).');
    expect(await ctx.database.db.select().from(tickets)).toEqual([]);
    expect((await openTicket(ctx.harness, 'nul\u0000 inside')).answer).toMatch(/#1 is open/);
    expect((await ticketRow(ctx.database, 1))!.subject).toBe('nul inside');
  });
});

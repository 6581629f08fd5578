// The transcript exports, GET /tickets/:number/transcript.html and .json: a download named after the
// ticket and the guild, every hostile value (markup, script, attribute breakers, control
// characters, a javascript: link, a huge message) escaped into inert text, a CSP that runs nothing,
// 404 when the guild keeps no transcript or none was kept, and each export in the audit log.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/app/clock.ts';
import { queryRows } from '../../src/db/client.ts';
import { guilds, members } from '../../src/db/schema.ts';
import { escapeHtml, transcriptFilename } from '../../src/tickets/export.ts';
import { createTestApp, json, TEST_NOW } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ALICE, BOB, GUILD, seedGuild } from '../support/factories.ts';
import { saveTicketSettings, seedTicket, seedTicketMessages } from '../support/tickets.ts';

const G = `/api/guilds/${GUILD}/tickets`;
const HUGE = 'A<b>'.repeat(50_000);
const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(2)>',
  "' onmouseover='alert(3)",
  'bell\u0007 escape\u001b[31m del\u007f',
  '&lt;already escaped&gt; &amp;',
];
let database: TestDatabase;
let api: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  api = await createTestApp(database, {}, { clock: fixedClock(TEST_NOW) });
  await seedGuild(database);
  await database.db.update(guilds).set({ name: 'Café <Les Amis> & Co', timezone: 'Europe/Paris' }).where(eq(guilds.id, GUILD));
  await database.db.insert(members).values([
    { guildId: GUILD, userId: ALICE, displayName: '<b>Alice</b>', username: 'alice' },
    { guildId: GUILD, userId: BOB, displayName: 'Bob', username: 'bob' },
  ]);
  await saveTicketSettings(database, { transcripts: { enabled: true }, categories: [{ key: 'general', label: 'Help <desk>' }] });
  await seedTicket(database, { number: 12, openedAt: '2026-11-20T10:00:00Z', openerId: ALICE, subject: '</title><script>alert("subject")</script>', claimedBy: BOB, closedAt: '2026-11-20T11:00:00Z', closedBy: BOB, closeReason: '<i>done</i>' });
  await seedTicketMessages(database, 12, [
    ...HOSTILE.map((content, i) => ({ authorId: ALICE, content, sentAt: `2026-11-20T10:0${i}:00Z` })),
    { authorId: BOB, content: 'see the file', sentAt: '2026-11-20T10:06:00Z', attachments: [
      { name: 'log<1>.txt', url: 'https://cdn.discordapp.com/attachments/1/2/log.txt?a=1&b=2', size: 2048 },
      { name: 'click me', url: 'javascript:alert(4)', size: 1 },
    ] },
    { authorId: BOB, content: HUGE, sentAt: '2026-11-20T10:07:00Z', deletedAt: '2026-11-20T10:08:00Z' },
  ]);
  await seedTicket(database, { number: 13, openedAt: '2026-11-21T10:00:00Z', openerId: ALICE });
});
afterAll(async () => {
  await api.services.close();
});

const exportsAudited = () => queryRows<{ action: string; entity_type: string; entity_key: string; actor: string; after: unknown }>(database.db, sql`SELECT action, entity_type, entity_key, actor, after FROM audit_log WHERE action = 'ticket.transcript_export' ORDER BY id`);

describe('the HTML transcript', () => {
  it('is a download named after the ticket and the guild, that runs nothing', async () => {
    const res = await api.request(`${G}/12/transcript.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="ticket-12-cafe-les-amis-co.html"');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    // The only markup is the page's own: no script element, no event handler attribute.
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<[^>]*\son\w+=/i);
    expect(html).not.toContain('javascript:');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('&#39; onmouseover=&#39;alert(3)');
    expect(html).toContain('&amp;lt;already escaped&amp;gt; &amp;amp;');
    expect(html).toContain('bell\uFFFD escape\uFFFD[31m del\uFFFD');
    expect(html).toContain('<title>Ticket #12: &lt;/title&gt;&lt;script&gt;alert(&quot;subject&quot;)&lt;/script&gt; · Café &lt;Les Amis&gt; &amp; Co</title>');
    expect(html).toContain('&lt;b&gt;Alice&lt;/b&gt;');
    expect(html).toContain('Help &lt;desk&gt;');
    expect(html).toContain('&lt;i&gt;done&lt;/i&gt;');
    // A web attachment is a link (its & escaped in the attribute); a javascript: one is plain text.
    expect(html).toContain('<a href="https://cdn.discordapp.com/attachments/1/2/log.txt?a=1&amp;b=2" rel="noopener noreferrer nofollow">log&lt;1&gt;.txt (2.0 KB)</a>');
    expect(html).toContain('<li>click me (1 B)</li>');
    // The huge message is there whole, escaped, marked deleted; times in the guild's zone.
    expect(html).toContain('A&lt;b&gt;'.repeat(50_000));
    expect(html).toMatch(/class="message deleted"/);
    expect(html).toContain('20 Nov 2026, 11:00');
    expect(html).toContain('7 messages');
  });
});

describe('the JSON transcript', () => {
  it('holds the ticket, the names and every message exactly as kept', async () => {
    const res = await api.request(`${G}/12/transcript.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="ticket-12-cafe-les-amis-co.json"');
    const body = await json(res);
    expect(body).toMatchObject({
      format: 'cairn.ticket-transcript', version: 1, exportedAt: TEST_NOW.toISOString(),
      guild: { id: GUILD, name: 'Café <Les Amis> & Co', timeZone: 'Europe/Paris' },
      ticket: { number: 12, status: 'closed', openerId: ALICE, claimedBy: BOB, categoryLabel: 'Help <desk>', subject: '</title><script>alert("subject")</script>' },
      names: { [ALICE]: '<b>Alice</b>', [BOB]: 'Bob' },
    });
    expect(body.messages.map((m: { content: string }) => m.content)).toEqual([...HOSTILE, 'see the file', HUGE]);
    expect(body.messages[5].attachments[1]).toEqual({ name: 'click me', url: 'javascript:alert(4)', size: 1 });
    expect(body.messages[6].deletedAt).toBe('2026-11-20T10:08:00.000Z');
  });
});

describe('when there is nothing to export', () => {
  it('answers 404 for a ticket whose messages were not kept', async () => {
    for (const ext of ['html', 'json']) {
      const res = await api.request(`${G}/13/transcript.${ext}`);
      expect(res.status).toBe(404);
      expect((await json(res)).error.message).toContain('no transcript was kept for ticket #13');
    }
  });

  it('answers 404 while the guild keeps no transcripts, even for messages still stored', async () => {
    await saveTicketSettings(database, { transcripts: { enabled: false } });
    try {
      const res = await api.request(`${G}/12/transcript.html`);
      expect(res.status).toBe(404);
      expect((await json(res)).error.message).toContain('keeps no ticket transcripts');
    } finally {
      await saveTicketSettings(database, { transcripts: { enabled: true }, categories: [{ key: 'general', label: 'Help <desk>' }] });
    }
  });
});

describe('the audit log', () => {
  it('records each export (who, which ticket, which format, how many messages) and no refused one', async () => {
    const before = (await exportsAudited()).length;
    await api.request(`${G}/12/transcript.json`);
    await api.request(`${G}/13/transcript.json`);
    const rows = (await exportsAudited()).slice(before);
    expect(rows).toEqual([{ action: 'ticket.transcript_export', entity_type: 'ticket', entity_key: '12', actor: 'operator', after: { format: 'json', messages: 7 } }]);
    const listed = await json(await api.request(`/api/guilds/${GUILD}/audit-log?entity=ticket`));
    expect(listed[0]).toMatchObject({ action: 'ticket.transcript_export', entityKey: '12', revertible: false });
  });
});

describe('the escaping and naming rules', () => {
  it('turns NUL, other controls and unpaired surrogates into U+FFFD, and keeps tabs, line breaks and emoji', () => {
    expect(escapeHtml('a\u0000b')).toBe('a\uFFFDb');
    expect(escapeHtml('x\uD800y\uDC00z')).toBe('x\uFFFDy\uFFFDz');
    expect(escapeHtml('tab\tline\nreturn\r 🎫')).toBe('tab\tline\nreturn\r 🎫');
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });

  it('names the file after the guild in ASCII, or its id when nothing is left', () => {
    expect(transcriptFilename(3, { id: GUILD, name: 'Ünïcode Guild™ 2026' }, 'html')).toBe('ticket-3-unicode-guildtm-2026.html');
    expect(transcriptFilename(3, { id: GUILD, name: '日本語' }, 'json')).toBe(`ticket-3-${GUILD}.json`);
    expect(transcriptFilename(3, { id: GUILD, name: '"; rm -rf /' }, 'html')).toBe('ticket-3-rm-rf.html');
  });
});

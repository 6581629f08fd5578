// The transcript renderer the panel's export and the bot's close attachment share: every value
// escaped in the HTML (content, names, subject, reason, attachment names), NUL and other controls
// shown as U+FFFD, only http(s) links become links, and the JSON holds the data as kept.
import { describe, expect, it } from 'vitest';
import { transcriptFilename, transcriptHtml, transcriptJson, type TranscriptExport } from '../../src/tickets/export.ts';
import type { TicketView, TranscriptMessage } from '../../src/tickets/queries.ts';

const ticket = (overrides: Partial<TicketView> = {}): TicketView => ({
  number: 7, status: 'closed', category: 'general', subject: 'Help <b>me</b> & "you"', mode: 'thread', openerId: '2', channelId: '3', claimedBy: null,
  openedAt: '2026-01-01T00:00:00.000Z', claimedAt: null, firstResponseAt: null, firstResponseBy: null, lastActivityAt: '2026-01-01T00:00:00.000Z',
  closedAt: '2026-01-02T00:00:00.000Z', closedBy: '4', closeReason: "<img src=x onerror='x'>", reopenedCount: 0, channelGone: false, summary: null, ...overrides,
});

const message = (overrides: Partial<TranscriptMessage> = {}): TranscriptMessage => ({
  messageId: '10', authorId: '2', content: '<script>alert("x")</script>\nline two\u0000', attachments: [], sentAt: '2026-01-01T00:01:00.000Z', editedAt: null, deletedAt: null, ...overrides,
});

const exportOf = (overrides: Partial<TranscriptExport> = {}): TranscriptExport => ({
  guild: { id: '1', name: '<Guild>', timeZone: 'UTC' }, ticket: ticket(), categoryLabel: null, messages: [message()], names: {}, exportedAt: new Date('2026-01-03T00:00:00Z'), ...overrides,
});

describe('transcript rendering', () => {
  it('escapes every member-written value in the HTML and shows NUL as U+FFFD', () => {
    const html = transcriptHtml(exportOf({
      messages: [message({ attachments: [{ name: '<evil>.png', url: 'javascript:alert(1)', size: 1 }, { name: 'ok.png', url: 'https://cdn.example/a"b.png', size: 2 }] })],
      names: { '2': '</title><script>x</script>' },
    }));
    expect(html).not.toMatch(/<script|<img|<b>|<evil>|<Guild>|href="javascript/);
    expect(html.includes('\u0000')).toBe(false);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;\nline two\uFFFD');
    expect(html).toContain('Help &lt;b&gt;me&lt;/b&gt; &amp; &quot;you&quot;');
    expect(html).toContain('<a href="https://cdn.example/a&quot;b.png" rel="noopener noreferrer nofollow">ok.png (2 B)</a>');
    expect(html).toContain('<li>&lt;evil&gt;.png (1 B)</li>');
  });

  it('marks edits and deletions, and keeps them in the JSON', () => {
    const x = exportOf({ messages: [message({ editedAt: '2026-01-01T00:02:00.000Z', deletedAt: '2026-01-01T00:03:00.000Z' })] });
    const html = transcriptHtml(x);
    expect(html).toContain('class="message deleted"');
    expect(html).toMatch(/edited <time datetime="2026-01-01T00:02:00.000Z">/);
    const json = transcriptJson(x);
    expect(json.ticket).toMatchObject({ number: 7, subject: 'Help <b>me</b> & "you"', closeReason: "<img src=x onerror='x'>" });
    expect(json.messages[0]).toMatchObject({ messageId: '10', editedAt: '2026-01-01T00:02:00.000Z', deletedAt: '2026-01-01T00:03:00.000Z' });
  });

  it('names the file after the ticket and the guild in plain ASCII words', () => {
    expect(transcriptFilename(7, { id: '1', name: 'Café <Painters>!' }, 'html')).toBe('ticket-7-cafe-painters.html');
    expect(transcriptFilename(7, { id: '1', name: '🎨🎨' }, 'json')).toBe('ticket-7-1.json');
  });
});

// The transcript renderer: every value escaped in the HTML (content, names, subject, attachment
// names), only http(s) links become links, and the JSON holds the data as kept.
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../src/tickets/repository.ts';
import { transcriptHtml, transcriptJson } from '../../src/tickets/transcript.ts';
import type { TranscriptMessage } from '../../src/tickets/transcripts.ts';

const ticket = (overrides: Partial<Ticket> = {}): Ticket => ({
  guildId: '1', number: 7, category: 'general', openerId: '2', mode: 'thread', channelId: '3', subject: 'Help <b>me</b> & "you"', status: 'closed',
  claimedBy: null, openedAt: new Date('2026-01-01T00:00:00Z'), claimedAt: null, firstResponseAt: null, firstResponseBy: null, lastActivityAt: new Date('2026-01-01T00:00:00Z'),
  closedAt: new Date('2026-01-02T00:00:00Z'), closedBy: '4', closeReason: "<img src=x onerror='x'>", reopenedCount: 0, channelGone: false, summary: null, ...overrides,
});

const message = (overrides: Partial<TranscriptMessage> = {}): TranscriptMessage => ({
  guildId: '1', number: 7, messageId: '10', authorId: '2', content: '<script>alert("x")</script>\nline two', attachments: [], sentAt: new Date('2026-01-01T00:01:00Z'), editedAt: null, deletedAt: null, ...overrides,
});

describe('transcript rendering', () => {
  it('escapes every member-written value in the HTML', () => {
    const html = transcriptHtml({
      ticket: ticket(),
      messages: [message({ attachments: [{ name: '<evil>.png', url: 'javascript:alert(1)', size: 1 }, { name: 'ok.png', url: 'https://cdn.example/a"b.png', size: 2 }] })],
      names: { '2': '</title><script>x</script>' },
      guildName: '<Guild>',
    });
    expect(html).not.toMatch(/<script|<img|<b>|<evil>|<Guild>|href="javascript/);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>line two');
    expect(html).toContain('Help &lt;b&gt;me&lt;/b&gt; &amp; &quot;you&quot;');
    expect(html).toContain('<a href="https://cdn.example/a&quot;b.png" rel="noopener noreferrer">ok.png</a>');
    expect(html).toContain('&lt;evil&gt;.png (javascript:alert(1))');
  });

  it('marks edits and deletions, and keeps them in the JSON', () => {
    const input = { ticket: ticket(), messages: [message({ editedAt: new Date('2026-01-01T00:02:00Z'), deletedAt: new Date('2026-01-01T00:03:00Z') })] };
    expect(transcriptHtml(input)).toContain('edited 2026-01-01T00:02:00.000Z, deleted 2026-01-01T00:03:00.000Z');
    const json = transcriptJson(input);
    expect(json.ticket).toMatchObject({ number: 7, subject: 'Help <b>me</b> & "you"', close_reason: "<img src=x onerror='x'>" });
    expect(json.messages[0]).toMatchObject({ id: '10', author: '2', edited_at: '2026-01-01T00:02:00.000Z', deleted_at: '2026-01-01T00:03:00.000Z' });
  });

  it('says when no messages were kept (transcripts off)', () => {
    expect(transcriptHtml({ ticket: ticket(), messages: [] })).toContain('No messages were kept.');
  });
});

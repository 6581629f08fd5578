// A ticket's transcript as a file: JSON (the data as is) and a self-contained HTML page with every
// value escaped (a member's message can hold any markup). The bot attaches them on close; the
// panel's export serves the same.
import type { Ticket, TicketEvent } from './repository.ts';
import type { TranscriptMessage } from './transcripts.ts';

export interface TranscriptInput {
  ticket: Ticket;
  messages: TranscriptMessage[];
  timeline?: TicketEvent[];
  /** Display names by user id, when known (ids are shown otherwise). */
  names?: Record<string, string>;
  /** The guild's name for the heading. */
  guildName?: string;
}

export interface TranscriptJson {
  ticket: { guild_id: string; number: number; category: string; subject: string; status: string; opener_id: string; claimed_by: string | null; opened_at: string; closed_at: string | null; close_reason: string | null };
  messages: { id: string; author_id: string; author: string; content: string; attachments: { name: string; url: string; size: number }[]; sent_at: string; edited_at: string | null; deleted_at: string | null }[];
  timeline: { seq: number; kind: string; actor_id: string | null; at: string }[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function transcriptJson(input: TranscriptInput): TranscriptJson {
  const { ticket } = input;
  return {
    ticket: {
      guild_id: ticket.guildId,
      number: ticket.number,
      category: ticket.category,
      subject: ticket.subject,
      status: ticket.status,
      opener_id: ticket.openerId,
      claimed_by: ticket.claimedBy,
      opened_at: ticket.openedAt.toISOString(),
      closed_at: iso(ticket.closedAt),
      close_reason: ticket.closeReason,
    },
    messages: input.messages.map((m) => ({
      id: m.messageId,
      author_id: m.authorId,
      author: input.names?.[m.authorId] ?? m.authorId,
      content: m.content,
      attachments: m.attachments,
      sent_at: m.sentAt.toISOString(),
      edited_at: iso(m.editedAt),
      deleted_at: iso(m.deletedAt),
    })),
    timeline: (input.timeline ?? []).map((e) => ({ seq: e.seq, kind: e.kind, actor_id: e.actorId, at: e.at.toISOString() })),
  };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Only http(s) links become links; anything else (javascript:, data:) is shown as text. */
const safeUrl = (url: string) => (/^https?:\/\//i.test(url) ? escapeHtml(url) : null);

export function transcriptHtml(input: TranscriptInput): string {
  const data = transcriptJson(input);
  const t = data.ticket;
  const rows = data.messages.map((m) => {
    const files = m.attachments
      .map((a) => {
        const href = safeUrl(a.url);
        return href ? `<li><a href="${href}" rel="noopener noreferrer">${escapeHtml(a.name)}</a> (${a.size} bytes)</li>` : `<li>${escapeHtml(a.name)} (${escapeHtml(a.url)})</li>`;
      })
      .join('');
    const notes = [m.edited_at ? `edited ${escapeHtml(m.edited_at)}` : '', m.deleted_at ? `deleted ${escapeHtml(m.deleted_at)}` : ''].filter(Boolean).join(', ');
    return `<article class="message${m.deleted_at ? ' deleted' : ''}">
<header><strong>${escapeHtml(m.author)}</strong> <time datetime="${escapeHtml(m.sent_at)}">${escapeHtml(m.sent_at)}</time>${notes ? ` <em>(${notes})</em>` : ''}</header>
<p>${escapeHtml(m.content).replace(/\n/g, '<br>')}</p>${files ? `<ul>${files}</ul>` : ''}
</article>`;
  });
  const events = data.timeline.map((e) => `<li>${escapeHtml(e.at)} — ${escapeHtml(e.kind)}${e.actor_id ? ` by ${escapeHtml(input.names?.[e.actor_id] ?? e.actor_id)}` : ''}</li>`);
  const title = `Ticket #${t.number}: ${t.subject}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}article{border-bottom:1px solid #ddd;padding:.5rem 0}.deleted p{text-decoration:line-through;color:#888}time,em{color:#666;font-size:.85em}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p>${input.guildName ? `${escapeHtml(input.guildName)} · ` : ''}category ${escapeHtml(t.category)} · opened by ${escapeHtml(input.names?.[t.opener_id] ?? t.opener_id)} at ${escapeHtml(t.opened_at)}${t.closed_at ? ` · closed at ${escapeHtml(t.closed_at)}` : ''}${t.close_reason ? ` (${escapeHtml(t.close_reason)})` : ''} · status ${escapeHtml(t.status)}</p>
<section><h2>Messages (${data.messages.length})</h2>
${rows.join('\n') || '<p>No messages were kept.</p>'}
</section>
${events.length ? `<section><h2>Timeline</h2><ol>${events.join('')}</ol></section>` : ''}
</body></html>
`;
}
